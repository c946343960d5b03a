import { type Db, sql } from '@/db/client';
import { logger } from '@/lib/log';
import { queueGuestCodeMessage, stayCodes } from './guest';

/**
 * The tick's step that decides when a guest is sent their code (DESIGN.md
 * "Guest messaging"): from the organization's lead time before arrival, and
 * only once every code of the stay is on its lock — set, or stored there with
 * its schedule by a lock that keeps one. A guest told a code that then changed
 * (digits, lock or dates) gets a correction once the new code is on the lock.
 *
 * Runs after the tick's rounds, so a code set this tick is messaged this
 * tick. Idempotent: a stay whose codes match what the guest was last told is
 * not selected, and two ticks racing queue one message (same cause).
 */
export async function queueDueGuestCodeMessages(
  db: Db,
  now: Date,
): Promise<{ queued: number; corrections: number }> {
  const at = now.toISOString();
  const due = await stayCodes(
    db,
    sql`r.status = 'confirmed'
        and r.ends_at > ${at}::timestamptz
        and (r.guest_email is not null or r.guest_phone is not null)
        and r.starts_at <= ${at}::timestamptz + make_interval(mins => (
          select o.guest_message_lead_minutes from organizations o where o.id = r.organization_id))`,
    sql`s.on_locks and s.digest is distinct from told.digest`,
  );
  let queued = 0;
  let corrections = 0;
  for (const summary of due) {
    try {
      const result = await db.transaction((tx) => queueGuestCodeMessage(tx, summary, {}, now));
      if (result.channels.length === 0) continue;
      if (result.kind === 'code_changed') corrections++;
      else queued++;
    } catch (error) {
      // One stay's bad data (say, a template an admin broke) must not hold up the others.
      logger().error(
        { err: error, reservationId: summary.reservationId },
        'queueing a guest code message failed',
      );
    }
  }
  return { queued, corrections };
}
