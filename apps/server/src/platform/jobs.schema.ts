import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/** platform: the durable jobs table (platform/jobs.ts). */

// platform: durable jobs. Enqueued in the same transaction as the change that needs them.
export const jobs = pgTable(
  'jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    queue: text('queue').notNull(),
    payload: jsonb('payload').notNull(),
    /** Unique when set: a second enqueue with the same key is a no-op, forever (not only while pending). */
    dedupeKey: text('dedupe_key'),
    /** parked: its payload no longer matches its queue's schema; never run or retried (decision 036). No CHECK in SQL. */
    state: text('state', { enum: ['queued', 'running', 'done', 'failed', 'parked'] }).notNull().default('queued'),
    runAt: timestamp('run_at', { withTimezone: true }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(8),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('jobs_dedupe_key').on(t.dedupeKey),
    index('jobs_due_idx').on(t.runAt).where(sql`state in ('queued', 'running')`),
    // The ops dashboard counts and lists failed jobs (platform/jobs.admin.ts) without reading finished ones.
    index('jobs_failed_idx').on(t.finishedAt).where(sql`state = 'failed'`),
    // Support's timeline (#18) lists a person's deliveries (a push names its user) without reading everyone's jobs.
    index('jobs_user_idx').on(sql`(${t.payload}->>'userId')`, t.createdAt).where(sql`payload->>'userId' is not null`),
  ],
);
