// What a feed's read did, in the words the sources page uses. Counts and
// reasons only: results carry no guest data, and neither does anything here.
import type { CalendarRead } from '@/lib/sources/calendars';
import type { IngestOutcome } from '@/lib/sources/outcomes';
import { formatInZone } from '@/lib/time';

export type ReadReport = { tone: 'success' | 'info' | 'error'; message: string };

/** One booking's outcome, on the preview's rows. */
export const OUTCOME_LABELS: Record<IngestOutcome, string> = {
  created: 'New stay',
  updated: 'Stay updated',
  unchanged: 'No change',
  linked: 'Linked to a stay already in Keyhold',
  cancelled: 'Stay cancelled',
  kept_cancelled: 'Kept cancelled (staff cancelled it)',
  ignored: 'Ignored',
  stale: 'Older than what Keyhold has',
  error: 'Cannot be taken',
};

/** How a read's counts are written, in this order; "stays" is said once, on the first. */
const COUNT_WORDS: [IngestOutcome, string][] = [
  ['created', 'created'],
  ['linked', 'linked to stays already in Keyhold'],
  ['updated', 'updated'],
  ['cancelled', 'cancelled by the feed'],
  ['kept_cancelled', 'kept cancelled'],
  ['unchanged', 'unchanged'],
  ['ignored', 'ignored'],
  ['stale', 'older than what Keyhold has'],
  ['error', 'refused'],
];

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** A "Read now" answer as one sentence or three, with how it went. */
export function describeRead(read: CalendarRead, zone: string): ReadReport {
  if (read.kind === 'unchanged')
    return { tone: 'info', message: 'Read: the feed has not changed.' };
  if (read.kind === 'failed') {
    return {
      tone: 'error',
      message: `The feed could not be read: ${read.error} Keyhold tries again at ${formatInZone(read.nextReadAt, zone)}.`,
    };
  }
  const { counts, pendingCancellation, cancelledMissing, distrusted } = read.summary;
  const parts = COUNT_WORDS.filter(([outcome]) => counts[outcome] > 0).map(([outcome, words], i) =>
    i === 0 && outcome !== 'unchanged' && outcome !== 'error'
      ? `${count(counts[outcome], 'stay', 'stays')} ${words}`
      : `${counts[outcome]} ${words}`,
  );
  const sentences = [parts.length > 0 ? `Read: ${parts.join(', ')}.` : 'Read: nothing changed.'];
  if (cancelledMissing > 0) {
    sentences.push(
      `${count(cancelledMissing, 'stay', 'stays')} cancelled: ${cancelledMissing === 1 ? 'its booking is' : 'their bookings are'} gone from the feed.`,
    );
  }
  if (pendingCancellation > 0) {
    sentences.push(
      `${count(pendingCancellation, 'booking is', 'bookings are')} missing from the feed: ${pendingCancellation === 1 ? 'its stay is' : 'their stays are'} cancelled if the next read misses ${pendingCancellation === 1 ? 'it' : 'them'} too.`,
    );
  }
  if (distrusted) sentences.push(`Nothing was cancelled: ${distrusted}`);
  const changed = parts.length > 0 || cancelledMissing > 0 || pendingCancellation > 0;
  return { tone: changed ? 'success' : 'info', message: sentences.join(' ') };
}
