import { index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../identity/identity.schema';

/** media: the tables this module owns. Only this module's *.repo.ts queries them; another module's schema may reference them for a foreign key. */

// media: how many files each user uploaded per time window (a rate and a daily quota, shared by every node)
export const uploadCounters = pgTable(
  'upload_counters',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** 'minute' or 'day' */
    window: text('window', { enum: ['minute', 'day'] }).notNull(),
    /** The window's start (UTC). */
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    count: integer('count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.userId, t.window, t.startsAt] }), index('upload_counters_starts_idx').on(t.startsAt)],
);
