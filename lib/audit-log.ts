import { and, desc, eq, gte, lt, or, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '@/db/client';
import { apiKeys, auditLog, organizations, users } from '@/db/schema';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { ROLE_LABELS } from '@/lib/auth/permissions';
import { AppError } from '@/lib/errors';
import { SETTING_LABELS, type SettingField } from '@/lib/organizations/settings';
import { formatCursor, parseSerialCursor } from '@/lib/pagination';
import { zonedInstant } from '@/lib/time';
import { parseInput } from '@/lib/validation';

export const AUDIT_PAGE_SIZE = 50;

// A GET form sends empty boxes as "": they mean "no filter".
const blankToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const day = (label: string) =>
  z.preprocess(
    blankToUndefined,
    z.iso.date({ error: `${label} must be a date like 2026-11-26.` }).optional(),
  );

export const listAuditEntriesSchema = z
  .object({
    /** "reservation." matches every reservation action; a full name matches one. */
    action: z.preprocess(
      blankToUndefined,
      z
        .string()
        .trim()
        .max(100, 'Action must be at most 100 characters.')
        .regex(
          /^[a-z0-9_.]+$/,
          'Action must be an action name or its start, such as reservation. or member.role_changed.',
        )
        .optional(),
    ),
    /** A member's user id. */
    actor: z.preprocess(
      blankToUndefined,
      z.uuid({ error: 'Actor must be one of the members listed.' }).optional(),
    ),
    targetType: z.preprocess(
      blankToUndefined,
      z
        .string()
        .trim()
        .max(50, 'Target type must be at most 50 characters.')
        .regex(/^[a-z0-9_]+$/, 'Target type must be a name such as reservation or user.')
        .optional(),
    ),
    targetId: z.preprocess(
      blankToUndefined,
      z.string().trim().max(200, 'Target must be at most 200 characters.').optional(),
    ),
    /** Whole days in the organization's time zone, both ends included. */
    from: day('From date'),
    to: day('To date'),
    cursor: z.preprocess(
      blankToUndefined,
      z
        .string()
        .max(100, 'The page cursor is not valid.')
        .refine((value) => {
          try {
            parseSerialCursor(value);
            return true;
          } catch {
            return false;
          }
        }, 'The page cursor is not valid.')
        .optional(),
    ),
    limit: z.coerce
      .number({ error: 'Limit must be a number.' })
      .int('Limit must be a whole number.')
      .min(1, 'Limit must be 1 or more.')
      .max(200, 'Limit must be at most 200.')
      .default(AUDIT_PAGE_SIZE),
  })
  .refine((input) => !input.from || !input.to || input.from <= input.to, {
    message: 'From date must be on or before the To date.',
    path: ['from'],
  });

export type ListAuditEntriesInput = z.input<typeof listAuditEntriesSchema>;

export type AuditActor =
  | { kind: 'member'; userId: string; name: string; email: string }
  | { kind: 'api_key'; apiKeyId: string; name: string }
  /** The admin CLI, the tick, or a member or key since deleted. */
  | { kind: 'system' };

export type AuditEntryView = {
  id: number;
  createdAt: Date;
  action: string;
  /** What happened, in plain words. */
  summary: string;
  targetType: string | null;
  targetId: string | null;
  requestId: string | null;
  actor: AuditActor;
};

export type AuditPage = {
  entries: AuditEntryView[];
  /** For the next (older) page; null on the last. */
  nextCursor: string | null;
  /** The organization's zone: dates in the filters and on screen are read in it. */
  timeZone: string;
};

/** Newest first, filtered; another organization's entries never match. */
export async function listAuditEntries(
  db: Executor,
  actor: Actor,
  input: ListAuditEntriesInput,
): Promise<AuditPage> {
  assertCan(actor, 'audit.read');
  const filters = parseInput(listAuditEntriesSchema, input);
  const [org] = await db
    .select({ timeZone: organizations.timeZone })
    .from(organizations)
    .where(eq(organizations.id, actor.organizationId));
  if (!org) throw AppError.notFound('Organization');

  const where: (SQL | undefined)[] = [eq(auditLog.organizationId, actor.organizationId)];
  // starts_with, not LIKE: "_" in action names is a LIKE wildcard.
  if (filters.action) where.push(sql`starts_with(${auditLog.action}, ${filters.action})`);
  if (filters.actor) where.push(eq(auditLog.actorUserId, filters.actor));
  if (filters.targetType) where.push(eq(auditLog.targetType, filters.targetType));
  if (filters.targetId) where.push(eq(auditLog.targetId, filters.targetId));
  if (filters.from) {
    where.push(gte(auditLog.createdAt, zonedInstant(filters.from, '00:00', org.timeZone)));
  }
  if (filters.to) {
    where.push(lt(auditLog.createdAt, zonedInstant(nextDay(filters.to), '00:00', org.timeZone)));
  }
  if (filters.cursor) {
    const after = parseSerialCursor(filters.cursor);
    where.push(
      or(
        lt(auditLog.createdAt, after.at),
        and(eq(auditLog.createdAt, after.at), lt(auditLog.id, after.id)),
      ),
    );
  }

  const rows = await db
    .select({
      id: auditLog.id,
      createdAt: auditLog.createdAt,
      action: auditLog.action,
      targetType: auditLog.targetType,
      targetId: auditLog.targetId,
      detail: auditLog.detail,
      requestId: auditLog.requestId,
      userId: users.id,
      userName: users.name,
      userEmail: users.email,
      apiKeyId: apiKeys.id,
      apiKeyName: apiKeys.name,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorUserId))
    .leftJoin(
      apiKeys,
      and(
        eq(apiKeys.id, auditLog.actorApiKeyId),
        eq(apiKeys.organizationId, auditLog.organizationId),
      ),
    )
    .where(and(...where))
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(filters.limit + 1);

  const page = rows.slice(0, filters.limit);
  const last = page.at(-1);
  return {
    entries: page.map((row) => ({
      id: row.id,
      createdAt: row.createdAt,
      action: row.action,
      summary: describeAuditEntry(row.action, row.detail),
      targetType: row.targetType,
      targetId: row.targetId,
      requestId: row.requestId,
      actor:
        row.userId !== null
          ? {
              kind: 'member',
              userId: row.userId,
              name: row.userName ?? '',
              email: row.userEmail ?? '',
            }
          : row.apiKeyId !== null
            ? { kind: 'api_key', apiKeyId: row.apiKeyId, name: row.apiKeyName ?? '' }
            : { kind: 'system' },
    })),
    nextCursor: rows.length > filters.limit && last ? formatCursor(last) : null,
    timeZone: org.timeZone,
  };
}

/** The calendar day after "2026-11-26"; calendar arithmetic, so done in UTC. */
function nextDay(date: string): string {
  const [year = 0, month = 1, dayOfMonth = 1] = date.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, dayOfMonth + 1)).toISOString().slice(0, 10);
}

/** The action groups a person filters by, in the order the filter lists them. */
export const AUDIT_ACTION_GROUPS = [
  { prefix: 'reservation.', label: 'Reservations' },
  { prefix: 'backup_code.', label: 'Backup codes pulled' },
  { prefix: 'backup_pool.', label: 'Backup pools' },
  { prefix: 'permanent_backup_code.', label: 'Permanent backup codes' },
  { prefix: 'staff_member.', label: 'Staff codes' },
  { prefix: 'device.', label: 'Locks' },
  { prefix: 'connection.', label: 'Lock connections' },
  { prefix: 'member.', label: 'Members' },
  { prefix: 'api_key.', label: 'API keys' },
  { prefix: 'organization.', label: 'Organization and settings' },
] as const;

export const AUDIT_TARGET_TYPES = [
  { value: 'reservation', label: 'Reservation' },
  { value: 'access_code', label: 'Access code' },
  { value: 'staff_member', label: 'Staff member' },
  { value: 'device', label: 'Lock' },
  { value: 'adapter_connection', label: 'Lock connection' },
  { value: 'property', label: 'Property' },
  { value: 'user', label: 'Member' },
  { value: 'api_key', label: 'API key' },
  { value: 'organization', label: 'Organization' },
] as const;

const text = (value: unknown): string | null =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : null;

const role = (value: unknown): string =>
  typeof value === 'string' && value in ROLE_LABELS
    ? ROLE_LABELS[value as keyof typeof ROLE_LABELS].toLowerCase()
    : 'a member';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * An audit entry in plain words. Unknown actions (added by later features)
 * still read sensibly: "device.replaced" becomes "Device replaced".
 */
export function describeAuditEntry(
  action: string,
  detail: Record<string, unknown> | null | undefined,
): string {
  const d = detail ?? {};
  const email = text(d.email);
  const name = text(d.name);
  switch (action) {
    case 'organization.created':
      return 'Created the organization';
    case 'organization.settings_updated': {
      const changes = (d.changes ?? {}) as Record<string, { from?: unknown; to?: unknown }>;
      const parts = Object.entries(changes).map(([field, change]) => {
        const label = SETTING_LABELS[field as SettingField]?.toLowerCase() ?? field;
        const unit = field.endsWith('Minutes') ? ' min' : '';
        const value = (v: unknown) => (text(v) === null ? '—' : `${text(v)}${unit}`);
        return `${label} ${value(change?.from)} → ${value(change?.to)}`;
      });
      return parts.length > 0
        ? `Changed organization defaults: ${parts.join('; ')}`
        : 'Changed organization defaults';
    }
    case 'member.added':
      return `Added ${email ?? 'a member'} as ${role(d.role)}`;
    case 'member.role_changed':
      return `Changed ${email ?? 'a member'}’s role from ${role(d.from)} to ${role(d.to)}`;
    case 'member.invited':
      return `Invited ${email ?? 'someone'} as ${role(d.role)}`;
    case 'member.invitation_revoked':
      return `Revoked the invitation of ${email ?? 'someone'}`;
    case 'member.joined':
      return `Joined as ${role(d.role)} by invitation`;
    case 'member.disabled':
      return `Disabled ${email ?? 'a member'} here: they can no longer act in this organization`;
    case 'member.enabled':
      return `Enabled ${email ?? 'a member'} again`;
    case 'member.signed_out':
      return `Signed ${email ?? 'a member'} out everywhere`;
    case 'member.password_changed':
      return 'Changed their own password; their other sessions ended';
    case 'member.removed':
      return `Removed ${email ?? 'a member'} from the organization`;
    case 'api_key.created':
      return name ? `Created API key “${name}”` : 'Created an API key';
    case 'api_key.revoked':
      return name ? `Revoked API key “${name}”` : 'Revoked an API key';
    case 'reservation.created':
      return typeof d.locks === 'number'
        ? `Created a reservation on ${plural(d.locks, 'lock')}`
        : 'Created a reservation';
    case 'reservation.updated': {
      const parts: string[] = [];
      if (d.datesChanged === true) parts.push('changed its dates');
      if (typeof d.locksAdded === 'number' && d.locksAdded > 0) {
        parts.push(`added ${plural(d.locksAdded, 'lock')}`);
      }
      if (typeof d.locksRemoved === 'number' && d.locksRemoved > 0) {
        parts.push(`removed ${plural(d.locksRemoved, 'lock')}`);
      }
      return parts.length > 0
        ? `Updated a reservation: ${parts.join(', ')}`
        : 'Updated a reservation';
    }
    case 'reservation.cancelled':
      return 'Cancelled a reservation';
    case 'backup_code.pulled':
      return 'Pulled a backup code for a guest';
    case 'backup_pool.enabled':
    case 'backup_pool.disabled': {
      const verb = action === 'backup_pool.enabled' ? 'Turned on' : 'Turned off';
      return typeof d.locks === 'number'
        ? `${verb} the backup pool on ${plural(d.locks, 'lock')}`
        : `${verb} a backup pool`;
    }
    case 'backup_pool.resized':
      return `Set the backup pool of ${name ?? 'a lock'} to ${
        typeof d.to === 'number' ? plural(d.to, 'code') : 'its size'
      }${d.ownSize === null ? ' (the organization’s)' : ''}`;
    case 'connection.created':
      return `Connected the ${d.adapter === 'zwave' ? 'Z-Wave JS Server' : 'Seam workspace'} “${name ?? 'unnamed'}”${
        typeof d.locks === 'number' ? `, importing ${plural(d.locks, 'lock')}` : ''
      }`;
    case 'connection.key_replaced':
      return `Replaced the API key of “${name ?? 'a connection'}”`;
    case 'connection.url_replaced':
      return `Changed the Z-Wave JS Server address of “${name ?? 'a connection'}”${
        typeof d.host === 'string' ? ` to ${d.host}` : ''
      }`;
    case 'permanent_backup_code.created':
      return 'Created a permanent backup code';
    case 'staff_member.created':
      return `Added ${name ?? 'a staff member'} with a code on ${
        typeof d.locks === 'number' && typeof d.groups === 'number'
          ? [
              d.locks > 0 ? plural(d.locks, 'lock') : null,
              d.groups > 0 ? plural(d.groups, 'group') : null,
            ]
              .filter(Boolean)
              .join(' and ')
          : 'their doors'
      }`;
    case 'staff_member.updated':
      return `Changed ${name ?? 'a staff member'}’s doors and windows${d.codeChanged === true ? ', and gave them new digits' : ''}`;
    case 'staff_member.code_rotated':
      return `Gave ${name ?? 'a staff member'} a new code`;
    case 'staff_member.removed':
      return `Removed ${name ?? 'a staff member'}: their codes come off the locks`;
    default: {
      const words = action.replace(/[._]+/g, ' ').trim();
      return words ? words.charAt(0).toUpperCase() + words.slice(1) : 'Unknown action';
    }
  }
}
