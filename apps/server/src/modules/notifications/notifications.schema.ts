import { bigserial, boolean, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
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

// notifications (#21): a browser's Web Push subscription; a push service's 404/410 deletes it
export const pushSubscriptions = pgTable(
  'push_subscriptions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    /** The push service's URL for this browser (RFC 8030); unique: a browser re-subscribing as another user moves it. */
    endpoint: text('endpoint').notNull(),
    /** The browser's P-256 public key and auth secret, base64url (RFC 8291). */
    p256dh: text('p256dh').notNull(),
    auth: text('auth').notNull(),
    userAgent: text('user_agent'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('push_subscriptions_endpoint').on(t.endpoint), index('push_subscriptions_user_idx').on(t.userId)],
);

// notifications (#21): which channels a user wants; no row means every channel on
export const notificationPrefs = pgTable('notification_prefs', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id),
  push: boolean('push').notNull().default(true),
  whatsapp: boolean('whatsapp').notNull().default(true),
  inApp: boolean('in_app').notNull().default(true),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});
