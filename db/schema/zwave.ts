import { sql } from 'drizzle-orm';
import {
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { id } from './columns';
import { adapterConnections } from './devices';

/**
 * What the Z-Wave JS adapter remembers of its locks (DESIGN.md "Lock
 * adapters"). A Z-Wave lock holds codes in numbered slots with no name, so
 * the slots are Keyhold's job: each Keyhold code is given a slot on its lock
 * and keeps it, and the record of who held which slot when stays after the
 * code is gone, so a keypad entry reported by slot is credited to the code
 * that held the slot at that moment.
 */
export const zwaveSlotState = pgEnum('zwave_slot_state', [
  /** Sent to the lock, not yet confirmed: the slot is kept for the code meanwhile. */
  'writing',
  /** Written and confirmed by the lock. */
  'set',
  /** Sent to a sleeping lock: the Z-Wave JS driver delivers it when the lock wakes. */
  'queued',
  /** Its clearing sent to a sleeping lock: the slot is the code's until the lock confirms it empty. */
  'clearing',
]);

export const zwaveCodeSlots = pgTable(
  'zwave_code_slots',
  {
    id: id(),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => adapterConnections.id, { onDelete: 'cascade' }),
    /** The lock (devices.external_id): `<home id>-<node id>`. */
    externalId: text('external_id').notNull(),
    slot: integer('slot').notNull(),
    keyholdCodeId: uuid('keyhold_code_id').notNull(),
    /** The digits Keyhold wrote: many locks read them back masked (`****`). */
    code: text('code').notNull(),
    state: zwaveSlotState('state').notNull(),
    /** The slot is the code's from then until `released_at` (null: still). */
    assignedAt: timestamp('assigned_at', { withTimezone: true }).notNull().defaultNow(),
    releasedAt: timestamp('released_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('zwave_code_slots_held_key')
      .on(t.connectionId, t.externalId, t.slot)
      .where(sql`${t.releasedAt} is null`),
    uniqueIndex('zwave_code_slots_code_key')
      .on(t.connectionId, t.externalId, t.keyholdCodeId)
      .where(sql`${t.releasedAt} is null`),
    index('zwave_code_slots_history_idx').on(t.connectionId, t.externalId, t.slot, t.assignedAt),
  ],
);

/**
 * A lock's User Code checksum as last read when Keyhold knew every slot:
 * the same checksum next time means nothing changed at the lock, so the
 * read-back costs one Z-Wave command instead of one per slot.
 */
export const zwaveLocks = pgTable(
  'zwave_locks',
  {
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => adapterConnections.id, { onDelete: 'cascade' }),
    externalId: text('external_id').notNull(),
    /** Null: unknown, the next read-back reads every slot. */
    checksum: integer('checksum'),
    /** When every slot was last read (locks without a checksum are read in full daily). */
    fullReadAt: timestamp('full_read_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.connectionId, t.externalId] })],
);

export type ZwaveCodeSlot = typeof zwaveCodeSlots.$inferSelect;
