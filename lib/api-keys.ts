import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, isNull, lt, or } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '@/db/client';
import { apiKeys, organizations } from '@/db/schema';
import { recordAudit } from './audit';
import type { Actor } from './auth/actor';
import { assertCan } from './auth/actor';
import { AppError } from './errors';
import { parseId } from './ids';

/**
 * Keys for the Seam-style API. Seam's SDK refuses keys that do not start with
 * `seam_` (and those starting seam_cst, seam_at or seam_pk), so Keyhold's
 * begin `seam_kh_`. Only a SHA-256 of the key is stored: a key is a random
 * 192-bit secret, so a slow hash would add nothing but latency per request.
 */
const PREFIX = 'seam_kh_';

function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export const createApiKeySchema = z.object({
  name: z
    .string({ error: 'Name is required.' })
    .trim()
    .min(1, 'Name is required.')
    .max(100, 'Name must be at most 100 characters.'),
});

export type ApiKeySummary = {
  id: string;
  name: string;
  keyPrefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

/** Create a key. The returned `apiKey` is the only time anyone sees it. */
export async function createApiKey(
  db: Executor,
  actor: Actor,
  input: z.input<typeof createApiKeySchema>,
): Promise<{ apiKey: string; key: ApiKeySummary }> {
  assertCan(actor, 'api_keys.manage');
  const parsed = createApiKeySchema.safeParse(input);
  if (!parsed.success) {
    throw new AppError('invalid_input', parsed.error.issues[0]?.message ?? 'Invalid input.', {
      field: 'name',
    });
  }
  const apiKey = `${PREFIX}${randomBytes(24).toString('base64url')}`;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiKeys)
      .values({
        organizationId: actor.organizationId,
        name: parsed.data.name,
        keyPrefix: apiKey.slice(0, PREFIX.length + 4),
        keyHash: hashKey(apiKey),
        createdByUserId: actor.userId,
      })
      .returning();
    if (!row) throw new Error('api key insert returned nothing');
    await recordAudit(tx, actor, {
      action: 'api_key.created',
      targetType: 'api_key',
      targetId: row.id,
      detail: { name: row.name, keyPrefix: row.keyPrefix },
    });
    return { apiKey, key: summary(row) };
  });
}

function summary(row: typeof apiKeys.$inferSelect): ApiKeySummary {
  return {
    id: row.id,
    name: row.name,
    keyPrefix: row.keyPrefix,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}

export async function listApiKeys(db: Executor, actor: Actor): Promise<ApiKeySummary[]> {
  assertCan(actor, 'api_keys.manage');
  const rows = await db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.organizationId, actor.organizationId))
    .orderBy(desc(apiKeys.createdAt));
  return rows.map(summary);
}

/** Revoke a key; revoking twice is harmless. Another organization's key is not found. */
export async function revokeApiKey(
  db: Executor,
  actor: Actor,
  apiKeyId: string,
  now: Date,
): Promise<void> {
  assertCan(actor, 'api_keys.manage');
  parseId('ApiKey', apiKeyId);
  const revokedHash = await db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.id, apiKeyId), eq(apiKeys.organizationId, actor.organizationId)));
    if (!row) throw AppError.notFound('ApiKey');
    if (row.revokedAt) return row.keyHash;
    await tx.update(apiKeys).set({ revokedAt: now }).where(eq(apiKeys.id, row.id));
    await recordAudit(tx, actor, {
      action: 'api_key.revoked',
      targetType: 'api_key',
      targetId: row.id,
      detail: { name: row.name, keyPrefix: row.keyPrefix },
    });
    return row.keyHash;
  });
  // After the commit, so no request can re-cache the key as still valid.
  verified.delete(revokedHash);
}

/** Keys act with an owner's rights: codes and locks, never members, keys or settings. */
const API_KEY_ROLE = 'owner' as const;

/**
 * Verified keys, per process, for a few seconds: a busy integration would
 * otherwise pay a query per request. Revoking clears this process's entry at
 * once; another instance stops accepting the key within KEY_CACHE_MS.
 */
export const KEY_CACHE_MS = 5_000;
// On globalThis: Next bundles each route separately, and the revoking action
// and the API route must see one cache.
const shared = globalThis as unknown as {
  __keyholdVerifiedKeys?: Map<string, { actor: Actor; until: number }>;
};
shared.__keyholdVerifiedKeys ??= new Map();
const verified = shared.__keyholdVerifiedKeys;

/**
 * The organization behind a presented key, as an actor, or null for an
 * unknown or revoked key. Records when the key was last used (at most once a
 * minute, so a busy integration does not write on every call).
 */
export async function authenticateApiKey(
  db: Executor,
  presented: string,
  now: Date,
): Promise<Actor | null> {
  if (!presented.startsWith(PREFIX) || presented.length > 200) return null;
  const hash = hashKey(presented);
  const cached = verified.get(hash);
  if (cached && cached.until > performance.now()) return cached.actor;
  verified.delete(hash);
  const [row] = await db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      lastUsedAt: apiKeys.lastUsedAt,
      organizationId: apiKeys.organizationId,
      organizationName: organizations.name,
    })
    .from(apiKeys)
    .innerJoin(organizations, eq(organizations.id, apiKeys.organizationId))
    .where(and(eq(apiKeys.keyHash, hash), isNull(apiKeys.revokedAt)));
  if (!row) return null;
  const staleBefore = new Date(now.getTime() - 60_000);
  if (!row.lastUsedAt || row.lastUsedAt < staleBefore) {
    await db
      .update(apiKeys)
      .set({ lastUsedAt: now })
      .where(
        and(
          eq(apiKeys.id, row.id),
          or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, staleBefore)),
        ),
      );
  }
  const actor: Actor = {
    userId: null,
    apiKeyId: row.id,
    name: `API key ${row.name}`,
    email: '',
    organizationId: row.organizationId,
    organizationName: row.organizationName,
    role: API_KEY_ROLE,
  };
  if (verified.size > 10_000) verified.clear();
  verified.set(hash, { actor, until: performance.now() + KEY_CACHE_MS });
  return actor;
}
