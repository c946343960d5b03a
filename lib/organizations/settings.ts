import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '@/db/client';
import { type ImportedCodePolicy, importedCodePolicy, organizations } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';
import { forgetSlotForecast } from '@/lib/slots/shortages';
import { isValidTimeZone } from '@/lib/time';
import { parseInput } from '@/lib/validation';

/** A week: a lead time longer than that is a typo, not a policy. */
export const MAX_LEAD_MINUTES = 10_080;
/** Locks hold 20–30 codes; a larger pool would crowd out guests. */
export const MAX_BACKUP_POOL_SIZE = 20;
/** Half a day: a guest let in earlier than that is on another stay. */
export const MAX_EARLY_ARRIVAL_MINUTES = 720;
/** The desk reads it at a glance: a sentence or two. */
export const MAX_FALLBACK_TEXT_LENGTH = 300;
/** Ten years of entries: longer is a typo, and the table would only grow. */
export const MAX_LOCK_EVENT_RETENTION_DAYS = 3650;

export type OrganizationSettings = {
  name: string;
  timeZone: string;
  /** "HH:MM", wall-clock time in each property's zone. */
  defaultCheckInTime: string;
  defaultCheckOutTime: string;
  programmingLeadMinutes: number;
  backupPoolSize: number;
  guestMessageLeadMinutes: number;
  earlyArrivalMinutes: number;
  deskFallbackText: string;
  importedCodePolicy: ImportedCodePolicy;
  /** Days lock events (entries) are kept, 1–3650. */
  lockEventRetentionDays: number;
  /** "HH:MM" in each property's zone on check-in day after which no entry needs attention; null: off. */
  noEntryAlertTime: string | null;
};

export type SettingField = Exclude<keyof OrganizationSettings, 'name'>;

/** How each setting is named on screen and in the audit log. */
export const SETTING_LABELS: Record<SettingField, string> = {
  timeZone: 'Time zone',
  defaultCheckInTime: 'Check-in time',
  defaultCheckOutTime: 'Check-out time',
  programmingLeadMinutes: 'Programming lead time',
  backupPoolSize: 'Backup codes per lock',
  guestMessageLeadMinutes: 'Guest message lead time',
  earlyArrivalMinutes: 'Early arrival allowance',
  deskFallbackText: 'When no code can work',
  importedCodePolicy: 'Codes for imported stays',
  lockEventRetentionDays: 'Events kept for',
  noEntryAlertTime: 'Flag stays with no entry after',
};

// Form values arrive as strings; a blank box must be "required", never 0.
const blankToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const wholeNumber = (field: SettingField, max: number, min = 0) => {
  const label = SETTING_LABELS[field];
  return z.preprocess(
    (value) => {
      const v = blankToUndefined(value);
      return typeof v === 'string' ? Number(v.trim()) : v;
    },
    z
      .number({
        error: (issue) =>
          issue.input === undefined ? `${label} is required.` : `${label} must be a number.`,
      })
      .int(`${label} must be a whole number.`)
      .min(min, `${label} must be ${min} or more.`)
      .max(max, `${label} must be at most ${max}.`),
  );
};

const WALL_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const wallTimeMessage = (label: string) => `${label} must be a time like 15:00 (24-hour HH:MM).`;

const wallTime = (field: SettingField) => {
  const label = SETTING_LABELS[field];
  return z.preprocess(
    blankToUndefined,
    z
      .string({ error: `${label} is required.` })
      .trim()
      .regex(WALL_TIME, wallTimeMessage(label)),
  );
};

/** A wall-clock time, or blank for "off" (stored as null). */
const optionalWallTime = (field: SettingField) => {
  const label = SETTING_LABELS[field];
  return z.preprocess(
    (value) => blankToUndefined(value) ?? null,
    z
      .string({ error: wallTimeMessage(label) })
      .trim()
      .regex(WALL_TIME, wallTimeMessage(label))
      .nullable(),
  );
};

export const updateOrganizationSettingsSchema = z.object({
  timeZone: z.preprocess(
    blankToUndefined,
    z
      .string({ error: 'Time zone is required.' })
      .trim()
      .refine(isValidTimeZone, 'Time zone must be an IANA zone such as America/New_York.')
      // Intl accepts "america/new_york"; store the spelling everyone else uses.
      .transform(
        (zone) => new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone,
      ),
  ),
  defaultCheckInTime: wallTime('defaultCheckInTime'),
  defaultCheckOutTime: wallTime('defaultCheckOutTime'),
  programmingLeadMinutes: wholeNumber('programmingLeadMinutes', MAX_LEAD_MINUTES),
  backupPoolSize: wholeNumber('backupPoolSize', MAX_BACKUP_POOL_SIZE),
  guestMessageLeadMinutes: wholeNumber('guestMessageLeadMinutes', MAX_LEAD_MINUTES),
  earlyArrivalMinutes: wholeNumber('earlyArrivalMinutes', MAX_EARLY_ARRIVAL_MINUTES),
  deskFallbackText: z.preprocess(
    blankToUndefined,
    z
      .string({ error: 'When no code can work is required.' })
      .trim()
      .max(
        MAX_FALLBACK_TEXT_LENGTH,
        `When no code can work must be at most ${MAX_FALLBACK_TEXT_LENGTH} characters.`,
      ),
  ),
  importedCodePolicy: z.preprocess(
    blankToUndefined,
    z.enum(importedCodePolicy.enumValues, {
      error: 'Codes for imported stays must be random, phone_last_4 or phone_last_6.',
    }),
  ),
  lockEventRetentionDays: wholeNumber('lockEventRetentionDays', MAX_LOCK_EVENT_RETENTION_DAYS, 1),
  noEntryAlertTime: optionalWallTime('noEntryAlertTime'),
});

export type UpdateOrganizationSettingsInput = z.input<typeof updateOrganizationSettingsSchema>;

const settingsColumns = {
  name: organizations.name,
  timeZone: organizations.timeZone,
  defaultCheckInTime: organizations.defaultCheckInTime,
  defaultCheckOutTime: organizations.defaultCheckOutTime,
  programmingLeadMinutes: organizations.programmingLeadMinutes,
  backupPoolSize: organizations.backupPoolSize,
  guestMessageLeadMinutes: organizations.guestMessageLeadMinutes,
  earlyArrivalMinutes: organizations.earlyArrivalMinutes,
  deskFallbackText: organizations.deskFallbackText,
  importedCodePolicy: organizations.importedCodePolicy,
  lockEventRetentionDays: organizations.lockEventRetentionDays,
  noEntryAlertTime: organizations.noEntryAlertTime,
};

// Postgres answers `time` columns as "15:00:00"; people write and read "15:00".
function shaped(row: OrganizationSettings): OrganizationSettings {
  return {
    ...row,
    defaultCheckInTime: row.defaultCheckInTime.slice(0, 5),
    defaultCheckOutTime: row.defaultCheckOutTime.slice(0, 5),
    noEntryAlertTime: row.noEntryAlertTime?.slice(0, 5) ?? null,
  };
}

export async function getOrganizationSettings(
  db: Executor,
  actor: Actor,
): Promise<OrganizationSettings> {
  assertCan(actor, 'settings.manage');
  const [org] = await db
    .select(settingsColumns)
    .from(organizations)
    .where(eq(organizations.id, actor.organizationId));
  if (!org) throw AppError.notFound('Organization');
  return shaped(org);
}

/**
 * Replace the organization's defaults. Every field is required: a form that
 * lost a value must not quietly keep the old one. Writes an audit entry
 * listing what changed, from and to; saving the same values writes nothing.
 */
export async function updateOrganizationSettings(
  db: Executor,
  actor: Actor,
  input: UpdateOrganizationSettingsInput,
): Promise<{ settings: OrganizationSettings; changed: SettingField[] }> {
  assertCan(actor, 'settings.manage');
  const next = parseInput(updateOrganizationSettingsSchema, input);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select(settingsColumns)
      .from(organizations)
      .where(eq(organizations.id, actor.organizationId))
      .for('update');
    if (!row) throw AppError.notFound('Organization');
    const before = shaped(row);
    const changed = (Object.keys(SETTING_LABELS) as SettingField[]).filter(
      (field) => before[field] !== next[field],
    );
    if (changed.length === 0) return { settings: before, changed };

    await tx.update(organizations).set(next).where(eq(organizations.id, actor.organizationId));
    const changes = Object.fromEntries(
      changed.map((field) => [field, { from: before[field], to: next[field] }]),
    );
    // A shorter lead or a smaller pool may clear a forecast slot shortage: the next tick looks again.
    if (changed.includes('programmingLeadMinutes') || changed.includes('backupPoolSize')) {
      await forgetSlotForecast(tx, actor.organizationId);
    }
    await recordAudit(tx, actor, {
      action: 'organization.settings_updated',
      targetType: 'organization',
      targetId: actor.organizationId,
      detail: { changes },
    });
    return { settings: { ...before, ...next }, changed };
  });
}
