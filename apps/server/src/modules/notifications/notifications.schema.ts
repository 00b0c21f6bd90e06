import { bigserial, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../identity/identity.schema';

/** notifications: the tables this module owns. Only this module's *.repo.ts queries them; another module's schema may reference them for a foreign key. */

// notifications: what the app shows a user (booking made, reminders, …); other channels go through the outbox
export const userNotifications = pgTable(
  'user_notifications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    kind: text('kind').notNull(),
    text: text('text').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    /** Unique when set: the same logical notice is shown once (a reminder job retried, say). */
    dedupeKey: text('dedupe_key'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    readAt: timestamp('read_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('user_notifications_dedupe_key').on(t.dedupeKey), index('user_notifications_user_idx').on(t.userId, t.createdAt)],
);
