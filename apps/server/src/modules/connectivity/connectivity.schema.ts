import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../identity/identity.schema';

/** connectivity: the tables this module owns. Only this module's *.repo.ts queries them; another module's schema may reference them for a foreign key. */

// connectivity: the /check self-test's reports, found by a short id a user gives to support
export const connectivityReports = pgTable(
  'connectivity_reports',
  {
    id: text('id').primaryKey(),
    userId: uuid('user_id').references(() => users.id),
    overall: text('overall', { enum: ['pass', 'warn', 'fail', 'skipped'] }).notNull(),
    results: jsonb('results').$type<Record<string, unknown>>().notNull(),
    ip: text('ip'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  // Support's timeline (#18): a person's reports, newest first.
  // The ops dashboard's rollup reads a range of minutes (#18).
  (t) => [index('connectivity_reports_user_idx').on(t.userId, t.createdAt), index('connectivity_reports_created_idx').on(t.createdAt)],
);
