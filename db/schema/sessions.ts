import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id } from './columns';
import { users } from './organizations';

/**
 * One row per sign-in. The session cookie carries only this row's id (`sid`)
 * and the user id; the row is what makes it valid, so revoking it ends the
 * session on every app instance at the next request.
 */
export const userSessions = pgTable(
  'user_sessions',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    /** Updated at most once a minute, so a busy page does not write on every request. */
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, precision: 3 }).notNull(),
    /** Absolute end: refreshing the cookie never moves it. */
    expiresAt: timestamp('expires_at', { withTimezone: true, precision: 3 }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, precision: 3 }),
    /** The browser's user agent, trimmed; for "Your sessions" only. */
    userAgent: text('user_agent'),
    /** The client address when a trusted proxy gives one, else null. */
    ip: text('ip'),
  },
  (t) => [index('user_sessions_user_idx').on(t.userId, t.expiresAt)],
);

export type UserSession = typeof userSessions.$inferSelect;
