import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  time,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, id, updatedAt } from './columns';

export const importedCodePolicy = pgEnum('imported_code_policy', [
  'random',
  'phone_last_4',
  'phone_last_6',
]);

export const memberRole = pgEnum('member_role', ['admin', 'owner', 'front_desk']);

export const organizations = pgTable('organizations', {
  id: id(),
  name: text('name').notNull(),
  /** Default for new properties; each property keeps its own zone. */
  timeZone: text('time_zone').notNull().default('UTC'),
  defaultCheckInTime: time('default_check_in_time').notNull().default('15:00'),
  defaultCheckOutTime: time('default_check_out_time').notNull().default('11:00'),
  /** Minutes before `starts_at` a time-bound code is programmed (the guide says 30). */
  programmingLeadMinutes: integer('programming_lead_minutes').notNull().default(30),
  backupPoolSize: integer('backup_pool_size').notNull().default(5),
  /** Minutes before arrival the guest code message goes out, once the code is set. */
  guestMessageLeadMinutes: integer('guest_message_lead_minutes').notNull().default(1440),
  /** Minutes before check-in a pulled backup code may already open the door (early arrivals). */
  earlyArrivalMinutes: integer('early_arrival_minutes').notNull().default(0),
  /** What the desk is told to do when no code can work (a reset or offline lock). */
  deskFallbackText: text('desk_fallback_text')
    .notNull()
    .default('Let the guest in with a key, or call maintenance.'),
  /**
   * Digits for stays a reservation source makes: random, or the guest's
   * phone's last 4 or 6 digits where those make a good code (lib/sources/code-policy.ts).
   */
  importedCodePolicy: importedCodePolicy('imported_code_policy').notNull().default('random'),
  /** Days events (entries and Keyhold's own) are kept. */
  lockEventRetentionDays: integer('lock_event_retention_days').notNull().default(90),
  /**
   * Local time on the day of check-in after which a stay with no entry yet
   * needs attention (e.g. 22:00 in the property's zone); null: off.
   */
  noEntryAlertTime: time('no_entry_alert_time'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const users = pgTable(
  'users',
  {
    id: id(),
    /** Stored lowercased; compared lowercased. */
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('users_email_key').on(t.email),
    check('users_email_lowercase', sql`${t.email} = lower(${t.email})`),
  ],
);

export const memberships = pgTable(
  'memberships',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: memberRole('role').notNull(),
    /**
     * Set when this organization's admin disabled the member here. Per
     * membership, so an admin can always disable their own member without
     * touching the account's other organizations.
     */
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('memberships_organization_user_key').on(t.organizationId, t.userId),
    index('memberships_user_idx').on(t.userId),
  ],
);

/**
 * An admin's offer of a membership to an email. Every add from Settings makes
 * one, whether or not the email has an account, so the admin learns nothing
 * about other organizations' people; the person accepts through a one-time
 * link (only a SHA-256 of its token is stored). At most one live invitation
 * per organization and email.
 */
export const membershipInvitations = pgTable(
  'membership_invitations',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /** Stored lowercased. */
    email: text('email').notNull(),
    /** The name the admin gave; used only if the person creates their account from the link. */
    name: text('name').notNull(),
    role: memberRole('role').notNull(),
    tokenHash: text('token_hash').notNull(),
    invitedByUserId: uuid('invited_by_user_id').references(() => users.id, {
      onDelete: 'set null',
    }),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('membership_invitations_token_key').on(t.tokenHash),
    uniqueIndex('membership_invitations_live_key')
      .on(t.organizationId, t.email)
      .where(sql`${t.acceptedAt} is null and ${t.revokedAt} is null`),
    check('membership_invitations_email_lowercase', sql`${t.email} = lower(${t.email})`),
  ],
);

/** Failed and successful sign-ins, for rate limiting across app instances. No passwords. */
export const signInAttempts = pgTable(
  'sign_in_attempts',
  {
    id: id(),
    email: text('email').notNull(),
    ip: text('ip').notNull(),
    /**
     * Where the attempt came from, as far as Keyhold can tell: a browser that
     * signed in as this email before (`device:…`), else a trusted address
     * (`ip:…`), else `unknown`. Failures refuse only their own source.
     */
    source: text('source').notNull().default('unknown'),
    succeeded: boolean('succeeded').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('sign_in_attempts_email_idx').on(t.email, t.createdAt).where(sql`not ${t.succeeded}`),
    index('sign_in_attempts_source_idx').on(t.email, t.source, t.createdAt),
    index('sign_in_attempts_ip_idx').on(t.ip, t.createdAt).where(sql`not ${t.succeeded}`),
  ],
);

export type ImportedCodePolicy = (typeof importedCodePolicy.enumValues)[number];
export type Organization = typeof organizations.$inferSelect;
export type User = typeof users.$inferSelect;
export type Membership = typeof memberships.$inferSelect;
export type MembershipInvitation = typeof membershipInvitations.$inferSelect;
export type MemberRole = (typeof memberRole.enumValues)[number];
