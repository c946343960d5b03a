import { type Executor, inIds, queryRows, sql } from '@/db/client';
import type { Device, KeyholdEvent } from '@/db/schema';
import { CHECK_OUT_GRACE_MINUTES } from '@/lib/alerts/alerts';
import { stayOfCodeSql } from '@/lib/events/keyhold';
import { type NewEvent, recordEvents } from '@/lib/events/store';
import type { LockEventReport } from '@/lib/locks/adapter';

/**
 * The keys of a lock event's `detail` that other parts read (the stay's page,
 * alerts, notifications, `events/list`): whether the code that opened the door
 * was a backup code, whether a stay's code opened it past its check-out (and the
 * grace the alerts allow, CHECK_OUT_GRACE_MINUTES),
 * and the lock's slot when the lock gave one. Never the digits.
 */
export type LockEventDetail = {
  is_backup_access_code: boolean;
  after_check_out: boolean;
  slot?: number;
};

/** Where a lock's report is stored once: the lock's own id for it, on that device. */
export function lockEventDedupeKey(deviceId: string, externalEventId: string): string {
  return `lock:${deviceId}:${externalEventId}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type NamedCode = {
  id: string;
  device_id: string;
  /** The code's reference at the lock, kept after it came off (`access_codes.last_external_ref`). */
  last_external_ref: string | null;
  is_backup: boolean;
  /** The stay: the code's own, or for a pulled backup code the one it was pulled for. */
  stay_id: string | null;
  stay_ends_at: string | Date | null;
};

type LockDevice = Pick<Device, 'id' | 'organizationId'>;

/** Rows per insert: well under Postgres's parameter limit. */
const INSERT_CHUNK = 1000;

/**
 * Store what a lock reported, each report once (by the lock's own event id),
 * in the caller's transaction, and attribute entries. An entry is credited to
 * a code only when the lock named it — by Keyhold's code id (a code on that
 * lock, in that organization), else by the code's reference at the adapter
 * (`access_codes.last_external_ref` on that lock, kept after the code
 * came off) — never by guessing: an entry
 * the lock did not name is stored with no code ("unlocked at the keypad,
 * code unknown"). Returns the events written now.
 */
export async function storeLockEvents(
  tx: Executor,
  device: LockDevice,
  reports: LockEventReport[],
): Promise<KeyholdEvent[]> {
  return storeLockEventBatches(tx, [{ device, reports }]);
}

/** `storeLockEvents` for many locks at once: one lookup of the named codes, a few inserts. */
export async function storeLockEventBatches(
  tx: Executor,
  batches: { device: LockDevice; reports: LockEventReport[] }[],
): Promise<KeyholdEvent[]> {
  const withReports = batches.filter((b) => b.reports.length > 0);
  if (withReports.length === 0) return [];
  const codes = await namedCodes(tx, withReports);
  const byId = new Map(codes.map((c) => [`${c.device_id}:${c.id}`, c]));
  // Several codes may once have had one reference on a lock: the newest is the one it names.
  const byRef = new Map<string, NamedCode>();
  for (const c of codes) {
    const key = `${c.device_id}:${c.last_external_ref}`;
    if (c.last_external_ref && !byRef.has(key)) byRef.set(key, c);
  }

  const seen = new Set<string>();
  const batch: NewEvent[] = [];
  for (const { device, reports } of withReports) {
    for (const report of reports) {
      const dedupeKey = lockEventDedupeKey(device.id, report.externalEventId);
      if (seen.has(dedupeKey)) continue;
      seen.add(dedupeKey);
      const named = report.code;
      const code =
        (named?.keyholdCodeId
          ? byId.get(`${device.id}:${named.keyholdCodeId.toLowerCase()}`)
          : undefined) ?? (named?.ref ? byRef.get(`${device.id}:${named.ref}`) : undefined);
      const entry = report.type === 'lock.unlocked';
      const endsAt = code?.stay_ends_at ? new Date(code.stay_ends_at) : null;
      const detail: LockEventDetail = {
        is_backup_access_code: code?.is_backup ?? false,
        // Past the same grace the alert on a code left on the lock allows.
        after_check_out:
          entry &&
          endsAt !== null &&
          report.occurredAt.getTime() >= endsAt.getTime() + CHECK_OUT_GRACE_MINUTES * 60_000,
        ...(typeof named?.slot === 'number' ? { slot: named.slot } : {}),
      };
      batch.push({
        organizationId: device.organizationId,
        eventType: report.type,
        occurredAt: report.occurredAt,
        deviceId: device.id,
        accessCodeId: code?.id ?? null,
        reservationId: code?.stay_id ?? null,
        method:
          report.type === 'lock.unlocked' || report.type === 'lock.access_denied'
            ? (report.method ?? 'unknown')
            : null,
        detail,
        dedupeKey,
      });
    }
  }
  batch.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
  const written: KeyholdEvent[] = [];
  for (let i = 0; i < batch.length; i += INSERT_CHUNK) {
    written.push(...(await recordEvents(tx, batch.slice(i, i + INSERT_CHUNK))));
  }
  return written;
}

/** The codes the reports name, each on the lock that named it, in that lock's organization. */
async function namedCodes(
  tx: Executor,
  batches: { device: LockDevice; reports: LockEventReport[] }[],
): Promise<NamedCode[]> {
  const ids = new Set<string>();
  const refs = new Set<string>();
  const locks: { organization_id: string; device_id: string }[] = [];
  for (const { device, reports } of batches) {
    let names = false;
    for (const r of reports) {
      const id = r.code?.keyholdCodeId;
      // A lock may hand back anything; only a well-formed id can name a code.
      if (id && UUID.test(id)) {
        ids.add(id.toLowerCase());
        names = true;
      }
      if (r.code?.ref) {
        refs.add(r.code.ref);
        names = true;
      }
    }
    if (names) locks.push({ organization_id: device.organizationId, device_id: device.id });
  }
  if (locks.length === 0) return [];
  return queryRows<NamedCode>(
    tx,
    sql`
      select c.id, c.device_id, c.last_external_ref, c.is_backup,
             r.id as stay_id, r.ends_at as stay_ends_at
        from jsonb_to_recordset(${JSON.stringify(locks)}::jsonb)
               as l(organization_id uuid, device_id uuid)
        join access_codes c
          on c.organization_id = l.organization_id and c.device_id = l.device_id
        left join reservations r
          on r.id = ${stayOfCodeSql('c')}
         and r.organization_id = c.organization_id
       where ${inIds(sql`c.id`, [...ids])}
          or c.last_external_ref = any(${`{${[...refs].map(arrayItem).join(',')}}`}::text[])
       order by c.created_at desc`,
  );
}

/** One element of a Postgres text array literal, quoted. */
function arrayItem(value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}
