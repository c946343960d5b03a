// npm run bench:webhooks -- [--deliveries 1000] [--single 200] [--engine pglite|postgres|both]
//
// What outbound webhooks cost. One organization with one endpoint (every
// event type) at a real HTTP receiver on loopback that takes each delivery
// as it comes. Two runs through the real outbox and webhook transport:
//
//  - flat out: N lock events recorded at once, dispatched (one delivery
//    each, queued in the dispatching transaction), then deliverDueMessages as
//    the tick calls it until the outbox is empty. Figures: deliveries per
//    second, and p50/p99 from the moment the deliveries were queued to the
//    moment the receiver had each body (the queue's wait included).
//  - one at a time: S rounds of one event → dispatch → deliver, the latency a
//    single delivery sees from queue to receipt when nothing else is waiting.
import { parseArgs } from 'node:util';
import { count, eq } from 'drizzle-orm';
import { messages } from '@/db/schema';
import { actorFor, addSimulatedLock, createOrganization, createTestDatabase } from '@/db/testing';
import { dispatchEvents } from '@/lib/events/dispatch';
import { type NewEvent, recordEvents } from '@/lib/events/store';
import { deliverDueMessages } from '@/lib/messages/outbox';
import { deriveKey } from '@/lib/secret-box';
import { createWebhookEndpoint } from '@/lib/webhooks/endpoints';
import { startWebhookReceiver } from '@/lib/webhooks/testing';
import { webhookTransport } from '@/lib/webhooks/transport';
import { percentile } from './stats';

const { values } = parseArgs({
  options: {
    deliveries: { type: 'string', default: '1000' },
    single: { type: 'string', default: '200' },
    engine: { type: 'string' },
  },
});
const DELIVERIES = Number(values.deliveries);
const SINGLE = Number(values.single);
const engines = values.engine === 'both' ? ['pglite', 'postgres'] : [values.engine ?? 'pglite'];
const KEY = deriveKey('bench key for sealing webhook secrets');

const ms = (n: number) => Math.round(n * 10) / 10;
const summary = (latencies: number[]) => {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    p50: ms(percentile(sorted, 50)),
    p99: ms(percentile(sorted, 99)),
    max: ms(sorted.at(-1) ?? 0),
  };
};

let n = 0;
function events(organizationId: string, deviceId: string, howMany: number): NewEvent[] {
  return Array.from({ length: howMany }, () => ({
    organizationId,
    eventType: 'lock.unlocked' as const,
    occurredAt: new Date(),
    deviceId,
    method: 'keycode' as const,
    dedupeKey: `lock:${deviceId}:bench-${++n}`,
  }));
}

async function bench(engine: string) {
  const saved = process.env.DATABASE_URL;
  if (engine === 'pglite') delete process.env.DATABASE_URL;
  else if (!saved) throw new Error('--engine postgres needs DATABASE_URL');
  const database = await createTestDatabase({ max: 10 });
  if (saved !== undefined) process.env.DATABASE_URL = saved;
  const { db } = database;
  const receiver = await startWebhookReceiver();
  try {
    const org = await createOrganization(db, { name: 'Bench', roles: ['admin'] });
    const admin = await actorFor(db, org, 'admin');
    const lock = await addSimulatedLock(db, {
      organizationId: org.org.id,
      propertyId: org.property.id,
      name: 'Room 1',
    });
    await createWebhookEndpoint(db, admin, { url: `${receiver.url}/events` }, KEY);
    const transports = { webhook: webhookTransport(db, { key: KEY }) };
    const drain = async () => {
      for (;;) {
        const stats = await deliverDueMessages(db, {
          now: new Date(),
          transports,
          budgetMs: 60_000,
        });
        if (stats.claimed === 0) return;
      }
    };

    // Flat out.
    await recordEvents(db, events(org.org.id, lock.id, DELIVERIES));
    const dispatchStarted = performance.now();
    const dispatched = await dispatchEvents(db, new Date());
    const queuedAt = performance.now();
    await drain();
    const drained = performance.now();
    const arrivals = receiver.received.splice(0);
    const [{ sent = 0 } = {}] = await db
      .select({ sent: count() })
      .from(messages)
      .where(eq(messages.status, 'sent'));
    const flat = {
      engine,
      deliveries: dispatched.deliveries,
      received: arrivals.length,
      sentInOutbox: sent,
      dispatchMs: Math.round(queuedAt - dispatchStarted),
      deliverMs: Math.round(drained - queuedAt),
      perSecond: Math.round(arrivals.length / ((drained - queuedAt) / 1000)),
      queueToReceiptMs: summary(arrivals.map((a) => a.receivedAt - queuedAt)),
    };
    console.log('flat out', JSON.stringify(flat));

    // One at a time.
    const single: number[] = [];
    for (let i = 0; i < SINGLE; i++) {
      await recordEvents(db, events(org.org.id, lock.id, 1));
      await dispatchEvents(db, new Date());
      const at = performance.now();
      await drain();
      const [arrival] = receiver.received.splice(0);
      if (!arrival) throw new Error('a delivery did not arrive');
      single.push(arrival.receivedAt - at);
    }
    console.log(
      'one at a time',
      JSON.stringify({ engine, rounds: SINGLE, queueToReceiptMs: summary(single) }),
    );
    console.log(`peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
  } finally {
    await receiver.close();
    await database.close();
  }
}

for (const engine of engines) await bench(engine);
