import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeamAdapter } from './adapter';
import { type FakeSeam, startFakeSeam } from './testing';

const CHECK_IN = new Date('2026-11-26T20:00:00Z');
const minutes = (base: Date, n: number) => new Date(base.getTime() + n * 60_000);

let seam: FakeSeam;

beforeAll(async () => {
  seam = await startFakeSeam();
});
afterAll(async () => {
  await seam.stop();
});

const adapter = () =>
  new SeamAdapter({ apiKey: seam.apiKey, endpoint: seam.url, sleep: async () => {} });

/** What a lock reports through Seam: an event the fake holds, generated now. */
function seamReports(event: {
  deviceId: string;
  type: string;
  occurredAt: Date;
  accessCodeId?: string;
  method?: string;
  workspaceId?: string;
  createdAt?: string;
}) {
  return seam.fake.database.addEvent({
    event_type: event.type,
    workspace_id: event.workspaceId ?? seam.workspaceId,
    device_id: event.deviceId,
    occurred_at: event.occurredAt.toISOString(),
    ...(event.createdAt ? { created_at: event.createdAt } : {}),
    ...(event.accessCodeId ? { access_code_id: event.accessCodeId } : {}),
    ...(event.method ? { method: event.method } : {}),
  } as never);
}

describe('reading a lock’s events from Seam', () => {
  it('reads on from its cursor without skipping or repeating events that share an instant', async () => {
    const lock = seam.addLock({ name: 'Room 303' });
    const at = new Date().toISOString();
    for (const n of [1, 2, 3]) {
      seamReports({
        deviceId: lock,
        type: 'lock.unlocked',
        occurredAt: minutes(CHECK_IN, n),
        createdAt: at,
        method: 'manual',
      });
    }
    const first = await adapter().readEvents(lock, null, { limit: 2 });
    expect(first.events).toHaveLength(2);
    const second = await adapter().readEvents(lock, first.cursor, { limit: 2 });
    expect(second.events).toHaveLength(1);
    const ids = [...first.events, ...second.events].map((e) => e.externalEventId);
    expect(new Set(ids).size).toBe(3);
    const third = await adapter().readEvents(lock, second.cursor);
    expect(third).toEqual({ events: [], cursor: second.cursor });

    seamReports({ deviceId: lock, type: 'device.low_battery', occurredAt: minutes(CHECK_IN, 9) });
    const later = await adapter().readEvents(lock, second.cursor);
    expect(later.events.map((e) => [e.type, e.method ?? null, e.code ?? null])).toEqual([
      ['device.low_battery', null, null],
    ]);
  });

  it('reads only this lock’s lock events, with the code Seam named as its reference', async () => {
    const lock = seam.addLock({ name: 'Room 304' });
    const other = seam.addLock({ name: 'Room 305' });
    seamReports({
      deviceId: lock,
      type: 'lock.unlocked',
      occurredAt: minutes(CHECK_IN, 1),
      accessCodeId: 'ac_guest',
      method: 'keycode',
    });
    seamReports({ deviceId: lock, type: 'lock.access_denied', occurredAt: minutes(CHECK_IN, 2) });
    seamReports({ deviceId: lock, type: 'access_code.created', occurredAt: minutes(CHECK_IN, 3) });
    seamReports({ deviceId: other, type: 'lock.unlocked', occurredAt: minutes(CHECK_IN, 4) });
    seamReports({
      deviceId: lock,
      type: 'lock.unlocked',
      occurredAt: minutes(CHECK_IN, 5),
      method: 'automatic',
    });
    const read = await adapter().readEvents(lock, null);
    expect(
      read.events.map((e) => [
        e.type,
        e.occurredAt.toISOString(),
        e.method ?? null,
        e.code ?? null,
      ]),
    ).toEqual([
      ['lock.unlocked', minutes(CHECK_IN, 1).toISOString(), 'keycode', { ref: 'ac_guest' }],
      ['lock.access_denied', minutes(CHECK_IN, 2).toISOString(), 'unknown', null],
      ['lock.unlocked', minutes(CHECK_IN, 5).toISOString(), 'unknown', null],
    ]);
    // Read again from its cursor: nothing is repeated.
    expect((await adapter().readEvents(lock, read.cursor)).events).toEqual([]);
  });
});
