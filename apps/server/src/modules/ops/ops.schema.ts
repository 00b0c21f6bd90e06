import { bigint, doublePrecision, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** ops: the dashboard's rollups (decision 060). Only this module's *.repo.ts queries them. */

/**
 * One figure per minute: `metric` names it (help.asked, calls.reconnect…), `dim` splits it (a subject, 'browser:Chrome',
 * a claim-time bucket) or is '' for the total. Rewritten whole for the recent minutes by the rollup job, so it is idempotent.
 */
export const opsRollupMinute = pgTable(
  'ops_rollup_minute',
  {
    bucket: timestamp('bucket', { withTimezone: true }).notNull(),
    metric: text('metric').notNull(),
    dim: text('dim').notNull().default(''),
    value: bigint('value', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.metric, t.bucket, t.dim] }), index('ops_rollup_minute_bucket_idx').on(t.bucket)],
);

/** The same figures per hour: the sums of that hour's minutes, rewritten when one of its minutes is. */
export const opsRollupHour = pgTable(
  'ops_rollup_hour',
  {
    bucket: timestamp('bucket', { withTimezone: true }).notNull(),
    metric: text('metric').notNull(),
    dim: text('dim').notNull().default(''),
    value: bigint('value', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.metric, t.bucket, t.dim] })],
);

/**
 * The same figures per UTC day: the sums of that day's hours, rewritten when one of its hours is. The week's and the
 * month's tiles read whole days here, so their cost is a few rows a day rather than 24 (#18, decision 060).
 */
export const opsRollupDay = pgTable(
  'ops_rollup_day',
  {
    bucket: timestamp('bucket', { withTimezone: true }).notNull(),
    metric: text('metric').notNull(),
    dim: text('dim').notNull().default(''),
    value: bigint('value', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.metric, t.bucket, t.dim] })],
);

/** How far each rollup source has been computed: the next run starts a few minutes before it (late commits). */
export const opsRollupState = pgTable('ops_rollup_state', {
  source: text('source').primaryKey(),
  doneUntil: timestamp('done_until', { withTimezone: true }).notNull(),
});

/** Each server node's figures, written by the node every few seconds: the platform tile lists those seen lately. */
export const opsNodes = pgTable('ops_nodes', {
  id: text('id').primaryKey(),
  sockets: integer('sockets').notNull(),
  lagMs: doublePrecision('lag_ms').notNull(),
  rssMiB: doublePrecision('rss_mib').notNull(),
  version: text('version').notNull(),
  seenAt: timestamp('seen_at', { withTimezone: true }).notNull(),
});
