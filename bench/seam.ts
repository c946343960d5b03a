// npm run bench:seam -- [--locks 200] [--engine pglite|postgres]
//
// Connects a Seam workspace of N locks (Seam's fake server, in this process)
// and measures: the connect call (key check + import), the first tick (every
// lock's backup pool sent to Seam: 5 codes per lock, accepted, pending), and
// the tick after Seam confirms them (every code read back and marked set).
// The fake answers in-process, so the figures are Keyhold's own cost per call
// plus the fake's, without network latency.
import { parseArgs } from 'node:util';
import { and, count, eq } from 'drizzle-orm';
import { accessCodes } from '@/db/schema';
import { createOrganization, createTestDatabase } from '@/db/testing';
import { loadActor } from '@/lib/auth/actor';
import { connectSeam, defaultAdapters } from '@/lib/devices/connections';
import { startFakeSeam } from '@/lib/locks/seam/testing';
import { runTick } from '@/lib/reconciler/tick';
import { deriveKey } from '@/lib/secret-box';

const { values } = parseArgs({
  options: { locks: { type: 'string', default: '200' }, engine: { type: 'string' } },
});
const LOCKS = Number(values.locks);
const engine = values.engine ?? (process.env.DATABASE_URL ? 'postgres' : 'pglite');
if (engine === 'pglite') delete process.env.DATABASE_URL;

async function main() {
  const seam = await startFakeSeam();
  for (let i = 0; i < LOCKS; i++) seam.addLock({ name: `Seam ${i + 1}` });
  const database = await createTestDatabase();
  const { org, property, members } = await createOrganization(database.db, { roles: ['admin'] });
  const actor = await loadActor(database.db, members.admin?.userId ?? '');
  if (!actor) throw new Error('no actor');
  const settings = {
    endpoint: seam.url,
    credentialsKey: deriveKey('bench credentials key, 32+ chars'),
  };
  const now = new Date();
  const ms = (from: number) => Math.round(performance.now() - from);

  let started = performance.now();
  const { imported } = await connectSeam(
    database.db,
    actor,
    { name: 'Bench Seam', apiKey: seam.apiKey, propertyId: property.id },
    now,
    settings,
  );
  const connectMs = ms(started);

  const tick = (at: Date) =>
    runTick(database.db, {
      now: at,
      adapters: defaultAdapters(database.db, { seam: settings }),
      transports: {},
      budgetMs: 600_000,
    });
  started = performance.now();
  const first = await tick(now);
  const firstMs = ms(started);
  seam.confirmAll(now);
  started = performance.now();
  await tick(new Date(now.getTime() + 60_000));
  const secondMs = ms(started);
  const [set] = await database.db
    .select({ n: count() })
    .from(accessCodes)
    .where(and(eq(accessCodes.organizationId, org.id), eq(accessCodes.status, 'set')));

  const codes = first.pending;
  console.log(`engine ${engine}, ${imported} Seam locks on Seam's fake server (in-process)`);
  console.log(`connect (key check + import): ${connectMs} ms`);
  console.log(
    `first tick: ${codes} codes sent to Seam in ${firstMs} ms (${Math.round((codes / firstMs) * 1000)} codes/s)`,
  );
  console.log(
    `tick after Seam confirms: ${set?.n ?? 0} codes set in ${secondMs} ms (${Math.round(((set?.n ?? 0) / secondMs) * 1000)} codes/s)`,
  );
  await database.close();
  await seam.stop();
}

await main();
