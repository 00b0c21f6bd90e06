import { and, eq, inArray, lte, or, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Clock } from './clock';
import { type Db, isDatabaseUnavailable, type Tx } from './db';
import { jobs } from './jobs.schema';
import type { Logger } from './logger';

export interface EnqueueOptions {
  /**
   * The enqueuing time, from the caller's injected clock (never the database's now(): the runner picks due jobs by
   * the injected clock, so a job stamped by another clock may never come due). Stored as created_at, and as run_at
   * unless runAt is given.
   */
  now: Date;
  /** When to run; `now` by default. */
  runAt?: Date;
  /** A second enqueue with the same key does nothing, even after the first has finished. */
  dedupeKey?: string;
  maxAttempts?: number;
}

/** A handler gets its queue's payload already parsed by the queue's schema. */
export type JobHandler<T> = (payload: T, ctx: { attempt: number; jobId: string }) => Promise<unknown>;

/**
 * A queue, declared once with the schema of its payload (decision 036). Only a def enqueues, so a wrong payload does
 * not compile; the runner parses each stored payload with the same schema before the handler sees it.
 */
export interface JobDef<T> {
  readonly queue: string;
  readonly schema: z.ZodType<T>;
  /** Adds a job, inside the caller's transaction when given one, so the job exists if and only if the change does. */
  enqueue(db: Db | Tx, payload: T, opts: EnqueueOptions): Promise<void>;
  /** Adds many jobs in one statement per chunk (inside the caller's transaction when given one); `now` as in enqueue. */
  enqueueMany(db: Db | Tx, items: { payload: T; dedupeKey: string; runAt?: Date }[], opts: { now: Date }): Promise<void>;
}

/**
 * Declares a queue. The payload is stored as JSON, so the schema must read back what JSON makes of it (a Date is
 * stored as its ISO string: `z.coerce.date()` turns it into a Date again).
 */
export function defineJob<S extends z.ZodType>(queue: string, schema: S): JobDef<z.infer<S>> {
  return {
    queue,
    schema: schema as z.ZodType<z.infer<S>>,
    enqueue: (db, payload, opts) => insertJob(db, queue, payload, opts),
    enqueueMany: (db, items, opts) => insertJobs(db, queue, items, opts),
  };
}

/** Thrown by a handler for a failure that retrying cannot fix (a 4xx from a provider). */
export class PermanentJobError extends Error {}

/** Thrown by a handler whose provider said when to come back (HTTP Retry-After): the retry waits at least that long. */
export class RetryLaterError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

export interface JobRunnerOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** How often to look for due jobs when idle. */
  pollMs?: number;
  /** How long a running job is leased before another worker may take it over (a crashed process). */
  leaseMs?: number;
  /** Back-off before retry n (1-based). */
  backoffMs?: (attempt: number) => number;
  concurrency?: number;
}

/** The error's message, and its cause's (Drizzle's "Failed query: …" hides the driver's reason there). */
function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? err.cause.message : undefined;
  return cause ? `${err.message}: ${cause}` : err.message;
}

/**
 * What a parked job's row and log say about its payload: field paths and what was expected, never the values (a
 * payload may hold personal data, and zod's messages can quote what they received).
 */
function describeIssues(issues: readonly z.core.$ZodIssue[]): { path: string; code: string; expected?: string }[] {
  return issues.map((i) => ({ path: i.path.map(String).join('.') || '(payload)', code: i.code, ...(i.code === 'invalid_type' ? { expected: i.expected } : {}) }));
}

export const defaultBackoff = (attempt: number) => Math.min(60_000 * 30, 1000 * 2 ** (attempt - 1));

async function insertJob(db: Db | Tx, queue: string, payload: unknown, opts: EnqueueOptions): Promise<void> {
  await db
    .insert(jobs)
    .values({
      queue,
      payload,
      dedupeKey: opts.dedupeKey ?? null,
      runAt: opts.runAt ?? opts.now,
      createdAt: opts.now,
      ...(opts.maxAttempts ? { maxAttempts: opts.maxAttempts } : {}),
    })
    .onConflictDoNothing({ target: jobs.dedupeKey });
}

/** How long a periodic sweep's finished runs are kept (for looking back at what ran) before they are deleted. */
export const PERIODIC_JOBS_KEPT_MS = 24 * 3_600_000;

/**
 * Deletes a periodic queue's runs that finished before `before`. Only for periodic sweeps: their dedupe keys name a
 * time slot that never comes again, so forgetting a finished one cannot let the same job run twice (unlike, say, a
 * notification's key). A sweep every minute otherwise leaves 1,440 rows a day behind it.
 */
export async function pruneFinishedRuns(db: Db | Tx, { queue }: Pick<JobDef<unknown>, 'queue'>, before: Date): Promise<number> {
  return deleteFinishedJobs(db, { queues: [queue], states: ['done'], before });
}

/** The states a job ends in: it is never claimed again (a failed one only by a staff retry). */
export type FinishedJobState = 'done' | 'failed' | 'parked';

/**
 * Deletes jobs of `queues` in one of `states` that finished before `before`, at most `limit` of them (all when no
 * limit), oldest first; returns how many. Queued and running jobs are never touched. The one delete path for finished
 * jobs: pruneFinishedRuns and the retention of notification jobs (#20) both use it.
 */
export async function deleteFinishedJobs(db: Db | Tx, opts: { queues: readonly string[]; states: readonly FinishedJobState[]; before: Date; limit?: number }): Promise<number> {
  if (!opts.queues.length || !opts.states.length) return 0;
  const finished = and(inArray(jobs.queue, [...opts.queues]), inArray(jobs.state, [...opts.states]), lte(jobs.finishedAt, opts.before));
  const where = opts.limit === undefined ? finished : inArray(jobs.id, db.select({ id: jobs.id }).from(jobs).where(finished).orderBy(jobs.finishedAt).limit(opts.limit));
  const gone = await db.delete(jobs).where(where).returning({ id: jobs.id });
  return gone.length;
}

async function insertJobs(db: Db | Tx, queue: string, items: { payload: unknown; dedupeKey: string; runAt?: Date }[], opts: { now: Date }): Promise<void> {
  for (let i = 0; i < items.length; i += 2000) {
    const chunk = items.slice(i, i + 2000);
    await db
      .insert(jobs)
      .values(chunk.map((it) => ({ queue, payload: it.payload, dedupeKey: it.dedupeKey, runAt: it.runAt ?? opts.now, createdAt: opts.now })))
      .onConflictDoNothing({ target: jobs.dedupeKey });
  }
}

/**
 * Durable jobs in PostgreSQL: claimed by moving `state` to running under a lease, with
 * `FOR UPDATE SKIP LOCKED` so several processes share the work. A job whose process died
 * is taken over when its lease runs out, so a restart resumes where it was.
 */
export function createJobRunner(opts: JobRunnerOptions) {
  const { db, clock, logger } = opts;
  const pollMs = opts.pollMs ?? 250;
  const leaseMs = opts.leaseMs ?? 60_000;
  const backoff = opts.backoffMs ?? defaultBackoff;
  const concurrency = opts.concurrency ?? 4;
  const handlers = new Map<string, { schema: z.ZodType; handler: JobHandler<unknown> }>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let stopping = false;
  let inFlight = 0;
  let idle: (() => void) | undefined;
  let kick = false;
  let databaseDown = false;

  async function claim(limit: number) {
    const now = clock.now();
    const queues = [...handlers.keys()];
    if (!queues.length) return [];
    const due = db
      .select({ id: jobs.id })
      .from(jobs)
      .where(
        and(
          inArray(jobs.queue, queues),
          lte(jobs.runAt, now),
          or(eq(jobs.state, 'queued'), and(eq(jobs.state, 'running'), lte(jobs.lockedUntil, now))),
        ),
      )
      .orderBy(jobs.runAt)
      .limit(limit)
      .for('update', { skipLocked: true });
    return db
      .update(jobs)
      .set({ state: 'running', attempts: sql`${jobs.attempts} + 1`, lockedUntil: new Date(now.getTime() + leaseMs) })
      .where(inArray(jobs.id, due))
      .returning();
  }

  /**
   * Writes a job's outcome. A connection lost at that moment is retried a few times; should the database stay away,
   * the job stays `running` and its lease running out hands it to a worker again.
   */
  async function record(jobId: string, values: Partial<typeof jobs.$inferInsert>) {
    for (let attempt = 0; ; attempt++) {
      try {
        await db.update(jobs).set(values).where(eq(jobs.id, jobId));
        return;
      } catch (err) {
        if (!isDatabaseUnavailable(err) || attempt >= 4 || stopping) throw err;
        await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
      }
    }
  }

  /** Never rejects: an outcome that could not be written is logged, and the lease brings the job back. */
  async function runOne(job: typeof jobs.$inferSelect) {
    const log = logger.child({ jobId: job.id, queue: job.queue, attempt: job.attempts });
    try {
      await runAndRecord(job, log);
    } catch (err) {
      log.error({ err, event: 'job_record_failed', retryAfterLease: job.lockedUntil }, 'could not record the outcome of a job; it runs again after its lease');
    }
  }

  async function runAndRecord(job: typeof jobs.$inferSelect, log: Logger) {
    const { schema, handler } = handlers.get(job.queue)!;
    const parsed = schema.safeParse(job.payload);
    if (!parsed.success) {
      // A payload its queue's schema no longer reads (an old shape, a hand-edited row) would fail the same way on every
      // try: it is parked for a person to look at, never run and never retried.
      const issues = describeIssues(parsed.error.issues);
      await record(job.id, { state: 'parked', lastError: `payload does not match the queue's schema: ${issues.map((i) => `${i.path}: ${i.code}${i.expected ? ` (expected ${i.expected})` : ''}`).join('; ')}`, finishedAt: clock.now(), lockedUntil: null });
      log.error({ event: 'job_parked', queue: job.queue, jobId: job.id, issues }, 'job parked: its payload does not match its queue');
      return;
    }
    try {
      await handler(parsed.data, { attempt: job.attempts, jobId: job.id });
    } catch (err) {
      const permanent = err instanceof PermanentJobError;
      // The database going away (a failover, a killed connection) says nothing about the job: it is retried without
      // using up one of its attempts.
      const databaseLost = !permanent && isDatabaseUnavailable(err);
      const exhausted = !databaseLost && job.attempts >= job.maxAttempts;
      const message = describeError(err);
      if (permanent || exhausted) {
        await record(job.id, { state: 'failed', lastError: message, finishedAt: clock.now(), lockedUntil: null });
        log.error({ event: 'job_failed', err, permanent }, 'job failed for good');
      } else {
        const wait = Math.max(backoff(job.attempts), err instanceof RetryLaterError ? err.retryAfterMs : 0);
        const runAt = new Date(clock.now().getTime() + wait);
        await record(job.id, { state: 'queued', lastError: message, runAt, lockedUntil: null, ...(databaseLost ? { attempts: job.attempts - 1 } : {}) });
        log.warn({ event: 'job_retry_scheduled', err, runAt, ...(databaseLost ? { reason: 'database_unavailable' } : {}) }, 'job will be retried');
      }
      return;
    }
    await record(job.id, { state: 'done', finishedAt: clock.now(), lockedUntil: null });
  }

  async function tick() {
    if (running || stopping) return;
    running = true;
    try {
      do {
        kick = false;
        const batch = await claim(concurrency);
        if (!batch.length) break;
        inFlight += batch.length;
        await Promise.all(batch.map((j) => runOne(j).finally(() => inFlight--)));
      } while (!stopping);
      if (databaseDown) {
        databaseDown = false;
        logger.info({ event: 'jobs_database_restored' }, 'jobs: the database answers again');
      }
    } catch (err) {
      // A database outage is reported once, not at every poll; the runner keeps polling until it is back.
      if (!isDatabaseUnavailable(err)) logger.error({ err, event: 'job_poll_failed' }, 'could not poll jobs');
      else if (!databaseDown) {
        databaseDown = true;
        logger.warn({ err, event: 'jobs_database_unavailable' }, 'jobs: the database is unavailable; retrying');
      }
    } finally {
      running = false;
      if (stopping && inFlight === 0) idle?.();
      else if (kick && !stopping) setImmediate(() => void tick());
    }
  }

  return {
    register<T>(def: JobDef<T>, handler: JobHandler<T>) {
      handlers.set(def.queue, { schema: def.schema, handler: handler as JobHandler<unknown> });
    },
    start() {
      stopping = false;
      timer = setInterval(() => void tick(), pollMs);
      timer.unref();
      void tick();
    },
    /** Look for due jobs now (after a commit that enqueued one), instead of at the next poll. */
    poke() {
      if (running) kick = true;
      else void tick();
    },
    /** Run every due job now and wait for them (tests drive time with this). */
    async drain() {
      while (running) await new Promise((r) => setTimeout(r, 5));
      await tick();
    },
    async stop() {
      stopping = true;
      if (timer) clearInterval(timer);
      if (running) await new Promise<void>((resolve) => (idle = resolve));
    },
  };
}
export type JobRunner = ReturnType<typeof createJobRunner>;
