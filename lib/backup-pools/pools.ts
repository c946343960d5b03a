import { and, eq, gt, inArray, isNull, not, or, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type Db, type Executor, queryRows } from '@/db/client';
import {
  type AccessCode,
  accessCodeEvents,
  accessCodes,
  devices,
  type Issue,
  organizations,
} from '@/db/schema';
import { markDeleted } from '@/lib/access-codes/operations';
import {
  guestWaitsForSlot,
  isAvailableBackup,
  isLive,
  takesSlot,
  waitsForSlot,
} from '@/lib/access-codes/predicates';
import { withIssue, withoutIssues } from '@/lib/access-codes/state';
import {
  type HeldCode,
  insertCodes,
  liveCodesOn,
  loadLocks,
  lockCodeChanges,
  pickCode,
} from '@/lib/access-codes/store';
import { recordAudit } from '@/lib/audit';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { canHonourCodes } from '@/lib/devices/predicates';
import { AppError } from '@/lib/errors';
import { backupPulledEvent } from '@/lib/events/keyhold';
import { recordEvents } from '@/lib/events/store';
import { parseId } from '@/lib/ids';
import { issueMessage } from '@/lib/issues';
import { MAX_BACKUP_POOL_SIZE } from '@/lib/organizations/settings';
import { forgetSlotForecast } from '@/lib/slots/shortages';
import { parseInput } from '@/lib/validation';
import { poolSizeSql } from './pool-size';
import { loadPullFacts, pullability } from './pullability';

/**
 * Backup access code pools (the guide's recommendation; DESIGN.md "backup
 * access code pool"): every enabled lock keeps its organization's pool size
 * of ongoing backup codes on it, nobody sees their digits until one is
 * pulled for a stay, and a pulled code leaves the lock when the stay ends.
 */

/**
 * What `isAvailableBackup` already demands, spelled as the partial index
 * access_codes_backup_pool_idx is: the rule's own SQL (coalesce(… in (true),
 * false)) does not let Postgres see that the index covers it, and counting a
 * pool per lock through the lock's every code costs the arrivals board over
 * half of its largest query. It narrows nothing the rule does not.
 */
const POOL_INDEX_HINT = sql`b.is_backup and b.pulled_at is null and b.deleted_at is null`;

/**
 * How many healthy backup codes sit on each lock, whatever the lock's own
 * state, as a column of a query on `devices` (written out in full: drizzle
 * leaves columns unqualified in single-table selects, which a subquery would
 * misread). Pool health counts these; what a guest could be given is
 * `readyBackupsColumn`.
 */
export const availableBackupsColumn = sql<number>`(select count(*)::int from access_codes b
  where b.device_id = devices.id and ${POOL_INDEX_HINT} and ${isAvailableBackup.sql({ table: 'b' })})`;

/**
 * How many backup codes a guest could be given now, per lock: the healthy
 * ones, on a lock that can honour them (a reset, retired or long-offline
 * lock's pool is 0 ready). `now` may be a prepared statement's placeholder.
 */
export const readyBackupsColumn = (now: Date | SQL) =>
  sql<number>`(case when ${canHonourCodes.sql({ now })} then ${availableBackupsColumn} else 0 end)`;

/**
 * Enabled pools below their size (one lock's, when given), with how many codes
 * each lacks. An offline lock's pool waits: a code made for it could not go on.
 * So does the pool of a lock where a guest's code waits for a slot: the next
 * slot there is the guest's, never a new backup code's.
 */
function shortPools(executor: Executor, deviceId?: string) {
  const size = poolSizeSql({ device: 'd', organization: 'o' });
  return queryRows<{ device_id: string; organization_id: string; missing: number }>(
    executor,
    sql`select d.id as device_id, d.organization_id,
          (${size} - count(c.id))::int as missing
        from devices d
        join organizations o on o.id = d.organization_id
        left join access_codes c on c.device_id = d.id and c.is_backup
          and c.pulled_at is null and ${isLive.sql({ table: 'c' })}
        where d.backup_pool_enabled and d.status = 'active' and d.online
          and not exists (select 1 from access_codes g
            where g.device_id = d.id and ${guestWaitsForSlot.sql({ table: 'g' })})
          ${deviceId ? sql`and d.id = ${deviceId}` : sql``}
        group by d.id, d.organization_id, d.backup_pool_size, o.backup_pool_size
        having count(c.id) < ${size}`,
  );
}

/**
 * Keep every enabled pool full: retire backup codes with errors (they are
 * taken off the lock and replaced) and create codes for what is missing. The
 * new codes go to the lock through the ordinary reconciler, after any guest
 * code on the same lock. A code the lock had no slot for is not retired: a
 * replacement would meet the same full lock (codes made and retired every
 * tick); it waits for a slot like any code, after the guests.
 *
 * Nothing changes on an offline lock: its codes failed because it could not
 * be reached, and new ones would fail the same way (codes made and cancelled
 * every minute). A code due for another try now (its lock just came back) gets
 * that try before it is judged.
 */
export async function refillPools(
  db: Db,
  now: Date,
): Promise<{ created: number; retired: number }> {
  const unhealthy = await db
    .select({
      id: accessCodes.id,
      organizationId: accessCodes.organizationId,
      deviceId: accessCodes.deviceId,
      status: accessCodes.status,
      revision: accessCodes.revision,
    })
    .from(accessCodes)
    .innerJoin(devices, eq(devices.id, accessCodes.deviceId))
    .where(
      and(
        eq(accessCodes.isBackup, true),
        isNull(accessCodes.pulledAt),
        isNull(accessCodes.deletedAt),
        sql`${accessCodes.errors} <> '[]'::jsonb`,
        not(waitsForSlot.sql()),
        eq(devices.online, true),
        or(isNull(accessCodes.nextAttemptAt), gt(accessCodes.nextAttemptAt, now)),
      ),
    );
  if (unhealthy.length > 0) {
    await db.transaction((tx) => markDeleted(tx, unhealthy, null, now));
  }
  const trimmed = await db.transaction((tx) => trimPools(tx, now));

  const short = await shortPools(db);
  let created = 0;
  for (const pool of short) {
    created += await db.transaction(async (tx) => {
      // Serialize with other ticks and with code changes on this lock, then count again.
      await lockCodeChanges(tx, [pool.device_id]);
      const [row] = await shortPools(tx, pool.device_id);
      const missing = row?.missing ?? 0;
      if (missing <= 0) return 0;
      const locks = await loadLocks(tx, pool.organization_id, [pool.device_id]);
      const lock = locks[0];
      if (!lock) return 0;
      const live: HeldCode[] = await liveCodesOn(tx, [lock.id]);
      const window = { startsAt: null, endsAt: null };
      const codes = [];
      for (let i = 0; i < missing; i++) {
        const digits = pickCode([lock], window, live);
        live.push({
          id: '',
          deviceId: lock.id,
          code: digits,
          type: 'ongoing',
          reservationId: null,
          ...window,
        });
        codes.push({
          organizationId: pool.organization_id,
          deviceId: lock.id,
          type: 'ongoing' as const,
          code: digits,
          name: 'Backup code',
          startsAt: null,
          endsAt: null,
          nextAttemptAt: now,
          isBackup: true,
          // Pool health measures how long a code has waited by the tick's clock.
          createdAt: now,
        });
      }
      await insertCodes(tx, codes, null);
      return codes.length;
    });
  }
  await updatePoolHealth(db, now);
  return { created, retired: unhealthy.length + trimmed };
}

/**
 * Take off the unpulled backup codes an enabled pool holds beyond its size
 * (its size was cut: a lock's own, or its organization's), keeping the ones
 * on the lock and healthy, oldest first. A code pulled meanwhile is never
 * taken: each is locked and looked at again before it goes.
 */
async function trimPools(tx: Executor, now: Date, deviceId?: string): Promise<number> {
  const extra = await queryRows<{ id: string }>(
    tx,
    sql`with over as (
          select d.id, ${poolSizeSql({ device: 'd', organization: 'o' })} as size
          from devices d join organizations o on o.id = d.organization_id
          where d.backup_pool_enabled and d.status = 'active'
            ${deviceId ? sql`and d.id = ${deviceId}` : sql``}
            and (select count(*) from access_codes p where p.device_id = d.id
                  and p.is_backup and p.pulled_at is null and ${isLive.sql({ table: 'p' })})
                > ${poolSizeSql({ device: 'd', organization: 'o' })}
        )
        select id from (
          select c.id, over.size,
            row_number() over (partition by c.device_id
              order by ${takesSlot.sql({ table: 'c' })} desc, c.errors = '[]'::jsonb desc,
                c.created_at, c.id) as n
          from access_codes c join over on over.id = c.device_id
          where c.is_backup and c.pulled_at is null and ${isLive.sql({ table: 'c' })}
        ) ranked
        where n > size`,
  );
  if (extra.length === 0) return 0;
  const codes = await tx
    .select()
    .from(accessCodes)
    .where(
      and(
        inArray(
          accessCodes.id,
          extra.map((e) => e.id),
        ),
        isNull(accessCodes.pulledAt),
        isNull(accessCodes.deletedAt),
      ),
    )
    .for('update');
  await markDeleted(tx, codes, null, now, { reason: 'pool_size' });
  return codes.length;
}

/** A pool may take this long to fill before Keyhold calls it unhealthy. */
const REFILL_GRACE_MS = 5 * 60_000;
/** Live pulled codes on one lock that suggest programming trouble. */
const MANY_PULLED = 3;

/**
 * The lock-level signals Seam gives: `partial_backup_access_code_pool` while a
 * pool stays short for longer than a refill, `empty_backup_access_code_pool`
 * when none is ready, and `many_active_backup_codes` when several pulled
 * codes are live at once.
 */
async function updatePoolHealth(db: Db, now: Date): Promise<void> {
  const since = new Date(now.getTime() - REFILL_GRACE_MS).toISOString();
  const rows = await queryRows<{
    id: string;
    name: string;
    online: boolean;
    errors: Issue[];
    warnings: Issue[];
    size: number;
    available: number;
    stuck: boolean;
    pulled: number;
  }>(
    db,
    sql`select devices.id, devices.name, devices.online, devices.errors, devices.warnings,
          ${poolSizeSql({ device: 'devices', organization: 'o' })} as size,
          ${availableBackupsColumn} as available,
          -- Short for longer than a refill: a code made before the grace is still not on
          -- the lock (a full lock's wait for a slot), or was retired within it without
          -- ever reaching the lock (codes that fail, are retired and made again).
          exists (select 1 from access_codes p where p.device_id = devices.id and p.is_backup
            and p.pulled_at is null and p.created_at <= ${since}::timestamptz
            and ((p.deleted_at is null and p.status <> 'set')
              or (p.deleted_at > ${since}::timestamptz and p.set_on_device_at is null))) as stuck,
          (select count(*)::int from access_codes q where q.device_id = devices.id and q.is_backup
            and q.pulled_at is not null and ${isLive.sql({ table: 'q' })}) as pulled
        from devices join organizations o on o.id = devices.organization_id
        where devices.backup_pool_enabled and devices.status = 'active'`,
  );
  for (const lock of rows) {
    // An offline lock's pool waits for the lock; its offline alert says so.
    const short = lock.online && lock.available < lock.size && lock.stuck;
    let warnings = withoutIssues(lock.warnings, [
      'partial_backup_access_code_pool',
      'many_active_backup_codes',
    ]);
    let errors = withoutIssues(lock.errors, ['empty_backup_access_code_pool']);
    if (short && lock.available > 0) {
      warnings = withIssue(
        warnings,
        'partial_backup_access_code_pool',
        now,
        undefined,
        `Only ${lock.available} of ${lock.size} backup codes are ready on ${lock.name}.`,
      );
    }
    if (short && lock.available === 0) {
      errors = withIssue(
        errors,
        'empty_backup_access_code_pool',
        now,
        undefined,
        `No backup code is ready on ${lock.name}.`,
      );
    }
    if (lock.pulled >= MANY_PULLED) {
      warnings = withIssue(
        warnings,
        'many_active_backup_codes',
        now,
        undefined,
        `${lock.pulled} pulled backup codes are live on ${lock.name}; guest codes may not be reaching it.`,
      );
    }
    // Keep the original issue (and its created_at) when nothing changed.
    const keep = (before: Issue[], after: Issue[]) =>
      after.map((i) => before.find((b) => b.code === i.code) ?? i);
    warnings = keep(lock.warnings, warnings);
    errors = keep(lock.errors, errors);
    if (
      JSON.stringify(warnings) !== JSON.stringify(lock.warnings) ||
      JSON.stringify(errors) !== JSON.stringify(lock.errors)
    ) {
      await db.update(devices).set({ warnings, errors }).where(eq(devices.id, lock.id));
    }
  }
}

/**
 * Pull a backup code for a guest whose own code is not working: one healthy
 * backup from the code's lock, taken atomically, linked to the code, valid
 * from now until the code's `ends_at`. Refused (with why and from when) unless
 * `pullability` allows it: never before the stay may start, never while
 * another guest holds the lock, never from a lock that cannot honour it.
 * Pulling again for the same code returns the same backup. The caller sees the digits; the audit entry never does.
 */
export async function pullBackupAccessCode(
  db: Executor,
  actor: Actor,
  accessCodeId: string,
  now: Date,
): Promise<AccessCode> {
  assertCan(actor, 'backup_codes.pull', 'AccessCode');
  parseId('AccessCode', accessCodeId, { field: 'access_code_id' });
  return db.transaction(async (tx) => {
    const [original] = await tx
      .select()
      .from(accessCodes)
      .where(
        and(
          eq(accessCodes.id, accessCodeId),
          eq(accessCodes.organizationId, actor.organizationId),
          isNull(accessCodes.deletedAt),
          sql`${accessCodes.status} <> 'removed'`,
        ),
      )
      .for('update');
    if (!original) throw AppError.notFound('AccessCode');
    if (original.isBackup) {
      throw new AppError(
        'invalid_input',
        'This is a backup code itself; pull for the guest’s own code.',
        {
          field: 'access_code_id',
        },
      );
    }
    if (original.type !== 'time_bound' || !original.endsAt) {
      throw new AppError(
        'invalid_input',
        'Backup codes are pulled for a stay’s time-bound code; this code is ongoing.',
        { field: 'access_code_id' },
      );
    }
    if (original.pulledBackupAccessCodeId) {
      const [already] = await tx
        .select()
        .from(accessCodes)
        .where(eq(accessCodes.id, original.pulledBackupAccessCodeId));
      if (already) return already;
    }

    // Only for its stay, and only from a lock that can honour it (./pullability.ts).
    const facts = (await loadPullFacts(tx, actor.organizationId, [original.id], now)).get(
      original.id,
    );
    if (!facts) throw AppError.notFound('AccessCode');
    const verdict = pullability(facts, now);
    if (!verdict.ok) throw new AppError('conflict', verdict.reason);

    const [backup] = await tx
      .select()
      .from(accessCodes)
      .where(and(eq(accessCodes.deviceId, original.deviceId), isAvailableBackup.sql()))
      .orderBy(accessCodes.createdAt)
      .limit(1)
      .for('update', { skipLocked: true });
    if (!backup) {
      throw new AppError(
        'conflict',
        `No backup code is ready on ${facts.lockName}; the pool refills on the next ticks. Until then — ${facts.fallbackText}`,
      );
    }

    const [pulled] = await tx
      .update(accessCodes)
      .set({
        type: 'time_bound',
        startsAt: now,
        endsAt: original.endsAt,
        pulledAt: now,
        pulledByUserId: actor.userId,
        pulledForReservationId: original.reservationId,
        revision: backup.revision + 1,
        // Already on the lock; the tick only needs to take it off at ends_at.
        nextAttemptAt: original.endsAt,
      })
      .where(eq(accessCodes.id, backup.id))
      .returning();
    await tx
      .update(accessCodes)
      .set({
        pulledBackupAccessCodeId: backup.id,
        warnings: sql`${accessCodes.warnings} || ${JSON.stringify([
          {
            code: 'using_backup_access_code',
            message: issueMessage('using_backup_access_code'),
            createdAt: now.toISOString(),
          },
        ])}::jsonb`,
        revision: original.revision + 1,
      })
      .where(eq(accessCodes.id, original.id));
    await tx.insert(accessCodeEvents).values(
      [original, backup].map((c) => ({
        organizationId: c.organizationId,
        accessCodeId: c.id,
        deviceId: c.deviceId,
        eventType: 'backup_access_code_pulled',
        statusFrom: c.status,
        statusTo: c.status,
        actorUserId: actor.userId,
        detail: { original_access_code_id: original.id, backup_access_code_id: backup.id },
      })),
    );
    await recordEvents(tx, [backupPulledEvent(original, backup.id, now)]);
    await recordAudit(tx, actor, {
      action: 'backup_code.pulled',
      targetType: 'access_code',
      targetId: original.id,
      detail: {
        backupAccessCodeId: backup.id,
        reservationId: original.reservationId,
        deviceId: original.deviceId,
      },
    });
    if (!pulled) throw new Error('backup update returned nothing');
    return pulled;
  });
}

export const setBackupPoolSchema = z
  .object({
    deviceId: z.uuid({ error: 'device_id must be a lock id.' }).optional(),
    propertyId: z.uuid({ error: 'property_id must be a property id.' }).optional(),
    enabled: z.boolean({ error: 'enabled must be true or false.' }),
  })
  .refine((v) => Boolean(v.deviceId) !== Boolean(v.propertyId), {
    message: 'Give a lock or a property, not both.',
    path: ['deviceId'],
  });

/**
 * Turn the pool on or off for one lock or every lock of a property. Turning
 * it off takes the unpulled backup codes off the locks; pulled codes stay
 * until their stay ends.
 */
export async function setBackupPool(
  db: Executor,
  actor: Actor,
  input: z.input<typeof setBackupPoolSchema>,
  now: Date,
): Promise<{ locks: number }> {
  assertCan(actor, 'backup_pools.manage', 'Device');
  const data = parseInput(setBackupPoolSchema, input);
  return db.transaction(async (tx) => {
    const targets = await tx
      .update(devices)
      .set({ backupPoolEnabled: data.enabled })
      .where(
        and(
          eq(devices.organizationId, actor.organizationId),
          eq(devices.status, 'active'),
          data.deviceId
            ? eq(devices.id, data.deviceId)
            : eq(devices.propertyId, data.propertyId ?? ''),
        ),
      )
      .returning({ id: devices.id });
    if (targets.length === 0) {
      throw data.deviceId
        ? AppError.notFound('Device', { field: 'device_id' })
        : AppError.notFound('Property', { field: 'property_id' });
    }
    if (!data.enabled) {
      const unpulled = await tx
        .select()
        .from(accessCodes)
        .where(
          and(
            inArray(
              accessCodes.deviceId,
              targets.map((t) => t.id),
            ),
            eq(accessCodes.isBackup, true),
            isNull(accessCodes.pulledAt),
            isNull(accessCodes.deletedAt),
          ),
        );
      await markDeleted(tx, unpulled, actor.userId, now);
    }
    await recordAudit(tx, actor, {
      action: data.enabled ? 'backup_pool.enabled' : 'backup_pool.disabled',
      targetType: data.deviceId ? 'device' : 'property',
      targetId: data.deviceId ?? data.propertyId ?? '',
      detail: { locks: targets.length },
    });
    return { locks: targets.length };
  });
}

export const setLockPoolSizeSchema = z.object({
  deviceId: z.uuid({ error: 'device_id must be a lock id.' }),
  /** Null: the organization's size again. */
  size: z
    .number({ error: 'Pool size must be a number.' })
    .int('Pool size must be a whole number.')
    .min(0, 'Pool size must be 0 or more.')
    .max(MAX_BACKUP_POOL_SIZE, `Pool size must be at most ${MAX_BACKUP_POOL_SIZE}.`)
    .nullable(),
});
export type SetLockPoolSizeInput = z.input<typeof setLockPoolSizeSchema>;

/**
 * Give one lock its own pool size (a small lock, a busy entrance: the slot
 * forecast's fix), or the organization's again with null. A smaller pool's
 * extra unpulled codes are taken off the lock at once; a larger one fills at
 * the next tick. The forecast is looked at again at the next tick.
 */
export async function setLockPoolSize(
  db: Executor,
  actor: Actor,
  input: SetLockPoolSizeInput,
  now: Date,
): Promise<{ deviceId: string; name: string; size: number; ownSize: number | null }> {
  assertCan(actor, 'backup_pools.manage', 'Device');
  const data = parseInput(setLockPoolSizeSchema, input);
  return db.transaction(async (tx) => {
    const [lock] = await tx
      .select({
        id: devices.id,
        name: devices.name,
        size: poolSizeSql(),
        organizationSize: organizations.backupPoolSize,
      })
      .from(devices)
      .innerJoin(organizations, eq(organizations.id, devices.organizationId))
      .where(
        and(
          eq(devices.id, data.deviceId),
          eq(devices.organizationId, actor.organizationId),
          eq(devices.status, 'active'),
        ),
      )
      .for('update', { of: devices });
    if (!lock) throw AppError.notFound('Device', { field: 'device_id' });
    await lockCodeChanges(tx, [lock.id]);
    await tx.update(devices).set({ backupPoolSize: data.size }).where(eq(devices.id, lock.id));
    const size = data.size ?? lock.organizationSize;
    await trimPools(tx, now, lock.id);
    await forgetSlotForecast(tx, actor.organizationId);
    await recordAudit(tx, actor, {
      action: 'backup_pool.resized',
      targetType: 'device',
      targetId: lock.id,
      detail: { name: lock.name, from: lock.size, to: size, ownSize: data.size },
    });
    return { deviceId: lock.id, name: lock.name, size, ownSize: data.size };
  });
}
