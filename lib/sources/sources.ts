// Reservation sources as staff manage them: add a feed or a webhook, list
// them with how their reads go, remove one. Reading a feed is
// ./calendars.ts; taking a webhook is ./webhooks.ts; both hand ./ingest.ts.
import { and, asc, count, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '@/db/client';
import {
  type ReservationSource,
  reservationSources,
  reservations,
  sourceBookings,
} from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { credentialsKeyFromEnv } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { parseId } from '@/lib/ids';
import { findProperty } from '@/lib/properties';
import { locksForStay } from '@/lib/reservations/stay-input';
import { open, seal } from '@/lib/secret-box';
import { parseInput } from '@/lib/validation';
import { newWebhookSecret } from '@/lib/webhooks/signature';
import { feedLabel, feedUrlSchema } from './feed-fetch';
import { calendarPresetSchema } from './ical';
import { WEBHOOK_SHAPES } from './webhook';

export const SOURCE_NAME_MAX_LENGTH = 50;

export const SOURCE_KIND_LABELS = {
  ical: 'iCal feed',
  webhook: 'Webhook',
  csv: 'CSV import',
} as const;

const common = {
  name: z
    .string({ error: 'Name is required.' })
    .trim()
    .min(1, 'Name is required.')
    .max(SOURCE_NAME_MAX_LENGTH, `Name must be at most ${SOURCE_NAME_MAX_LENGTH} characters.`),
  propertyId: z.uuid({ error: 'Property is required.' }),
  deviceIds: z
    .array(z.uuid({ error: 'Each lock must be a lock id.' }))
    .max(20, 'A booking can open at most 20 locks.')
    .default([]),
};

export const calendarSourceSchema = z.object({
  ...common,
  url: feedUrlSchema.pipe(
    z.string().max(2000, 'The feed address must be at most 2000 characters.'),
  ),
  preset: calendarPresetSchema.default('generic'),
});

export const webhookSourceSchema = z.object({
  ...common,
  preset: z.enum(WEBHOOK_SHAPES, { error: 'Choose the webhook’s shape.' }).default('generic'),
});

/** The sealed value opens only on its own row. */
const sealContext = (source: Pick<ReservationSource, 'organizationId' | 'id'>, what: string) =>
  `reservation_source:${source.organizationId}:${source.id}:${what}`;

/** The locks given must be the organization's, active, at the property: a stay's rule. */
const checkLocks = async (tx: Executor, actor: Actor, propertyId: string, deviceIds: string[]) =>
  (await locksForStay(tx, actor, propertyId, deviceIds)).map((l) => l.id);

/**
 * Add an iCal feed. Nothing is imported yet: staff see what the first read
 * would create (`previewCalendar`) and apply it (`approveCalendar`); only then
 * does the tick read it.
 */
export async function createCalendarSource(
  db: Executor,
  actor: Actor,
  input: z.input<typeof calendarSourceSchema>,
  key: Buffer = credentialsKeyFromEnv(),
): Promise<ReservationSource> {
  assertCan(actor, 'sources.manage');
  const data = parseInput(calendarSourceSchema, input);
  return db.transaction(async (tx) => {
    await findProperty(tx, actor, data.propertyId);
    const deviceIds = await checkLocks(tx, actor, data.propertyId, data.deviceIds);
    const [source] = await tx
      .insert(reservationSources)
      .values({
        organizationId: actor.organizationId,
        kind: 'ical',
        name: data.name,
        propertyId: data.propertyId,
        deviceIds,
        preset: data.preset,
        urlLabel: feedLabel(data.url),
      })
      .returning();
    if (!source) throw new Error('source insert returned nothing');
    const [sealed] = await tx
      .update(reservationSources)
      .set({ urlSealed: seal(data.url, key, sealContext(source, 'url')) })
      .where(eq(reservationSources.id, source.id))
      .returning();
    await recordAudit(tx, actor, {
      action: 'reservation_source.created',
      targetType: 'reservation_source',
      targetId: source.id,
      detail: { kind: 'ical', preset: data.preset },
    });
    return sealed ?? source;
  });
}

/** Add a webhook source; the secret it signs with is returned this once. */
export async function createWebhookSource(
  db: Executor,
  actor: Actor,
  input: z.input<typeof webhookSourceSchema>,
  key: Buffer = credentialsKeyFromEnv(),
): Promise<{ source: ReservationSource; secret: string }> {
  assertCan(actor, 'sources.manage');
  const data = parseInput(webhookSourceSchema, input);
  const secret = newWebhookSecret();
  return db.transaction(async (tx) => {
    await findProperty(tx, actor, data.propertyId);
    const deviceIds = await checkLocks(tx, actor, data.propertyId, data.deviceIds);
    const [made] = await tx
      .insert(reservationSources)
      .values({
        organizationId: actor.organizationId,
        kind: 'webhook',
        name: data.name,
        propertyId: data.propertyId,
        deviceIds,
        preset: data.preset,
      })
      .returning();
    if (!made) throw new Error('source insert returned nothing');
    const [source] = await tx
      .update(reservationSources)
      .set({
        secretSealed: seal(secret, key, sealContext(made, 'secret')),
        // A webhook has nothing to preview: each delivery is one booking.
        approvedAt: sql`now()`,
      })
      .where(eq(reservationSources.id, made.id))
      .returning();
    await recordAudit(tx, actor, {
      action: 'reservation_source.created',
      targetType: 'reservation_source',
      targetId: made.id,
      detail: { kind: 'webhook', preset: data.preset },
    });
    return { source: source ?? made, secret };
  });
}

/** The property's CSV source, made on its first import: rows are keyed by (this source, their id). */
export async function csvSourceFor(
  db: Executor,
  actor: Actor,
  propertyId: string,
  deviceIds: string[] = [],
): Promise<ReservationSource> {
  assertCan(actor, 'sources.manage');
  const property = await findProperty(db, actor, propertyId);
  const locks = await checkLocks(db, actor, property.id, deviceIds);
  const [existing] = await db
    .select()
    .from(reservationSources)
    .where(
      and(
        eq(reservationSources.organizationId, actor.organizationId),
        eq(reservationSources.propertyId, property.id),
        eq(reservationSources.kind, 'csv'),
      ),
    )
    .orderBy(asc(reservationSources.createdAt))
    .limit(1);
  if (existing) {
    if (locks.length === 0 || sameIds(existing.deviceIds, locks)) return existing;
    const [updated] = await db
      .update(reservationSources)
      .set({ deviceIds: locks })
      .where(eq(reservationSources.id, existing.id))
      .returning();
    return updated ?? existing;
  }
  const [made] = await db
    .insert(reservationSources)
    .values({
      organizationId: actor.organizationId,
      kind: 'csv',
      name: `CSV · ${property.name}`.slice(0, SOURCE_NAME_MAX_LENGTH),
      propertyId: property.id,
      deviceIds: locks,
      preset: 'csv',
      approvedAt: new Date(),
    })
    .returning();
  if (!made) throw new Error('source insert returned nothing');
  return made;
}

const sameIds = (a: string[], b: string[]) => [...a].sort().join() === [...b].sort().join();

/** One of the organization's sources; another organization's is not found. */
export async function findSource(
  db: Executor,
  actor: Actor,
  sourceId: string,
): Promise<ReservationSource> {
  assertCan(actor, 'sources.manage', 'Source');
  parseId('Source', sourceId);
  const [source] = await db
    .select()
    .from(reservationSources)
    .where(
      and(
        eq(reservationSources.id, sourceId),
        eq(reservationSources.organizationId, actor.organizationId),
      ),
    );
  if (!source) throw AppError.notFound('Source');
  return source;
}

export type SourceSummary = Omit<
  ReservationSource,
  'urlSealed' | 'secretSealed' | 'etag' | 'lastModified' | 'bodyHash' | 'leasedUntil'
> & {
  /** Bookings it lists that are stays in Keyhold now. */
  bookings: number;
  /** Of those, missing from the feed's last clean reads: cancelled if they stay missing. */
  pendingCancellation: number;
};

/** The organization's sources, with what each has brought in; never a URL's secret or a webhook's. */
export async function listSources(db: Executor, actor: Actor): Promise<SourceSummary[]> {
  assertCan(actor, 'sources.manage');
  const rows = await db
    .select({
      id: reservationSources.id,
      organizationId: reservationSources.organizationId,
      kind: reservationSources.kind,
      name: reservationSources.name,
      propertyId: reservationSources.propertyId,
      deviceIds: reservationSources.deviceIds,
      preset: reservationSources.preset,
      urlLabel: reservationSources.urlLabel,
      approvedAt: reservationSources.approvedAt,
      nextReadAt: reservationSources.nextReadAt,
      lastReadAt: reservationSources.lastReadAt,
      lastSuccessAt: reservationSources.lastSuccessAt,
      lastError: reservationSources.lastError,
      failures: reservationSources.failures,
      lastBookingCount: reservationSources.lastBookingCount,
      createdAt: reservationSources.createdAt,
      updatedAt: reservationSources.updatedAt,
      bookings: count(sourceBookings.id),
      pendingCancellation:
        sql<number>`count(*) filter (where ${sourceBookings.missingReads} > 0)`.mapWith(Number),
    })
    .from(reservationSources)
    .leftJoin(
      sourceBookings,
      and(eq(sourceBookings.sourceId, reservationSources.id), eq(sourceBookings.status, 'live')),
    )
    .where(eq(reservationSources.organizationId, actor.organizationId))
    .groupBy(reservationSources.id)
    .orderBy(asc(reservationSources.name));
  return rows;
}

/** Remove a source: its stays stay (staff can cancel them); it reads and takes nothing more. */
export async function deleteSource(db: Executor, actor: Actor, sourceId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const source = await findSource(tx, actor, sourceId);
    await tx
      .update(reservations)
      .set({ sourceId: null })
      .where(
        and(
          eq(reservations.sourceId, source.id),
          eq(reservations.organizationId, actor.organizationId),
        ),
      );
    await tx.delete(reservationSources).where(eq(reservationSources.id, source.id));
    await recordAudit(tx, actor, {
      action: 'reservation_source.deleted',
      targetType: 'reservation_source',
      targetId: source.id,
      detail: { kind: source.kind },
    });
  });
}

/** A feed's URL, opened; null when this server's key cannot (CREDENTIALS_KEY changed). */
export function feedUrlOf(source: ReservationSource, key: Buffer = credentialsKeyFromEnv()) {
  return source.urlSealed ? open(source.urlSealed, key, sealContext(source, 'url')) : null;
}

/** A webhook's signing secret, opened; null when this server's key cannot. */
export function webhookSecretOf(source: ReservationSource, key: Buffer = credentialsKeyFromEnv()) {
  return source.secretSealed ? open(source.secretSealed, key, sealContext(source, 'secret')) : null;
}
