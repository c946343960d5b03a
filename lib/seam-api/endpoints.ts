import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type Executor, prepared } from '@/db/client';
import { actionAttempts, devices } from '@/db/schema';
import {
  createAccessCode,
  createAccessCodes,
  deleteAccessCodeIdempotent,
  generateAccessCode,
  updateAccessCode,
} from '@/lib/access-codes/operations';
import {
  type AccessCodeListItem,
  codeLockColumns,
  getAccessCodeByDigits,
  getAccessCodeWithLock,
  listAccessCodes,
} from '@/lib/access-codes/reads';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { pullBackupAccessCode } from '@/lib/backup-pools/pools';
import { enableBackupPool, getDevice, listDevices } from '@/lib/devices/devices';
import { AppError } from '@/lib/errors';
import { getEvent, listEvents } from '@/lib/events/reads';
import { EVENT_TYPES } from '@/lib/events/types';
import { parseCursor } from '@/lib/pagination';
import {
  seamBoolean,
  seamDate,
  seamDateRange,
  seamEventType,
  seamEventTypeList,
  seamId,
  seamIdList,
  seamInteger,
  seamString,
} from './params';
import { toSeamAccessCode, toSeamActionAttempt, toSeamDevice, toSeamEvent } from './shapes';

/**
 * The Seam-style endpoints. Each parses Seam's parameters (snake_case, from a
 * query string or a body), calls the same lib/ function the dashboard uses,
 * and answers in Seam's shape. Unknown parameters are ignored, as Seam does.
 */

export type EndpointContext = { db: Executor; actor: Actor; now: Date };
type Endpoint = (ctx: EndpointContext, params: Record<string, unknown>) => Promise<object>;

const codeFields = {
  name: seamString('name', 100).nullish(),
  code: seamString('code', 12).optional(),
  starts_at: seamDate('starts_at').optional(),
  ends_at: seamDate('ends_at').optional(),
};

const createSchema = z.object({
  device_id: seamId('device_id'),
  ...codeFields,
  use_backup_access_code_pool: seamBoolean('use_backup_access_code_pool').optional(),
  preferred_code_length: seamInteger('preferred_code_length', 4, 12).optional(),
});

const createMultipleSchema = z.object({
  device_ids: seamIdList('device_ids', 100),
  ...codeFields,
  behavior_when_code_cannot_be_shared: z
    .enum(['throw', 'create_random_code'], {
      error: 'behavior_when_code_cannot_be_shared must be throw or create_random_code.',
    })
    .optional(),
  use_backup_access_code_pool: seamBoolean('use_backup_access_code_pool').optional(),
});

const getSchema = z
  .object({
    access_code_id: seamId('access_code_id').optional(),
    device_id: seamId('device_id').optional(),
    code: seamString('code', 12).optional(),
  })
  .refine((p) => p.access_code_id || (p.device_id && p.code), {
    message: 'Give access_code_id, or both device_id and code.',
    path: ['access_code_id'],
  });

const listSchema = z.object({
  device_id: seamId('device_id').optional(),
  access_code_ids: seamIdList('access_code_ids').optional(),
  limit: seamInteger('limit', 1, 55_000).optional(),
  page_cursor: seamString('page_cursor', 200).nullish(),
});

const updateSchema = z.object({
  access_code_id: seamId('access_code_id'),
  ...codeFields,
  type: z
    .enum(['ongoing', 'time_bound'], { error: 'type must be ongoing or time_bound.' })
    .optional(),
});

// Built once: zod compiles an object schema on first use, so none is made per request.
const accessCodeIdSchema = z.object({ access_code_id: seamId('access_code_id') });
const deviceIdSchema = z.object({ device_id: seamId('device_id') });
const actionAttemptIdSchema = z.object({ action_attempt_id: seamId('action_attempt_id') });
const generateSchema = z.object({
  device_id: seamId('device_id'),
  preferred_code_length: seamInteger('preferred_code_length', 4, 12).optional(),
});

const pageSchema = z.object({
  limit: seamInteger('limit', 1, 10_000).optional(),
  page_cursor: seamString('page_cursor', 200).nullish(),
  device_ids: seamIdList('device_ids').optional(),
});

const PAGE_LIMIT = 1000;

// events/list: Seam's filters; the window rule (since or between) and the
// limits live in listEvents (lib/events/reads.ts).
const eventsListSchema = z.object({
  since: seamDate('since').optional(),
  between: seamDateRange('between').optional(),
  device_id: seamId('device_id').optional(),
  device_ids: seamIdList('device_ids').optional(),
  access_code_id: seamId('access_code_id').optional(),
  access_code_ids: seamIdList('access_code_ids').optional(),
  event_id: seamId('event_id').optional(),
  event_ids: seamIdList('event_ids').optional(),
  event_type: seamEventType('event_type', EVENT_TYPES).optional(),
  event_types: seamEventTypeList('event_types', EVENT_TYPES).optional(),
  limit: seamInteger('limit', 1, 1000).optional(),
  unstable_offset: seamInteger('unstable_offset', 0, 100_000).optional(),
});
const eventsGetSchema = z.object({ event_id: seamId('event_id') });

/** A filter given as one id and/or a list: either matches; neither is no filter. */
function oneOrMany<T>(one: T | undefined, many: T[] | undefined): T[] | undefined {
  if (one === undefined && many === undefined) return undefined;
  return [...(one === undefined ? [] : [one]), ...(many ?? [])];
}

function encodeCursor(after: string | null): string | null {
  return after ? Buffer.from(after).toString('base64url') : null;
}

/** The list's own `createdAt|id` cursor, refused here (400) when it is not one the lists make. */
function decodeCursor(cursor: string | null | undefined): string | undefined {
  if (!cursor) return undefined;
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  parseCursor(decoded);
  return decoded;
}

function pagination(after: string | null) {
  const cursor = encodeCursor(after);
  return { has_next_page: cursor !== null, next_page_cursor: cursor, next_page_url: null };
}

/**
 * The codes' locks' `codeLockColumns` (the device errors Seam shows on each
 * code), by id: for answers whose codes were not read with their lock (writes,
 * `get` by digits, a list by ids). `get` by id and a lock's list read the lock
 * in their own statement.
 */
async function locksOfCodes(ctx: EndpointContext, ids: string[]) {
  // Prepared once. The ids come from code rows (uuids), passed as one Postgres
  // array literal so the statement never changes.
  const query = prepared(ctx.db, 'devices_for_codes', () =>
    ctx.db
      .select(codeLockColumns)
      .from(devices)
      .where(
        and(
          sql`${devices.id} = any(${sql.placeholder('ids')}::uuid[])`,
          eq(devices.organizationId, sql.placeholder('organizationId')),
        ),
      )
      .prepare('devices_for_codes'),
  );
  const rows = await query.execute({
    ids: `{${ids.join(',')}}`,
    organizationId: ctx.actor.organizationId,
    now: ctx.now.toISOString(),
  });
  return new Map(rows.map((r) => [r.id, r]));
}

async function withDevices(ctx: EndpointContext, codes: AccessCodeListItem[]) {
  const ids = [...new Set(codes.map((c) => c.deviceId))];
  if (ids.length === 0) return [];
  const byId = await locksOfCodes(ctx, ids);
  return codes.map((c) => toSeamAccessCode(c, byId.get(c.deviceId), ctx.now));
}

async function actionAttempt(
  ctx: EndpointContext,
  actionType: string,
  result: Record<string, unknown>,
) {
  const [row] = await ctx.db
    .insert(actionAttempts)
    .values({
      organizationId: ctx.actor.organizationId,
      actionType,
      status: 'success',
      result,
    })
    .returning();
  if (!row) throw new Error('action attempt insert returned nothing');
  return toSeamActionAttempt(row);
}

const window = (p: { starts_at?: Date; ends_at?: Date }) => ({
  startsAt: p.starts_at,
  endsAt: p.ends_at,
});

/** One page of the organization's locks in Seam's shape: devices/list and locks/list alike. */
async function listSeamDevices(ctx: EndpointContext, params: Record<string, unknown>) {
  const p = pageSchema.parse(params);
  const page = await listDevices(
    ctx.db,
    ctx.actor,
    {
      limit: Math.min(p.limit ?? PAGE_LIMIT, PAGE_LIMIT),
      after: decodeCursor(p.page_cursor),
      deviceIds: p.device_ids,
    },
    ctx.now,
  );
  return {
    shaped: page.devices.map((d) => toSeamDevice(d.device, d.property)),
    nextAfter: page.nextAfter,
  };
}

export const ENDPOINTS: Record<string, Endpoint> = {
  'access_codes/create': async (ctx, params) => {
    const p = createSchema.parse(params);
    const code = await createAccessCode(
      ctx.db,
      ctx.actor,
      {
        deviceId: p.device_id,
        name: p.name,
        code: p.code,
        ...window(p),
        preferredCodeLength: p.preferred_code_length,
      },
      ctx.now,
    );
    if (p.use_backup_access_code_pool) await enableBackupPool(ctx.db, ctx.actor, p.device_id);
    const [shaped] = await withDevices(ctx, [code]);
    return {
      access_code: shaped,
      action_attempt: await actionAttempt(ctx, 'CREATE_ACCESS_CODE', { access_code: shaped }),
    };
  },

  'access_codes/create_multiple': async (ctx, params) => {
    const p = createMultipleSchema.parse(params);
    const codes = await createAccessCodes(
      ctx.db,
      ctx.actor,
      {
        deviceIds: p.device_ids,
        name: p.name,
        code: p.code,
        ...window(p),
        behaviorWhenCodeCannotBeShared: p.behavior_when_code_cannot_be_shared,
      },
      ctx.now,
    );
    if (p.use_backup_access_code_pool) {
      for (const id of p.device_ids) await enableBackupPool(ctx.db, ctx.actor, id);
    }
    return { access_codes: await withDevices(ctx, codes) };
  },

  'access_codes/get': async (ctx, params) => {
    const p = getSchema.parse(params);
    if (p.access_code_id) {
      // The busiest call: the code and its lock in one statement.
      const { code, lock } = await getAccessCodeWithLock(
        ctx.db,
        ctx.actor,
        p.access_code_id,
        ctx.now,
      );
      return { access_code: toSeamAccessCode(code, lock ?? undefined, ctx.now) };
    }
    const code = await getAccessCodeByDigits(
      ctx.db,
      ctx.actor,
      p.device_id ?? '',
      p.code ?? '',
      ctx.now,
    );
    const [shaped] = await withDevices(ctx, [code]);
    return { access_code: shaped };
  },

  'access_codes/list': async (ctx, params) => {
    const p = listSchema.parse(params);
    if (!p.device_id && !p.access_code_ids) {
      throw new AppError('invalid_input', 'Give device_id or access_code_ids.', {
        field: 'device_id',
      });
    }
    if (p.device_id) assertCan(ctx.actor, 'locks.read', 'Device');
    const page = await listAccessCodes(
      ctx.db,
      ctx.actor,
      {
        deviceId: p.device_id,
        accessCodeIds: p.access_code_ids,
        limit: Math.min(p.limit ?? PAGE_LIMIT, PAGE_LIMIT),
        after: decodeCursor(p.page_cursor),
      },
      ctx.now,
    );
    // One lock's codes come with the lock (`page.lock`): a lock that is not
    // this organization's, or is retired, answers 404 even when it has no codes.
    const locks =
      page.lock !== undefined
        ? new Map(page.lock ? [[page.lock.id, page.lock]] : [])
        : await locksOfCodes(ctx, [
            ...new Set([
              ...page.accessCodes.map((c) => c.deviceId),
              ...(p.device_id ? [p.device_id] : []),
            ]),
          ]);
    if (p.device_id && locks.get(p.device_id)?.status !== 'active') {
      throw AppError.notFound('Device');
    }
    const shaped = page.accessCodes.map((c) => toSeamAccessCode(c, locks.get(c.deviceId), ctx.now));
    return { access_codes: shaped, pagination: pagination(page.nextCursor) };
  },

  'access_codes/update': async (ctx, params) => {
    const p = updateSchema.parse(params);
    const code = await updateAccessCode(
      ctx.db,
      ctx.actor,
      p.access_code_id,
      { name: p.name, code: p.code, ...window(p), type: p.type },
      ctx.now,
    );
    const [shaped] = await withDevices(ctx, [code]);
    return {
      action_attempt: await actionAttempt(ctx, 'UPDATE_ACCESS_CODE', { access_code: shaped }),
    };
  },

  'access_codes/delete': async (ctx, params) => {
    const p = accessCodeIdSchema.parse(params);
    const id = p.access_code_id;
    await deleteAccessCodeIdempotent(ctx.db, ctx.actor, id, ctx.now);
    return { action_attempt: await actionAttempt(ctx, 'DELETE_ACCESS_CODE', {}) };
  },

  'access_codes/generate_code': async (ctx, params) => {
    const p = generateSchema.parse(params);
    const code = await generateAccessCode(ctx.db, ctx.actor, p.device_id, p.preferred_code_length);
    return { generated_code: { device_id: p.device_id, code } };
  },

  'access_codes/pull_backup_access_code': async (ctx, params) => {
    const p = accessCodeIdSchema.parse(params);
    const backup = await pullBackupAccessCode(ctx.db, ctx.actor, p.access_code_id, ctx.now);
    const [shaped] = await withDevices(ctx, [backup]);
    // Current SDKs read access_code, older ones backup_access_code.
    return { access_code: shaped, backup_access_code: shaped };
  },

  'devices/get': async (ctx, params) => {
    const p = deviceIdSchema.parse(params);
    const { device, property } = await getDevice(ctx.db, ctx.actor, p.device_id, ctx.now);
    return { device: toSeamDevice(device, property) };
  },

  'devices/list': async (ctx, params) => {
    const { shaped, nextAfter } = await listSeamDevices(ctx, params);
    return { devices: shaped, pagination: pagination(nextAfter) };
  },

  'locks/get': async (ctx, params) => {
    const p = deviceIdSchema.parse(params);
    const { device, property } = await getDevice(ctx.db, ctx.actor, p.device_id, ctx.now);
    const shaped = toSeamDevice(device, property);
    return { device: shaped, lock: shaped };
  },

  'locks/list': async (ctx, params) => {
    const { shaped, nextAfter } = await listSeamDevices(ctx, params);
    return { devices: shaped, locks: shaped, pagination: pagination(nextAfter) };
  },

  'events/list': async (ctx, params) => {
    const p = eventsListSchema.parse(params);
    const rows = await listEvents(ctx.db, ctx.actor, {
      since: p.since,
      between: p.between ? [p.between[0] as Date, p.between[1] as Date] : undefined,
      deviceIds: oneOrMany(p.device_id, p.device_ids),
      accessCodeIds: oneOrMany(p.access_code_id, p.access_code_ids),
      eventIds: oneOrMany(p.event_id, p.event_ids),
      eventTypes: oneOrMany(p.event_type, p.event_types),
      limit: p.limit,
      offset: p.unstable_offset,
    });
    return { events: rows.map(toSeamEvent) };
  },

  'events/get': async (ctx, params) => {
    const p = eventsGetSchema.parse(params);
    return { event: toSeamEvent(await getEvent(ctx.db, ctx.actor, p.event_id)) };
  },

  'action_attempts/get': async (ctx, params) => {
    const p = actionAttemptIdSchema.parse(params);
    const [row] = await ctx.db
      .select()
      .from(actionAttempts)
      .where(
        and(
          eq(actionAttempts.id, p.action_attempt_id),
          eq(actionAttempts.organizationId, ctx.actor.organizationId),
        ),
      );
    if (!row) throw AppError.notFound('ActionAttempt');
    return { action_attempt: toSeamActionAttempt(row) };
  },
};

// No prototype: a path such as `valueOf` or `__proto__` must find no endpoint.
Object.setPrototypeOf(ENDPOINTS, null);
