/**
 * Every issue Keyhold shows, in one catalogue keyed by its name (Seam's name
 * where Seam has one, DESIGN.md "Words"): a short title, the explanation a
 * person reads (also the message stored on the issue when nothing more
 * specific is known), a tone, and the heading of its group on the alerts
 * page. Pages, alerts and the tick all read it; none spells an issue's words
 * itself. Names are open strings: an unknown one (a new adapter's) is shown
 * readably rather than dropped.
 */

export type Tone = 'ok' | 'info' | 'warning' | 'error';

export type IssueWords = {
  title: string;
  explanation: string;
  tone: Tone;
  /** The alerts page's heading for a group of these. */
  group: string;
};

const DELAY_IN_SETTING: IssueWords = {
  title: 'Programming delayed',
  explanation: 'A try to put the code on the lock failed or is late. Keyhold is still retrying.',
  tone: 'warning',
  group: 'Codes waiting to be put on their lock',
};

const CHANGED_AT_LOCK: IssueWords = {
  title: 'Changed at the lock',
  explanation:
    'Someone changed or removed the code at the lock. Keyhold is putting it back; this clears once it is.',
  tone: 'error',
  group: 'Codes changed or removed at the lock',
};

const LOCK_OFFLINE: IssueWords = {
  title: 'Lock offline',
  explanation:
    'Keyhold cannot reach the lock. Codes go on and come off once it is back; check its power and connection.',
  tone: 'error',
  group: 'Locks offline',
};

export const ISSUES: Record<string, IssueWords> = {
  // Errors on codes.
  failed_to_set_on_device: {
    title: 'Not on the lock',
    explanation:
      'Keyhold could not put the code on the lock, or check-in came before it was there. Give the guest a backup code.',
    tone: 'error',
    group: 'Codes that could not be put on their lock',
  },
  failed_to_remove_from_device: {
    title: 'Could not be removed',
    explanation:
      'The code could not be removed from the lock and may still open the door. Keyhold keeps trying; check the lock.',
    tone: 'error',
    group: 'Codes that could not be removed from their lock',
  },
  no_space_for_access_code_on_device: {
    title: 'Lock is full',
    explanation: 'The lock has no free code slots. Remove old codes at the lock or in Keyhold.',
    tone: 'error',
    group: 'Locks with no free code slots',
  },
  duplicate_code_on_device: {
    title: 'Digits already on the lock',
    explanation: 'Another code with the same digits is on this lock. Change the guest code.',
    tone: 'error',
    group: 'Codes whose digits are already on the lock',
  },
  conflicting_external_modification: CHANGED_AT_LOCK,
  // Warnings on codes.
  // After the code is back: on the code and its lock for a day; repeated on one lock, an alert.
  code_modified_external_to_seam: {
    title: 'Changed at the lock',
    explanation:
      'Someone changed or removed this code at the lock, outside Keyhold. Keyhold put it back; if it keeps happening, check who is using the keypad or the lock’s app.',
    tone: 'warning',
    group: 'Locks whose codes keep being changed at the lock',
  },
  delay_in_setting_on_device: DELAY_IN_SETTING,
  delay_in_setting_code_on_device: DELAY_IN_SETTING,
  delay_in_removing_from_device: {
    title: 'Removal delayed',
    explanation:
      'A try to take the code off the lock failed or is late. Keyhold is still retrying.',
    tone: 'warning',
    group: 'Codes waiting to be removed from their lock',
  },
  using_backup_access_code: {
    title: 'Backup code in use',
    explanation: 'A backup code was pulled for this guest; it works until check-out.',
    tone: 'info',
    group: 'Guests given a backup code',
  },
  // Issues on locks.
  device_disconnected: LOCK_OFFLINE,
  device_offline: LOCK_OFFLINE,
  device_removed: {
    title: 'Gone from its account',
    explanation:
      'The lock no longer answers under its id: it was factory reset or removed. An admin replaces it with the new lock, or retires it.',
    tone: 'error',
    group: 'Locks gone from their account (factory reset?)',
  },
  new_lock_found: {
    title: 'New lock found',
    explanation:
      'Keyhold has not seen this lock before. An admin places it at a property, or lets it replace a lock that was factory reset.',
    tone: 'warning',
    group: 'New locks found',
  },
  empty_backup_access_code_pool: {
    title: 'No backup codes ready',
    explanation: 'This lock has no backup code ready to hand out.',
    tone: 'error',
    group: 'Locks with no backup code ready',
  },
  partial_backup_access_code_pool: {
    title: 'Backup codes running low',
    explanation: 'Fewer backup codes than usual are ready on this lock.',
    tone: 'warning',
    group: 'Backup pools running short',
  },
  many_active_backup_codes: {
    title: 'Many backup codes in use',
    explanation: 'Several backup codes were pulled here, which often means programming trouble.',
    tone: 'warning',
    group: 'Locks with many backup codes in use',
  },
  max_access_codes_reached: {
    title: 'Lock nearly full',
    explanation: 'The lock holds as many codes as it can.',
    tone: 'warning',
    group: 'Locks that hold as many codes as they can',
  },
  slot_shortage_forecast: {
    title: 'Runs out of slots soon',
    explanation:
      'Within the next 14 days the lock will need more code slots than it holds, and codes would wait for one: stays may be left without a code. The slot forecast shows when and offers a fix (a smaller backup pool, a shorter lead, a staff window moved).',
    tone: 'warning',
    group: 'Locks forecast to run out of code slots',
  },
  low_battery: {
    title: 'Low battery',
    explanation: 'The lock’s battery is low. Replace it before it dies.',
    tone: 'warning',
    group: 'Low batteries',
  },
  // Keyhold's own, on stays and messages.
  code_on_lock_after_check_out: {
    title: 'Still on the lock after check-out',
    explanation: 'The guest has checked out but their code is still on the lock.',
    tone: 'error',
    group: 'Codes still on a lock after check-out',
  },
  entry_after_check_out: {
    title: 'Entry after check-out',
    explanation:
      'A stay’s code opened the door after its check-out: a code that was not taken off the lock, or a lock that ignored the end. Check the code is off the lock and who came in.',
    tone: 'error',
    group: 'Codes that opened a door after check-out',
  },
  notification_not_delivered: {
    title: 'Staff not being told',
    explanation:
      'Emails to a member, or events to an outbound webhook, are not getting through: staff will not hear of at-risk arrivals or entries after check-out until it is fixed. Check the address, the SMTP settings or the receiver (Settings → Webhooks shows each delivery).',
    tone: 'warning',
    group: 'Notifications and webhooks not getting through',
  },
  message_delivery_delayed: {
    title: 'Message not getting through',
    explanation: 'A message to the guest has not gone through yet; Keyhold is still retrying.',
    tone: 'warning',
    group: 'Guest messages not getting through (still retrying)',
  },
  message_failed: {
    title: 'Message not delivered',
    explanation: 'A message to the guest was not delivered. Reach the guest another way.',
    tone: 'error',
    group: 'Guest messages not delivered: reach the guest another way',
  },
  // Lock connections (a Seam workspace, a Z-Wave JS Server), named as Seam names them where it has a name.
  unauthorized: {
    title: 'API key refused',
    explanation:
      'Seam did not accept the API key: it was revoked or belongs to no workspace. Enter a current key.',
    tone: 'error',
    group: 'Lock connections whose API key was refused',
  },
  provider_service_unavailable: {
    title: 'Lock service unreachable',
    explanation:
      'The lock service (Seam, or the Z-Wave JS Server) could not be reached. Keyhold keeps trying.',
    tone: 'error',
    group: 'Lock services that cannot be reached',
  },
  credentials_unreadable: {
    title: 'Stored key unreadable',
    explanation:
      'The stored API key cannot be read with this server’s CREDENTIALS_KEY. Enter the key again.',
    tone: 'error',
    group: 'Lock connections whose stored key cannot be read',
  },
};

/** "some_new_code" → "Some new code", for names the catalogue does not know yet. */
export function humanize(name: string): string {
  const words = name
    .replace(/^access_code\./, '')
    .replace(/[._]+/g, ' ')
    .trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : 'Unknown';
}

/** An issue's words; an unknown name reads as itself in plain words, with the tone of its severity. */
export function describeIssue(name: string, severity: 'error' | 'warning' = 'error'): IssueWords {
  return (
    ISSUES[name] ?? {
      title: humanize(name),
      explanation: '',
      tone: severity,
      group: humanize(name),
    }
  );
}

/** The message stored on an issue when nothing more specific is known. */
export function issueMessage(name: string): string {
  return ISSUES[name]?.explanation ?? humanize(name);
}
