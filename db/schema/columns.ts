import { sql } from 'drizzle-orm';
import { jsonb, timestamp, uuid } from 'drizzle-orm/pg-core';

/** An error or warning as Seam shapes it: `{ error_code | warning_code, message, created_at }`. */
export type Issue = {
  code: string;
  message: string;
  createdAt: string;
  /** Extra fields some issues carry, e.g. `change_type` on conflicting_external_modification. */
  detail?: Record<string, unknown>;
};

export const id = () => uuid('id').primaryKey().default(sql`gen_random_uuid()`);

/** Millisecond precision, so a JavaScript Date read back compares equal (page cursors rely on it). */
export const createdAt = () =>
  timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow();

export const updatedAt = () =>
  timestamp('updated_at', { withTimezone: true })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date());

export const issues = (name: 'errors' | 'warnings') =>
  jsonb(name).$type<Issue[]>().notNull().default(sql`'[]'::jsonb`);
