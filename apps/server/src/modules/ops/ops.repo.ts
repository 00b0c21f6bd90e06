import { and, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import type { RollupFact } from '../../platform/rollup-facts';
import { ceilTo, DAY_MS, floorTo } from './ops.rules';
import { opsNodes, opsRollupDay, opsRollupHour, opsRollupMinute, opsRollupState } from './ops.schema';

export type { RollupFact } from '../../platform/rollup-facts';

const rowsOf = <T>(res: unknown) => (res as { rows: T[] }).rows;
const likeAny = (column: unknown, prefixes: readonly string[]) => sql`(${sql.join(prefixes.map((p) => sql`${column} like ${`${p}%`}`), sql` or `)})`;
// One rollup writer at a time across nodes: two runs interleaving delete and insert would double a minute.
const ROLLUP_LOCK = 7_060_001;
const CHUNK = 1_000;

/** The only code that touches the ops module's tables. */
export function createOpsRepo(db: Db) {
  return {
    db,
    async doneUntil(source: string): Promise<Date | null> {
      const [row] = await db.select().from(opsRollupState).where(eq(opsRollupState.source, source));
      return row?.doneUntil ?? null;
    },

    /**
     * Rewrites a source's minutes in [since, until) from `read` (run inside the transaction, so what it reads and what
     * is written agree), then the hours those minutes fall in from the minutes, then the UTC days those hours fall in
     * from the hours; moves the source's mark forward only.
     */
    async rewrite(source: { name: string; prefixes: readonly string[] }, range: { since: Date; until: Date; hourSince: Date; hourUntil: Date; daySince: Date; dayUntil: Date }, read: (tx: Tx) => Promise<RollupFact[]>, advance: boolean): Promise<number> {
      return db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(${ROLLUP_LOCK})`);
        const facts = await read(tx);
        await tx.delete(opsRollupMinute).where(and(gte(opsRollupMinute.bucket, range.since), lt(opsRollupMinute.bucket, range.until), likeAny(opsRollupMinute.metric, source.prefixes)));
        for (let i = 0; i < facts.length; i += CHUNK) await tx.insert(opsRollupMinute).values(facts.slice(i, i + CHUNK));
        await tx.delete(opsRollupHour).where(and(gte(opsRollupHour.bucket, range.hourSince), lt(opsRollupHour.bucket, range.hourUntil), likeAny(opsRollupHour.metric, source.prefixes)));
        await tx.execute(sql`insert into ops_rollup_hour (bucket, metric, dim, value)
          select date_trunc('hour', bucket), metric, dim, sum(value) from ops_rollup_minute
          where bucket >= ${range.hourSince.toISOString()}::timestamptz and bucket < ${range.hourUntil.toISOString()}::timestamptz and (${likeAny(sql.raw('metric'), source.prefixes)})
          group by 1, 2, 3`);
        await tx.delete(opsRollupDay).where(and(gte(opsRollupDay.bucket, range.daySince), lt(opsRollupDay.bucket, range.dayUntil), likeAny(opsRollupDay.metric, source.prefixes)));
        await tx.execute(sql`insert into ops_rollup_day (bucket, metric, dim, value)
          select date_trunc('day', bucket, 'UTC'), metric, dim, sum(value) from ops_rollup_hour
          where bucket >= ${range.daySince.toISOString()}::timestamptz and bucket < ${range.dayUntil.toISOString()}::timestamptz and (${likeAny(sql.raw('metric'), source.prefixes)})
          group by 1, 2, 3`);
        if (advance) {
          await tx
            .insert(opsRollupState)
            .values({ source: source.name, doneUntil: range.until })
            .onConflictDoUpdate({ target: opsRollupState.source, set: { doneUntil: sql`greatest(${opsRollupState.doneUntil}, excluded.done_until)` } });
        }
        return facts.length;
      });
    },

    /** Minute rows older than `before` go (the hours keep the history). */
    async pruneMinutes(before: Date): Promise<void> {
      await db.delete(opsRollupMinute).where(lt(opsRollupMinute.bucket, before));
    },

    /** Per-minute sums of these metrics in [since, until), split by dim. */
    async minutes(metrics: readonly string[], since: Date, until: Date): Promise<RollupFact[]> {
      const rows = await db
        .select({ bucket: opsRollupMinute.bucket, metric: opsRollupMinute.metric, dim: opsRollupMinute.dim, value: opsRollupMinute.value })
        .from(opsRollupMinute)
        .where(and(inArray(opsRollupMinute.metric, [...metrics]), gte(opsRollupMinute.bucket, since), lt(opsRollupMinute.bucket, until)));
      return rows.map((r) => ({ ...r, value: Number(r.value) }));
    },

    /**
     * Totals of these metrics over [since, until) (whole hours), per UTC day when asked: the whole UTC days inside the
     * range from the day rows, the hours before and after them from the hour rows. So a week costs 7 days' rows plus at
     * most two partial days' hours, however the range falls (#18).
     */
    async totals(metrics: readonly string[], since: Date, until: Date, perDay: boolean): Promise<{ day: string; metric: string; dim: string; value: number }[]> {
      const day = perDay ? sql`to_char(bucket at time zone 'UTC', 'YYYY-MM-DD')` : sql`''`;
      const names = sql`${sql.param([...metrics])}::text[]`;
      const iso = (d: Date) => sql`${d.toISOString()}::timestamptz`;
      const daysFrom = ceilTo(since, DAY_MS);
      const daysTo = floorTo(until, DAY_MS);
      const hours = (from: Date, to: Date) => sql`select bucket, metric, dim, value from ops_rollup_hour where metric = any(${names}) and bucket >= ${iso(from)} and bucket < ${iso(to)}`;
      const parts =
        daysFrom < daysTo
          ? sql`${hours(since, daysFrom)} union all select bucket, metric, dim, value from ops_rollup_day where metric = any(${names}) and bucket >= ${iso(daysFrom)} and bucket < ${iso(daysTo)} union all ${hours(daysTo, until)}`
          : hours(since, until);
      const res = await db.execute(sql`select ${day} as day, metric, dim, sum(value)::bigint as value from (${parts}) r group by 1, 2, 3`);
      return rowsOf<{ day: string; metric: string; dim: string; value: string | number }>(res).map((r) => ({ day: r.day, metric: r.metric, dim: r.dim, value: Number(r.value) }));
    },

    async saveNode(node: typeof opsNodes.$inferInsert): Promise<void> {
      await db.insert(opsNodes).values(node).onConflictDoUpdate({ target: opsNodes.id, set: { sockets: node.sockets, lagMs: node.lagMs, rssMiB: node.rssMiB, version: node.version, seenAt: node.seenAt } });
    },
    /** Nodes seen since `since` (a node that stopped reporting drops off the tile). */
    async nodesSeenSince(since: Date) {
      return db.select().from(opsNodes).where(gte(opsNodes.seenAt, since)).orderBy(opsNodes.id);
    },
  };
}
export type OpsRepo = ReturnType<typeof createOpsRepo>;
