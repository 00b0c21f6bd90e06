import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from './db';
import { jobs } from './jobs.schema';

/** What the ops dashboard reads and does with the durable jobs (#18): counts, the failed list, and a staff retry. */

/** Jobs waiting or running (the due index), and failed ones (their own partial index): small however long the history. */
export async function jobCounts(q: Db | Tx): Promise<{ backlog: number; failed: number }> {
  const res = await q.execute(sql`select
      (select count(*) from jobs where state in ('queued', 'running'))::int as backlog,
      (select count(*) from jobs where state = 'failed')::int as failed`);
  const row = (res as unknown as { rows: { backlog: number; failed: number }[] }).rows[0];
  return { backlog: Number(row?.backlog ?? 0), failed: Number(row?.failed ?? 0) };
}

export type JobRow = typeof jobs.$inferSelect;

/** The newest jobs in one state (failed by default), for the platform tile's list. */
export async function jobsInState(q: Db | Tx, state: JobRow['state'] = 'failed', limit = 100): Promise<JobRow[]> {
  return q.select().from(jobs).where(eq(jobs.state, state)).orderBy(desc(jobs.finishedAt), desc(jobs.createdAt)).limit(limit);
}

export type JobRetry = { ok: true; before: JobRow; after: JobRow } | { ok: false; reason: 'not_found' | 'already_succeeded' | 'not_failed' | 'parked' };

/**
 * Queues a failed job once more, now, with one more attempt allowed: inside the caller's transaction (its audit row).
 * A job that succeeded, is still queued or running, or was parked (its payload no longer parses) is refused.
 */
export async function retryFailedJob(tx: Tx, id: string, now: Date): Promise<JobRetry> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return { ok: false, reason: 'not_found' };
  const [before] = await tx.select().from(jobs).where(eq(jobs.id, id)).for('update');
  if (!before) return { ok: false, reason: 'not_found' };
  if (before.state === 'done') return { ok: false, reason: 'already_succeeded' };
  if (before.state === 'parked') return { ok: false, reason: 'parked' };
  if (before.state !== 'failed') return { ok: false, reason: 'not_failed' };
  const [after] = await tx
    .update(jobs)
    .set({ state: 'queued', runAt: now, lockedUntil: null, finishedAt: null, maxAttempts: before.attempts + 1 })
    .where(and(eq(jobs.id, id), eq(jobs.state, 'failed')))
    .returning();
  return after ? { ok: true, before, after } : { ok: false, reason: 'not_failed' };
}

/** The newest jobs of one queue whose payload names this user (`payload.userId`, its own partial index), for support's timeline (#18). */
export async function jobsOfUser(q: Db | Tx, queue: string, userId: string, limit: number): Promise<JobRow[]> {
  return q
    .select()
    .from(jobs)
    .where(and(eq(sql`${jobs.payload}->>'userId'`, userId), eq(jobs.queue, queue)))
    .orderBy(desc(jobs.createdAt))
    .limit(limit);
}
