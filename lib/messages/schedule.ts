import { type Db, sql } from '@/db/client';
import { logger } from '@/lib/log';
import { queueDueGuestCode } from './guest';
import { stayCodes } from './stay-codes';
import { type StoredTemplate, templatesFor } from './template-store';

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
/**
 * Stays queued per run: each is its own short transaction, and a day with
 * thousands due at once (a lead time raised, a first deploy) must not hold the
 * tick. The rest are still due at the next tick.
 */
export const STAYS_PER_TICK = 200;

export async function queueDueGuestCodeMessages(
  db: Db,
  now: Date,
): Promise<{ queued: number; corrections: number; waiting: number }> {
  const at = now.toISOString();
  const due = await stayCodes(
    db,
    sql`r.status = 'confirmed'
        and r.ends_at > ${at}::timestamptz
        and (r.guest_email is not null or r.guest_phone is not null)
        and r.starts_at <= ${at}::timestamptz + make_interval(mins => o.guest_message_lead_minutes)`,
    sql`s.on_locks and s.digest is distinct from told.digest`,
  );
  let queued = 0;
  let corrections = 0;
  // Templates once per organization, not once per stay.
  const templates = new Map<string, StoredTemplate[]>();
  for (const summary of due.slice(0, STAYS_PER_TICK)) {
    try {
      let own = templates.get(summary.organizationId);
      if (!own) {
        own = await templatesFor(db, summary.organizationId);
        templates.set(summary.organizationId, own);
      }
      const result = await queueDueGuestCode(
        db,
        summary.organizationId,
        summary.reservationId,
        now,
        own,
      );
      if (!result || result.channels.length === 0) continue;
      if (result.kind === 'code_changed') corrections++;
      else queued++;
    } catch (error) {
      // One stay's bad data must not hold up the others.
      logger().error(
        { err: error, reservationId: summary.reservationId },
        'queueing a guest code message failed',
      );
    }
  }
  return { queued, corrections, waiting: Math.max(0, due.length - STAYS_PER_TICK) };
}
