// npm run bench:messages -- [--locks 2000] [--stays 5000] [--messages 5000]
//                            [--engine pglite|postgres|both] [--explain]
//
// What guest messaging costs the tick. Seeds N simulated locks and M confirmed
// stays over the next 30 days, each with its guest code already on its lock,
// then times queueDueGuestCodeMessages (the first run that queues the due
// stays, the steady state every later tick pays, and a run after 1 % of the
// due codes changed digits) and deliverDueMessages (through the log transport
// and through SMTP to a real smtp-server on loopback). Prints figures and peak RSS;
// --explain also prints EXPLAIN ANALYZE of the scan's query in the steady state.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { and, count, eq, inArray, like, not, type SQL } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { type Db, queryRows, sql } from '@/db/client';
import {
  accessCodes,
  messages,
  reservationDevices,
  reservations,
  simulatedLockCodes,
} from '@/db/schema';
import { createOrganization, createTestDatabase } from '@/db/testing';
import { generateCode } from '@/lib/access-codes/rules';
import { createLogger } from '@/lib/log';
import { type DeliverStats, deliverDueMessages } from '@/lib/messages/outbox';
import { queueDueGuestCodeMessages } from '@/lib/messages/schedule';
import type { Transports } from '@/lib/messages/transport-types';
import { LOGGED_PREFIX, logTransport, smtpTransport } from '@/lib/messages/transports';
import { chunked, seedSimulatedLocks } from './seed';
import { percentile } from './stats';

const { values } = parseArgs({
  options: {
    locks: { type: 'string', default: '2000' },
    stays: { type: 'string', default: '5000' },
    /** Extra outbox rows (copies of the queued ones) so delivery is timed over a real batch. */
    messages: { type: 'string', default: '5000' },
    engine: { type: 'string' },
    explain: { type: 'boolean', default: false },
  },
});
const LOCKS = Number(values.locks);
const STAYS = Number(values.stays);
const EXTRA_MESSAGES = Number(values.messages);
const STEADY_RUNS = 20;
const DAY = 86_400_000;
const engines = values.engine === 'both' ? ['pglite', 'postgres'] : [values.engine ?? 'pglite'];

const ms = (n: number) => Math.round(n * 10) / 10;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const result = await fn();
  return [result, performance.now() - t];
}

/**
 * One organization, LOCKS locks (every other one keeps schedules) and STAYS
 * two-night stays starting over the next 30 days, each with its guest code on
 * its lock: `set` on a lock without schedules, `unset` and scheduled on one
 * with them, as the reconciler leaves them.
 */
async function seed(db: Db, now: Date) {
  const { org, property } = await createOrganization(db, { name: 'Bench Hotel' });
  const deviceRows = await seedSimulatedLocks(db, {
    organizationId: org.id,
    propertyId: property.id,
    count: LOCKS,
    prefix: 'msg',
    now,
    slotLimit: 20,
    nativeScheduling: (i) => i % 2 === 0,
    rooms: true,
  });

  const taken = new Map<string, Set<string>>();
  const stays = Array.from({ length: STAYS }, (_, i) => {
    const device = deviceRows[i % deviceRows.length];
    if (!device) throw new Error('no locks');
    const startsAt = new Date(now.getTime() + ((i + 0.5) / STAYS) * 30 * DAY);
    const used = taken.get(device.id) ?? new Set<string>();
    taken.set(device.id, used);
    const code = generateCode(6, used);
    used.add(code);
    return {
      reservationId: randomUUID(),
      accessCodeId: randomUUID(),
      lockCodeId: randomUUID(),
      device,
      code,
      startsAt,
      endsAt: new Date(startsAt.getTime() + 2 * DAY),
      i,
    };
  });
  await chunked(stays, 1000, (chunk) =>
    db.insert(reservations).values(
      chunk.map((s) => ({
        id: s.reservationId,
        organizationId: org.id,
        propertyId: property.id,
        guestName: `Guest ${s.i}`,
        guestEmail: `guest${s.i}@bench.example`,
        guestPhone: s.i % 2 === 0 ? `+1415555${String(s.i % 10_000).padStart(4, '0')}` : null,
        startsAt: s.startsAt,
        endsAt: s.endsAt,
        status: 'confirmed' as const,
        source: 'bench',
        externalUid: `bench-${s.i}`,
      })),
    ),
  );
  await chunked(stays, 1000, (chunk) =>
    db.insert(reservationDevices).values(
      chunk.map((s) => ({
        reservationId: s.reservationId,
        deviceId: s.device.id,
        organizationId: org.id,
      })),
    ),
  );
  // The lock's side, so external_ref points at a code the lock really holds.
  await chunked(stays, 1000, (chunk) =>
    db.insert(simulatedLockCodes).values(
      chunk.map((s) => ({
        id: s.lockCodeId,
        lockId: s.device.externalId,
        code: s.code,
        name: `Guest ${s.i}`,
        startsAt: s.startsAt,
        endsAt: s.endsAt,
        keyholdCodeId: s.accessCodeId,
      })),
    ),
  );
  await chunked(stays, 1000, (chunk) =>
    db.insert(accessCodes).values(
      chunk.map((s) => ({
        id: s.accessCodeId,
        organizationId: org.id,
        deviceId: s.device.id,
        reservationId: s.reservationId,
        type: 'time_bound' as const,
        code: s.code,
        name: `Guest ${s.i}`,
        startsAt: s.startsAt,
        endsAt: s.endsAt,
        status: s.device.supportsNativeScheduling ? ('unset' as const) : ('set' as const),
        errors: [],
        isScheduledOnDevice: s.device.supportsNativeScheduling,
        externalRef: s.lockCodeId,
        desiredState: 'present' as const,
        nextAttemptAt: s.endsAt,
        setOnDeviceAt: now,
        lastAttemptAt: now,
      })),
    ),
  );
  return { organizationId: org.id };
}

/**
 * EXPLAIN ANALYZE of the very query queueDueGuestCodeMessages runs: it is
 * handed an executor that only records the SQL and finds nothing due.
 */
async function explainScan(db: Db, now: Date): Promise<string> {
  let captured: SQL | undefined;
  const recorder = {
    async execute(query: SQL) {
      captured = query;
      return [];
    },
  } as unknown as Db;
  await queueDueGuestCodeMessages(recorder, now);
  if (!captured) throw new Error('the scan ran no query');
  const rows = await queryRows<Record<string, string>>(
    db,
    sql`explain (analyze, buffers) ${captured}`,
  );
  return rows.map((r) => Object.values(r)[0]).join('\n');
}

/** Drain the outbox as successive ticks would: deliverDueMessages with the tick's options. */
async function drain(db: Db, now: Date, transports: Transports) {
  const total: DeliverStats = { claimed: 0, sent: 0, retrying: 0, failed: 0 };
  let calls = 0;
  for (;;) {
    const stats = await deliverDueMessages(db, { now, transports });
    calls++;
    if (stats.claimed === 0) break;
    for (const k of Object.keys(total) as (keyof DeliverStats)[]) total[k] += stats[k];
  }
  return { ...total, calls };
}

/** Put messages back in the outbox as never tried, to deliver them again. */
async function requeue(db: Db, now: Date, where: ReturnType<typeof sql>) {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`update messages set status = 'queued', attempts = 0, next_attempt_at = ${now.toISOString()}::timestamptz,
          lease_expires_at = null, provider_message_id = null, sent_at = null, last_error = null
        where ${where} returning id`,
  );
  return rows.length;
}

async function startSmtp(): Promise<{ server: SMTPServer; port: number; received: () => number }> {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        received++;
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as { port: number };
  return { server, port, received: () => received };
}

async function bench(engine: string) {
  const saved = process.env.DATABASE_URL;
  if (engine === 'pglite') delete process.env.DATABASE_URL;
  else if (!saved) throw new Error('--engine postgres needs DATABASE_URL');
  const database = await createTestDatabase({ max: 20 });
  // Assigning undefined would store the string "undefined", which the settings then refuse.
  if (saved !== undefined) process.env.DATABASE_URL = saved;
  const db = database.db;
  const now = new Date();

  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);

  const [{ organizationId }, seedMs] = await timed(() => seed(db, now));
  // Statistics, as autovacuum would have gathered by the time a hotel's stays are in.
  await db.execute(sql`analyze`);

  // 1. The first run: every stay within the lead time is due and queued.
  const [dueRow] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from reservations r join organizations o on o.id = r.organization_id
        where r.status = 'confirmed' and r.ends_at > ${now.toISOString()}::timestamptz
          and r.starts_at <= ${now.toISOString()}::timestamptz
                             + make_interval(mins => o.guest_message_lead_minutes)`,
  );
  const [first, firstMs] = await timed(() => queueDueGuestCodeMessages(db, now));
  const [queuedRow] = await db.select({ n: count() }).from(messages);

  // 2. The steady state: nothing new to do, the cost of every tick.
  const steady: number[] = [];
  let steadyQueued = 0;
  for (let i = 0; i < STEADY_RUNS; i++) {
    const [result, t] = await timed(() => queueDueGuestCodeMessages(db, now));
    steadyQueued += result.queued + result.corrections;
    steady.push(t);
  }
  steady.sort((a, b) => a - b);
  if (values.explain)
    console.log(`${engine}: the steady-state scan\n${await explainScan(db, now)}`);

  // 3. 1 % of the told stays get new digits (still on their locks): corrections.
  const told = await db
    .selectDistinct({ id: messages.reservationId })
    .from(messages)
    .where(eq(messages.kind, 'guest_code'));
  const changedIds = told
    .map((r) => r.id)
    .filter((id): id is string => Boolean(id))
    .slice(0, Math.max(1, Math.round(told.length / 100)));
  const changed = await db
    .select({ id: accessCodes.id, code: accessCodes.code })
    .from(accessCodes)
    .where(inArray(accessCodes.reservationId, changedIds));
  for (const c of changed) {
    await db
      .update(accessCodes)
      .set({ code: generateCode(6, new Set([c.code ?? ''])) })
      .where(eq(accessCodes.id, c.id));
  }
  const [afterChange, changeMs] = await timed(() => queueDueGuestCodeMessages(db, now));

  // 4. Delivery through the log transport (silent), over the queued messages
  // and EXTRA_MESSAGES copies of them.
  const queued = await db.select().from(messages).where(eq(messages.status, 'queued'));
  const copies = Array.from({ length: EXTRA_MESSAGES }, (_, i) => {
    const m = queued[i % queued.length];
    if (!m) throw new Error('nothing was queued');
    return {
      organizationId: m.organizationId,
      // No stay: the copies must not count as what a guest was told.
      reservationId: null,
      kind: m.kind,
      channel: m.channel,
      recipient: m.recipient,
      subject: m.subject,
      body: m.body,
      status: 'queued' as const,
      nextAttemptAt: now,
      idempotencyKey: `bench.${i}.${randomUUID()}`,
    };
  });
  await chunked(copies, 1000, (chunk) => db.insert(messages).values(chunk));
  const silent = createLogger(
    new Writable({
      write(_chunk, _encoding, done) {
        done();
      },
    }),
  );
  const log = logTransport({ log: silent });
  const [logged, logMs] = await timed(() => drain(db, now, { email: log, sms: log }));

  // 5. Email again, through SMTP to a real server on loopback.
  const smtp = await startSmtp();
  const mailer = smtpTransport({
    host: '127.0.0.1',
    port: smtp.port,
    secure: false,
    from: 'Bench Hotel <frontdesk@bench.example>',
  });
  const requeued = await requeue(db, now, sql`channel = 'email'`);
  const [mailed, smtpMs] = await timed(() => drain(db, now, { email: mailer }));
  mailer.close?.();
  const [sentBySmtp] = await db
    .select({ n: count() })
    .from(messages)
    .where(
      and(
        eq(messages.channel, 'email'),
        eq(messages.status, 'sent'),
        not(like(messages.providerMessageId, `${LOGGED_PREFIX}%`)),
      ),
    );
  await new Promise<void>((resolve) => smtp.server.close(() => resolve()));

  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  console.log(
    JSON.stringify(
      {
        engine,
        organizationId,
        locks: LOCKS,
        stays: STAYS,
        seedSeconds: +(seedMs / 1000).toFixed(1),
        scan: {
          staysDue: dueRow?.n,
          firstRun: {
            queued: first.queued,
            corrections: first.corrections,
            messages: queuedRow?.n,
            ms: Math.round(firstMs),
          },
          steadyState: {
            runs: STEADY_RUNS,
            queued: steadyQueued,
            p50Ms: ms(percentile(steady, 50)),
            p95Ms: ms(percentile(steady, 95)),
            maxMs: ms(steady.at(-1) ?? 0),
          },
          afterDigitsChanged: {
            staysChanged: changedIds.length,
            corrections: afterChange.corrections,
            queued: afterChange.queued,
            ms: ms(changeMs),
          },
        },
        delivery: {
          log: {
            ...logged,
            seconds: +(logMs / 1000).toFixed(2),
            messagesPerSecond: Math.round((logged.sent / logMs) * 1000),
          },
          smtp: {
            requeued,
            ...mailed,
            seconds: +(smtpMs / 1000).toFixed(2),
            messagesPerSecond: Math.round((mailed.sent / smtpMs) * 1000),
            serverReceived: smtp.received(),
            markedSent: sentBySmtp?.n,
          },
        },
        peakRssMb: Math.round(peakRss / 1024 / 1024),
      },
      null,
      2,
    ),
  );
  if (smtp.received() !== sentBySmtp?.n) {
    console.error(`SMTP server received ${smtp.received()} but ${sentBySmtp?.n} are marked sent`);
    process.exitCode = 1;
  }
  await database.close();
}

for (const engine of engines) await bench(engine);
