import { index, pgTable, text, time, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, updatedAt } from './columns';
import { organizations } from './organizations';

export const properties = pgTable(
  'properties',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    address: text('address'),
    /** IANA zone, e.g. America/New_York. Every time shown for this property is in this zone. */
    timeZone: text('time_zone').notNull(),
    checkInTime: time('check_in_time').notNull().default('15:00'),
    checkOutTime: time('check_out_time').notNull().default('11:00'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('properties_organization_idx').on(t.organizationId, t.name)],
);

export type Property = typeof properties.$inferSelect;
