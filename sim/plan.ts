/**
 * What a simulated period holds, drawn from a seed: the locks, the stays
 * booked on them (back to back, overlapping, returning guests asking for their
 * last digits) and what goes wrong (a lock offline across check-ins, codes
 * deleted at the keypad, a factory reset with guests in house, a full lock,
 * stays changed and deleted, backups pulled at the desk). Times are seconds
 * from the simulation's start. Pure: the same seed plans the same period.
 */

export type PlanOptions = {
  seed: number;
  /** Simulated length in seconds. */
  seconds: number;
  locks: number;
  stays: number;
  faults: boolean;
};

export type PlannedLock = {
  index: number;
  name: string;
  /** Keeps each code's window itself, so codes go on 72 h ahead. */
  native: boolean;
  slotLimit: number;
  pool: boolean;
  /** The lock more stays overlap on than it has free slots. */
  full: boolean;
};

export type PlannedStay = {
  index: number;
  lock: number;
  guest: string;
  bookAt: number;
  checkIn: number;
  checkOut: number;
  /** A returning guest asks for their previous stay's digits (the stay's index). */
  reuseDigitsOf?: number;
};

export type PlannedEvent =
  | { at: number; kind: 'offline'; lock: number; online: boolean }
  | { at: number; kind: 'keypad_removal'; stay: number }
  | { at: number; kind: 'factory_reset'; lock: number }
  | { at: number; kind: 'replace'; lock: number }
  | { at: number; kind: 'change'; stay: number; checkIn: number; checkOut: number }
  | { at: number; kind: 'delete'; stay: number }
  | { at: number; kind: 'pull'; stay: number };

export type Plan = {
  locks: PlannedLock[];
  stays: PlannedStay[];
  events: PlannedEvent[];
  /** When each planned fault keeps a lock from being judged: [from, to) in seconds. */
  faultWindows: { lock: number; from: number; to: number; kind: string }[];
};

/** mulberry32: a small, fast, seedable generator; every draw follows from the seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function planPeriod(options: PlanOptions): Plan {
  const random = seededRandom(options.seed);
  const between = (low: number, high: number) => Math.round(low + random() * (high - low));
  const chance = (p: number) => random() < p;
  const hours = options.seconds / 3600;
  // Stays and faults are scaled to the period: a busy hour has 1–3 minute
  // stays booked minutes ahead; a month has stays of days booked days ahead.
  const long = hours > 48;

  const locks: PlannedLock[] = Array.from({ length: options.locks }, (_, index) => {
    const full = options.faults && index === 0;
    return {
      index,
      name: `Room ${101 + index}`,
      native: !full && index % 2 === 1,
      slotLimit: full ? 8 : 20,
      pool: full || index % 3 === 0,
      full,
    };
  });

  const stays: PlannedStay[] = [];
  const normalLocks = locks.filter((l) => !l.full);
  const fullLock = locks.find((l) => l.full);
  const fullStays = fullLock ? Math.min(9, Math.max(6, Math.round(options.stays / 20))) : 0;
  const perLock = (options.stays - fullStays) / Math.max(1, normalLocks.length);
  const start = 60;
  const end = options.seconds - (long ? 3600 : 120);

  let remaining = options.stays - fullStays;
  for (const [n, lock] of normalLocks.entries()) {
    const count = Math.min(
      remaining,
      Math.floor(perLock) + (n < Math.round((perLock % 1) * normalLocks.length) ? 1 : 0),
    );
    remaining -= count;
    const chain = long ? hotelStays(count, end) : busyStays(count, start, end);
    let previous: PlannedStay | undefined;
    for (const { checkIn, checkOut, lead } of chain) {
      const backToBack =
        previous !== undefined && checkIn - previous.checkOut < (long ? 86_400 : 1);
      const stay: PlannedStay = {
        index: stays.length,
        lock: lock.index,
        guest: `Guest ${stays.length + 1}`,
        bookAt: Math.max(0, checkIn - lead),
        checkIn,
        checkOut,
        ...(backToBack && previous && chance(0.4) ? { reuseDigitsOf: previous.index } : {}),
      };
      if (stay.checkIn - stay.bookAt < 45) stay.bookAt = Math.max(0, stay.checkIn - 45);
      if (stay.checkIn - stay.bookAt < 45) continue;
      stays.push(stay);
      previous = stay;
    }
  }

  /**
   * A busy hour: 1–3 minute stays back to back (35%), overlapping (10%) or
   * with a gap, booked 45–300 s ahead.
   */
  function busyStays(count: number, from: number, to: number) {
    const chain: { checkIn: number; checkOut: number; lead: number }[] = [];
    const slot = (to - from) / Math.max(1, count);
    let checkIn = from + between(0, Math.round(slot / 3));
    for (let i = 0; i < count && checkIn < to - 30; i++) {
      const length = Math.max(60, Math.round(slot * (0.5 + random() * 0.4)));
      const checkOut = Math.min(to, checkIn + length);
      chain.push({ checkIn, checkOut, lead: between(45, 300) });
      const shape = random();
      if (shape < 0.35) checkIn = checkOut;
      else if (shape < 0.45) checkIn = checkOut - Math.round(length * 0.2);
      else checkIn = checkIn + Math.max(Math.round(slot), length);
    }
    return chain;
  }

  /**
   * A hotel month: 1 (80%), 2 or 3 nights from 15:00 to 11:00 in the
   * property's zone (America/New_York: 20:00 and 16:00 UTC in December), the
   * next guest the same afternoon (95%) or a day later; booked 1 h to 5 days
   * ahead (80%) or in the last minutes (20%).
   */
  function hotelStays(count: number, to: number) {
    const chain: { checkIn: number; checkOut: number; lead: number }[] = [];
    const day = 86_400;
    // The simulation starts at 15:00 UTC, 10:00 in New York: check-in is 5 h later.
    let checkIn = 5 * 3600 + between(0, 1) * day;
    for (let i = 0; i < count && checkIn < to; i++) {
      const nights = chance(0.8) ? 1 : chance(0.67) ? 2 : 3;
      const checkOut = checkIn + nights * day - 4 * 3600;
      if (checkOut > to) break;
      const lead = chance(0.8) ? between(3600, 5 * day) : between(45, 300);
      chain.push({ checkIn, checkOut, lead });
      checkIn = checkOut + 4 * 3600 + (chance(0.95) ? 0 : day);
    }
    return chain;
  }
  if (fullLock) {
    // More guests at once than the lock has slots free beside its pool: a
    // group arriving minutes apart, staying a fifth to half of a busy hour,
    // or one to three nights of a month.
    const from = start + Math.round((end - start) * 0.2);
    const span = long ? 3 * 86_400 : end - from;
    for (let i = 0; i < fullStays; i++) {
      const checkIn = from + i * between(10, 40) * (long ? 60 : 1);
      const checkOut = checkIn + between(Math.round(span * 0.15), Math.round(span * 0.5));
      stays.push({
        index: stays.length,
        lock: fullLock.index,
        guest: `Guest ${stays.length + 1}`,
        bookAt: Math.max(0, checkIn - between(45, 300)),
        checkIn,
        checkOut: Math.min(end, checkOut),
      });
    }
  }

  const events: PlannedEvent[] = [];
  const faultWindows: Plan['faultWindows'] = [];
  if (options.faults && normalLocks.length >= 3) {
    const onLock = (lock: number) => stays.filter((s) => s.lock === lock);
    const scale = long ? 60 : 1;

    // A lock offline across a check-in.
    const offlineLock = normalLocks[1 % normalLocks.length];
    const arrival = offlineLock ? onLock(offlineLock.index)[1] : undefined;
    if (offlineLock && arrival) {
      const from = Math.max(1, arrival.checkIn - between(60, 120) * scale);
      const to = arrival.checkIn + between(120, 300) * scale;
      events.push({ at: from, kind: 'offline', lock: offlineLock.index, online: false });
      events.push({ at: to, kind: 'offline', lock: offlineLock.index, online: true });
      faultWindows.push({ lock: offlineLock.index, from, to, kind: 'offline' });
    }

    // A factory reset with guests in house, then the admin replaces the lock.
    const resetLock = normalLocks[2 % normalLocks.length];
    if (resetLock && resetLock !== offlineLock) {
      const guests = onLock(resetLock.index);
      const inHouse = guests[Math.min(1, guests.length - 1)];
      if (inHouse) {
        const at = Math.round((inHouse.checkIn + inHouse.checkOut) / 2);
        const replaceAt = at + between(40, 90) * scale;
        events.push({ at, kind: 'factory_reset', lock: resetLock.index });
        events.push({ at: replaceAt, kind: 'replace', lock: resetLock.index });
        faultWindows.push({ lock: resetLock.index, from: at, to: replaceAt + 60, kind: 'reset' });
      }
    }

    const faulted = new Set(faultWindows.map((w) => w.lock));
    const candidates = stays.filter((s) => !faulted.has(s.lock) && !locks[s.lock]?.full);
    for (const stay of candidates) {
      const length = stay.checkOut - stay.checkIn;
      const roll = random();
      if (roll < 0.04) {
        events.push({
          at: stay.checkIn + Math.round(length * (0.2 + random() * 0.4)),
          kind: 'keypad_removal',
          stay: stay.index,
        });
      } else if (roll < 0.1) {
        // Deleted before check-in or while in house.
        events.push({
          at: between(stay.bookAt + 1, stay.checkOut - 10),
          kind: 'delete',
          stay: stay.index,
        });
      } else if (roll < 0.2) {
        const at = between(stay.bookAt + 1, stay.checkIn + Math.round(length / 2));
        const begun = at >= stay.checkIn;
        const shift = Math.round(length * (random() - 0.5));
        const checkOut = Math.max(at + 30, stay.checkOut + Math.round(length * (random() - 0.4)));
        events.push({
          at,
          kind: 'change',
          stay: stay.index,
          // A stay in house keeps its check-in; one not yet begun may move whole.
          checkIn: begun ? stay.checkIn : Math.max(at + 45, stay.checkIn + shift),
          checkOut: begun ? checkOut : Math.max(at + 90, stay.checkOut + shift),
        });
      } else if (roll < 0.32 && locks[stay.lock]?.pool) {
        const pullAt = stay.checkIn + Math.round(length * (0.1 + random() * 0.3));
        events.push({ at: pullAt, kind: 'pull', stay: stay.index });
        // Half the stays a backup was pulled for are deleted afterwards.
        if (chance(0.5)) {
          events.push({
            at: between(pullAt + 5, stay.checkOut - 5),
            kind: 'delete',
            stay: stay.index,
          });
        }
      }
    }
  }
  events.sort((a, b) => a.at - b.at);
  return { locks, stays, events, faultWindows };
}
