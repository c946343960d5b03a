// Reading events (Keyhold's own and what locks reported) as an integrator
// does from Seam's events/list and events/get: newest first, filtered, one
// organization's only. Events never hold digits, so nothing is hidden here.
import { and, desc, eq, gt, gte, inArray, lt, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '@/db/client';
import { events, type KeyholdEvent } from '@/db/schema';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';
import { parseId } from '@/lib/ids';
import { parseInput } from '@/lib/validation';
import { EVENT_TYPES } from './types';

export const EVENTS_LIMIT_DEFAULT = 500;
export const EVENTS_LIMIT_MAX = 1000;

const ids = (field: string) =>
  z
    .array(z.uuid({ error: `${field} must hold valid ids.` }))
    .max(500, `${field} holds too many ids.`)
    .optional();

export const listEventsSchema = z
  .object({
    /** Events Keyhold stored at or after this time (Seam: "generation time"). */
    since: z.date().optional(),
    /** Stored strictly between these two times. */
    between: z.tuple([z.date(), z.date()]).optional(),
    deviceIds: ids('device_ids'),
    accessCodeIds: ids('access_code_ids'),
    eventIds: ids('event_ids'),
    eventTypes: z
      .array(z.enum(EVENT_TYPES, { error: `event_types must hold Seam event types.` }))
      .max(EVENT_TYPES.length * 2)
      .optional(),
    limit: z
      .number()
      .int()
      .min(1, 'limit must be at least 1.')
      .max(EVENTS_LIMIT_MAX, `limit must be at most ${EVENTS_LIMIT_MAX}.`)
      .default(EVENTS_LIMIT_DEFAULT),
    offset: z.number().int().min(0).max(100_000).default(0),
  })
  .superRefine((p, ctx) => {
    // Seam requires one window, and only one.
    if (!p.since && !p.between) {
      ctx.addIssue({ code: 'custom', path: ['since'], message: 'Give since or between.' });
    }
    if (p.since && p.between) {
      ctx.addIssue({
        code: 'custom',
        path: ['between'],
        message: 'Give since or between, not both.',
      });
    }
    if (p.between && p.between[0] >= p.between[1]) {
      ctx.addIssue({
        code: 'custom',
        path: ['between'],
        message: 'between must be [from, to] with from before to.',
      });
    }
  });
export type ListEventsInput = z.input<typeof listEventsSchema>;

/**
 * The actor's organization's events in the window, newest first (by when
 * Keyhold stored them, so a poller using `since` never misses a lock's event
 * that was read late), then by when they happened.
 */
export async function listEvents(
  db: Executor,
  actor: Actor,
  input: ListEventsInput,
): Promise<KeyholdEvent[]> {
  assertCan(actor, 'locks.read', 'Event');
  const p = parseInput(listEventsSchema, input);
  const where: (SQL | undefined)[] = [eq(events.organizationId, actor.organizationId)];
  if (p.since) where.push(gte(events.createdAt, p.since));
  if (p.between) {
    where.push(gt(events.createdAt, p.between[0]), lt(events.createdAt, p.between[1]));
  }
  if (p.deviceIds) where.push(inArray(events.deviceId, p.deviceIds));
  if (p.accessCodeIds) where.push(inArray(events.accessCodeId, p.accessCodeIds));
  if (p.eventIds) where.push(inArray(events.id, p.eventIds));
  if (p.eventTypes) where.push(inArray(events.eventType, p.eventTypes));
  return db
    .select()
    .from(events)
    .where(and(...where))
    .orderBy(desc(events.createdAt), desc(events.occurredAt), desc(events.id))
    .limit(p.limit)
    .offset(p.offset);
}

/** One event of the actor's organization; another organization's is not found. */
export async function getEvent(db: Executor, actor: Actor, eventId: string): Promise<KeyholdEvent> {
  assertCan(actor, 'locks.read', 'Event');
  parseId('Event', eventId, { field: 'event_id' });
  const [row] = await db
    .select()
    .from(events)
    .where(and(eq(events.id, eventId), eq(events.organizationId, actor.organizationId)));
  if (!row) throw AppError.notFound('Event');
  return row;
}
