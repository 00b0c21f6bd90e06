import { sql } from 'drizzle-orm';
import { bigint, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../identity/identity.schema';

/** privacy: the tables this module owns. Only this module's *.repo.ts queries them. */

/**
 * One data export (issue #20): whose data (`user_id`), who asked (the user, or a guardian for a child), and its life:
 * pending → ready → expired (the sweep deleted the ZIP), or failed. At most one pending export per user (the unique
 * partial index settles two requests at once).
 */
export const dataExports = pgTable(
  'data_exports',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    requestedBy: uuid('requested_by')
      .notNull()
      .references(() => users.id),
    status: text('status', { enum: ['pending', 'ready', 'failed', 'expired'] }).notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    readyAt: timestamp('ready_at', { withTimezone: true }),
    /** When the link stops working and the sweep deletes the file. */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    storageKey: text('storage_key'),
    bytes: bigint('bytes', { mode: 'number' }),
    /** Why building it failed, for operators (never shown to the user). */
    error: text('error'),
  },
  (t) => [
    uniqueIndex('data_exports_one_pending_key').on(t.userId).where(sql`status = 'pending'`),
    index('data_exports_user_idx').on(t.userId, t.requestedAt),
    index('data_exports_expires_idx').on(t.expiresAt).where(sql`status = 'ready'`),
  ],
);

/**
 * One erasure request (issue #20, decision 077): whose account (`user_id`), who asked (the user, or a guardian for a
 * child), and its life: pending (the 14-day grace) → cancelled, or done (the job erased the account; `counts` says
 * how many rows and files per table, never what they held). At most one pending request per user.
 */
export const erasureRequests = pgTable(
  'erasure_requests',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    requestedBy: uuid('requested_by')
      .notNull()
      .references(() => users.id),
    status: text('status', { enum: ['pending', 'cancelled', 'done'] }).notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    /** When the grace period ends and the job erases the account. */
    effectiveAt: timestamp('effective_at', { withTimezone: true }).notNull(),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    cancelledBy: uuid('cancelled_by').references(() => users.id),
    doneAt: timestamp('done_at', { withTimezone: true }),
    counts: jsonb('counts').$type<Record<string, Record<string, number>>>(),
    /** While an erase run holds the request (until then): a second run, a sweep or a cancel leaves it alone; a crashed run's claim runs out. */
    claimedUntil: timestamp('claimed_until', { withTimezone: true }),
  },
  (t) => [uniqueIndex('erasure_requests_one_pending_key').on(t.userId).where(sql`status = 'pending'`), index('erasure_requests_user_idx').on(t.userId, t.requestedAt)],
);
