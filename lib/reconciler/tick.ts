import { hostname } from 'node:os';
import pLimit from 'p-limit';
import type { Db } from '@/db/client';
import { syncAlerts } from '@/lib/alerts/alerts';
import { pruneSignInAttempts } from '@/lib/auth/sign-in';
import { refillPools } from '@/lib/backup-pools/pools';
import { discoverDevices } from '@/lib/devices/discovery';
import { dispatchEvents } from '@/lib/events/dispatch';
import { readDueLockEvents } from '@/lib/lock-events/read';
import { pruneLockEvents } from '@/lib/lock-events/retention';
import { logger } from '@/lib/log';
import { deliverDueMessages } from '@/lib/messages/outbox';
import { queueDueGuestCodeMessages } from '@/lib/messages/schedule';
import { transportsFromEnv } from '@/lib/messages/transports';
import { notifyConditions } from '@/lib/notifications/conditions';
import { forecastSlotShortages } from '@/lib/slots/shortages';
import { readDueCalendars } from '@/lib/sources/calendars';
import { programStaffCodes } from '@/lib/staff/codes';
import { recordLastTick } from '@/lib/system-state';
import { webhookTransport } from '@/lib/webhooks/transport';
import { reconcileLock } from './act';
import { claimLocks } from './claim';
import { DEFAULTS, type TickOptions } from './options';
import { Recorder } from './record';

export type { TickOptions } from './options';

/**
 * The reconciler (DESIGN.md "The reconciler"). Each round claims the locks
 * with due work, leases them so no other tick touches them, acts through their
 * adapters (many locks at once, one operation at a time per lock) and records
 * every outcome in one transaction per lock, with the lease's release. A tick
 * killed anywhere loses nothing: an unreleased lease expires and the next tick
 * repeats the work, and adapters are idempotent by Keyhold's code id.
 */

export const INSTANCE_ID = `${hostname()}:${process.pid}`;

/** Webhook deliveries claimed at once (one round of the outbox's 8 sends), and their share of a tick. */
const WEBHOOK_BATCH = 8;
const WEBHOOK_BUDGET_MS = 5_000;

export type TickStats = {
  rounds: number;
  locks: number;
  codesActed: number;
  set: number;
  /** Codes a service behind the adapter (Seam) accepted and is still putting on the lock. */
  pending: number;
  removed: number;
  failed: number;
  synced: number;
  durationMs: number;
  /** Each round's time, claim to last record. */
  roundMs: number[];
  /** The budget ran out with work left: run again soon. */
  more: boolean;
  backupCodesCreated: number;
  /** Devices an adapter listed that Keyhold had not seen (a new or factory-reset lock). */
  locksFound: number;
  /** Locks their adapter no longer lists. */
  locksRemoved: number;
  alertsOpened: number;
  alertsResolved: number;
  /** Guest-code messages and corrections queued this tick (each may go by email and SMS). */
  messagesQueued: number;
  messagesSent: number;
  /** Sends that failed this tick, whether retried later or given up on. */
  messagesFailed: number;
  /** iCal feeds read this tick (changed or not) and the ones that failed. */
  calendarsRead: number;
  calendarsFailed: number;
  /** Stays the feeds created, moved or cancelled this tick. */
  staysFromCalendars: number;
  /** Lock events (entries and other reports) stored this tick, and locks whose read failed. */
  lockEventsStored: number;
  lockEventReadsFailed: number;
  /** Events handed to webhooks and notifications; deliveries and member notifications that made. */
  eventsDispatched: number;
  webhookDeliveriesQueued: number;
  staffNotifications: number;
  /** Staff codes made, moved or deleted to follow people's windows (lib/staff/codes). */
  staffCodes: number;
  /** Locks newly warned this tick that they will run out of code slots (lib/slots). */
  slotShortagesForecast: number;
  /** Milliseconds each step of the tick took (the rounds' claims apart from the rest of the rounds). */
  stepMs: Record<string, number>;
};

export async function runTick(db: Db, options: TickOptions): Promise<TickStats> {
  const started = performance.now();
  const settings = { ...DEFAULTS, ...options, instance: options.instance ?? INSTANCE_ID };
  const locksPerRound = options.locksPerRound ?? settings.concurrency * 8;
  const limit = pLimit(settings.concurrency);
  const stats: TickStats = {
    rounds: 0,
    locks: 0,
    codesActed: 0,
    set: 0,
    pending: 0,
    removed: 0,
    failed: 0,
    synced: 0,
    durationMs: 0,
    roundMs: [],
    more: false,
    backupCodesCreated: 0,
    locksFound: 0,
    locksRemoved: 0,
    alertsOpened: 0,
    alertsResolved: 0,
    messagesQueued: 0,
    messagesSent: 0,
    messagesFailed: 0,
    calendarsRead: 0,
    calendarsFailed: 0,
    staysFromCalendars: 0,
    lockEventsStored: 0,
    lockEventReadsFailed: 0,
    eventsDispatched: 0,
    webhookDeliveriesQueued: 0,
    staffNotifications: 0,
    staffCodes: 0,
    slotShortagesForecast: 0,
    stepMs: {},
  };
  /** Runs one step of the tick and adds its time to `stats.stepMs`. */
  const timed = async <T>(step: string, run: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await run();
    } finally {
      stats.stepMs[step] = Math.round((stats.stepMs[step] ?? 0) + performance.now() - t);
    }
  };

  try {
    // Before the rounds, so a stay a feed brings now has its code programmed this tick.
    const calendars = await timed('calendars', () =>
      readDueCalendars(db, {
        now: settings.now,
        refreshMinutes: settings.calendarRefreshMinutes,
      }),
    );
    stats.calendarsRead = calendars.read + calendars.unchanged;
    stats.calendarsFailed = calendars.failed;
    stats.staysFromCalendars = calendars.created + calendars.updated + calendars.cancelled;
  } catch (error) {
    logger().error({ err: error }, 'reading calendar feeds failed');
  }

  try {
    // First, so a lock found now is read and programmed this tick.
    const discovery = await timed('discovery', () =>
      discoverDevices(db, settings.adapters, settings.now),
    );
    stats.locksFound = discovery.found;
    stats.locksRemoved = discovery.removed;
  } catch (error) {
    logger().error({ err: error }, 'discovering devices failed');
  }

  try {
    const pools = await timed('pools', () => refillPools(db, settings.now));
    stats.backupCodesCreated = pools.created;
  } catch (error) {
    logger().error({ err: error }, 'refilling backup pools failed');
  }

  try {
    // Before the rounds, so a window that needs its code now has it programmed this tick.
    const staff = await timed('staffCodes', () => programStaffCodes(db, settings.now));
    stats.staffCodes = staff.created + staff.moved + staff.deleted;
  } catch (error) {
    logger().error({ err: error }, 'programming staff codes failed');
  }

  while (performance.now() - started < settings.budgetMs) {
    const roundStarted = performance.now();
    const claimed = await timed('claim', () => claimLocks(db, settings, locksPerRound));
    if (claimed.length === 0) break;
    stats.rounds++;
    stats.locks += claimed.length;
    const recorder = new Recorder(db, settings);
    await timed('locks', async () => {
      await Promise.all(
        claimed.map((lock) =>
          limit(async () => {
            try {
              const result = await reconcileLock(lock, settings, db);
              await recorder.add(result);
            } catch (error) {
              // The lease expires and a later tick repeats this lock's work.
              logger().error({ err: error, deviceId: lock.id }, 'reconciling a lock failed');
            }
          }),
        ),
      );
      await recorder.flush();
    });
    stats.codesActed += recorder.totals.acted;
    stats.set += recorder.totals.set;
    stats.pending += recorder.totals.pending;
    stats.removed += recorder.totals.removed;
    stats.failed += recorder.totals.failed;
    stats.synced += recorder.totals.synced;
    stats.roundMs.push(Math.round(performance.now() - roundStarted));
    // A lock that answered again has its waiting codes due now: another round
    // puts them on this tick, so nothing is reported late that is about to go on.
    if (claimed.length < locksPerRound && recorder.totals.back === 0) break;
    stats.more = performance.now() - started >= settings.budgetMs;
  }

  try {
    // After the rounds: an entry with a code set this tick is credited to it.
    const entries = await timed('lockEvents', () =>
      readDueLockEvents(db, settings.adapters, settings.now),
    );
    stats.lockEventsStored = entries.stored;
    stats.lockEventReadsFailed = entries.failed;
  } catch (error) {
    logger().error({ err: error }, 'reading lock events failed');
  }

  try {
    // Events written this tick (entries, codes set or failed) reach webhooks and members now.
    const dispatched = await timed('dispatch', () => dispatchEvents(db, settings.now));
    stats.eventsDispatched = dispatched.events;
    stats.webhookDeliveriesQueued = dispatched.deliveries;
    stats.staffNotifications = dispatched.notifications;
  } catch (error) {
    logger().error({ err: error }, 'dispatching events failed');
  }

  try {
    stats.staffNotifications += await timed('notifyConditions', () =>
      notifyConditions(db, settings.now),
    );
  } catch (error) {
    logger().error({ err: error }, 'notifying members of arrivals and locks failed');
  }

  try {
    // After the rounds, so a code set this tick is messaged this tick.
    const guestCodes = await timed('guestMessages', () =>
      queueDueGuestCodeMessages(db, settings.now),
    );
    stats.messagesQueued = guestCodes.queued + guestCodes.corrections;
  } catch (error) {
    logger().error({ err: error }, 'queueing guest code messages failed');
  }

  try {
    // Webhook deliveries go out through their endpoints; a test's injected transports win.
    const transports = {
      webhook: webhookTransport(db),
      ...(options.transports ?? transportsFromEnv()),
    };
    // Guests and members first, webhooks apart with their own budget: a
    // receiver that hangs (10 s a try) never holds up a guest's code.
    const toPeople = await timed('messages', () =>
      deliverDueMessages(db, {
        now: settings.now,
        transports,
        random: settings.random,
        channels: ['email', 'sms'],
      }),
    );
    const toWebhooks = await timed('messages', () =>
      deliverDueMessages(db, {
        now: settings.now,
        transports,
        random: settings.random,
        channels: ['webhook'],
        batchSize: WEBHOOK_BATCH,
        budgetMs: WEBHOOK_BUDGET_MS,
      }),
    );
    stats.messagesSent = toPeople.sent + toWebhooks.sent;
    stats.messagesFailed =
      toPeople.retrying + toPeople.failed + toWebhooks.retrying + toWebhooks.failed;
  } catch (error) {
    // Messages stay queued (or leased until the lease expires) for the next tick.
    logger().error({ err: error }, 'delivering messages failed');
  }

  try {
    // Before the alerts, so a shortage forecast now is an alert this tick.
    const forecast = await timed('slotForecast', () => forecastSlotShortages(db, settings.now));
    stats.slotShortagesForecast = forecast.warned;
  } catch (error) {
    logger().error({ err: error }, 'forecasting slot shortages failed');
  }

  try {
    // Last, so the alerts reflect what this tick just learned, deliveries included.
    const alerts = await timed('alerts', () => syncAlerts(db, settings.now));
    stats.alertsOpened = alerts.opened;
    stats.alertsResolved = alerts.resolved;
  } catch (error) {
    logger().error({ err: error }, 'updating alerts failed');
  }

  await timed('prune', () => pruneSignInAttempts(db, settings.now));
  try {
    await timed('prune', () => pruneLockEvents(db, settings.now));
  } catch (error) {
    logger().error({ err: error }, 'pruning old events failed');
  }
  stats.durationMs = Math.round(performance.now() - started);
  await recordLastTick(db, {
    startedAt: settings.now.toISOString(),
    finishedAt: new Date(settings.now.getTime() + stats.durationMs).toISOString(),
    durationMs: stats.durationMs,
    instance: settings.instance,
  });
  if (
    stats.locks > 0 ||
    stats.locksFound > 0 ||
    stats.locksRemoved > 0 ||
    stats.alertsOpened > 0 ||
    stats.alertsResolved > 0 ||
    stats.messagesQueued > 0 ||
    stats.messagesSent > 0 ||
    stats.messagesFailed > 0 ||
    stats.staysFromCalendars > 0 ||
    stats.lockEventsStored > 0 ||
    stats.staffCodes > 0 ||
    stats.eventsDispatched > 0 ||
    stats.calendarsFailed > 0
  ) {
    const { roundMs: _rounds, more: _more, stepMs: _steps, ...summary } = stats;
    logger().info({ event: 'tick', ...summary }, 'tick finished');
  }
  return stats;
}
