import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { notificationPreferences, organizations } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { InvalidInputError, parseInput } from '@/lib/validation';
import { isNotificationKind, NOTIFICATION_KINDS, type NotificationKind } from './kinds';
import { hhmm } from './quiet-hours';

/** What a member chose, as the Account page shows it. Times are "HH:MM" in `timeZone`. */
export type NotificationPreferencesView = {
  kinds: NotificationKind[];
  quietFrom: string | null;
  quietUntil: string | null;
  dailyDigest: boolean;
  /** The organization's zone, the one quiet hours and the digest's 07:00 are in. */
  timeZone: string;
};

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** An empty box is no time; anything else must be a real time of day. */
const quietTime = (which: 'start' | 'end') =>
  z
    .string({ error: `Quiet hours ${which} must be a time like 22:00.` })
    .trim()
    .transform((v) => (v === '' ? null : v))
    .nullish()
    .refine((v) => v == null || TIME.test(v), {
      message: `Quiet hours ${which} must be a time like ${which === 'start' ? '22:00' : '07:00'}.`,
    });

export const saveNotificationPreferencesSchema = z
  .object({
    kinds: z
      .array(z.string(), { error: 'Choose the notifications from the list.' })
      .max(NOTIFICATION_KINDS.length * 2, 'Choose the notifications from the list.')
      .default([])
      .superRefine((kinds, ctx) => {
        const unknown = kinds.find((k) => !isNotificationKind(k));
        if (unknown !== undefined) {
          ctx.addIssue({
            code: 'custom',
            message: `There is no notification called “${unknown.slice(0, 40)}”.`,
          });
        }
      })
      .transform((kinds) => [...new Set(kinds.filter(isNotificationKind))]),
    quietFrom: quietTime('start'),
    quietUntil: quietTime('end'),
    dailyDigest: z.boolean({ error: 'Daily digest must be on or off.' }).default(false),
  })
  .superRefine((input, ctx) => {
    const { quietFrom, quietUntil } = input;
    // Each bound's own problem is said first; both-or-neither only for valid times.
    const valid = (v: string | null | undefined) => v != null && TIME.test(v);
    if (valid(quietFrom) && quietUntil == null) {
      ctx.addIssue({
        code: 'custom',
        path: ['quietUntil'],
        message: 'Quiet hours need an end as well as a start.',
      });
    } else if (valid(quietUntil) && quietFrom == null) {
      ctx.addIssue({
        code: 'custom',
        path: ['quietFrom'],
        message: 'Quiet hours need a start as well as an end.',
      });
    } else if (valid(quietFrom) && quietFrom === quietUntil) {
      ctx.addIssue({
        code: 'custom',
        path: ['quietUntil'],
        message: 'Quiet hours must end at a different time than they start.',
      });
    }
  });
export type SaveNotificationPreferencesInput = z.input<typeof saveNotificationPreferencesSchema>;

/** The member acting, who must be a person: an API key has no inbox. */
function ownUserId(actor: Actor): string {
  assertCan(actor, 'sessions.own');
  if (!actor.userId) {
    throw new InvalidInputError({ kinds: 'Only a signed-in member has notifications.' });
  }
  return actor.userId;
}

/** The acting member's own choices in their organization; nothing chosen when they never saved. */
export async function getOwnNotificationPreferences(
  db: Db,
  actor: Actor,
): Promise<NotificationPreferencesView> {
  const userId = ownUserId(actor);
  const [row] = await db
    .select({
      kinds: notificationPreferences.kinds,
      quietFrom: notificationPreferences.quietFrom,
      quietUntil: notificationPreferences.quietUntil,
      dailyDigest: notificationPreferences.dailyDigest,
    })
    .from(notificationPreferences)
    .where(
      and(
        eq(notificationPreferences.organizationId, actor.organizationId),
        eq(notificationPreferences.userId, userId),
      ),
    );
  const [org] = await db
    .select({ timeZone: organizations.timeZone })
    .from(organizations)
    .where(eq(organizations.id, actor.organizationId));
  return {
    kinds: (row?.kinds ?? []).filter(isNotificationKind),
    quietFrom: hhmm(row?.quietFrom ?? null),
    quietUntil: hhmm(row?.quietUntil ?? null),
    dailyDigest: row?.dailyDigest ?? false,
    timeZone: org?.timeZone ?? 'UTC',
  };
}

/**
 * Save the acting member's own choices (never anyone else's: the row is keyed
 * by the actor). A refused input names its field and writes nothing.
 */
export async function saveOwnNotificationPreferences(
  db: Db,
  actor: Actor,
  input: SaveNotificationPreferencesInput,
  now: Date,
): Promise<NotificationPreferencesView> {
  const userId = ownUserId(actor);
  const data = parseInput(saveNotificationPreferencesSchema, input);
  const values = {
    kinds: data.kinds,
    quietFrom: data.quietFrom ?? null,
    quietUntil: data.quietUntil ?? null,
    dailyDigest: data.dailyDigest,
  };
  await db.transaction(async (tx) => {
    await tx
      .insert(notificationPreferences)
      .values({ organizationId: actor.organizationId, userId, ...values, updatedAt: now })
      .onConflictDoUpdate({
        target: [notificationPreferences.organizationId, notificationPreferences.userId],
        set: { ...values, updatedAt: now },
      });
    await recordAudit(tx, actor, {
      action: 'member.notification_preferences_saved',
      targetType: 'user',
      targetId: userId,
      detail: {
        kinds: values.kinds,
        quietHours: values.quietFrom ? `${values.quietFrom}–${values.quietUntil}` : null,
        dailyDigest: values.dailyDigest,
      },
    });
  });
  return getOwnNotificationPreferences(db, actor);
}
