import type { AdapterResolver } from '@/lib/locks/adapter';
import type { Transports } from '@/lib/messages/transport-types';

export type TickOptions = {
  now: Date;
  adapters: AdapterResolver;
  /** Locks worked on at once. */
  concurrency?: number;
  /** Locks claimed per round. */
  locksPerRound?: number;
  /** Most codes acted on per lock per round. */
  codesPerLock?: number;
  leaseMs?: number;
  /** How often each lock's actual codes are read back. */
  syncIntervalMs?: number;
  /** Stop starting new rounds after this long; the rest waits for the next tick. */
  budgetMs?: number;
  instance?: string;
  random?: () => number;
  /** Locks whose outcomes are written in one transaction. */
  recordBatch?: number;
  /** Fault injection for tests: runs inside each record transaction, before commit. */
  beforeCommit?: (deviceIds: string[]) => void | Promise<void>;
  /** Where guest messages go; from the environment (SMTP or the log) unless given. */
  transports?: Transports;
  /** How often each iCal feed is read (CALENDAR_REFRESH_MINUTES). */
  calendarRefreshMinutes?: number;
};

export const DEFAULTS = {
  concurrency: 32,
  recordBatch: 32,
  codesPerLock: 50,
  leaseMs: 120_000,
  syncIntervalMs: 5 * 60_000,
  budgetMs: 10_000,
  calendarRefreshMinutes: 10,
};

export type Settings = typeof DEFAULTS & TickOptions & { instance: string };
