import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db';
import { defineJob, type JobRunner, PERIODIC_JOBS_KEPT_MS, pruneFinishedRuns } from '../../platform/jobs';
import type { Logger } from '../../platform/logger';
import type { Interaction, InteractionKind } from './model/interactions';
import { interactionWeight } from './model/weights';
import type { ModelHolder } from './recommendations.holder';
import { readInteractions } from './recommendations.interactions';
import type { RecommendationsRepo } from './recommendations.repo';

const DAY_MS = 86_400_000;

/** Training, nightly (slot: the night's instant) and on demand from the admin (slot: when asked). */
export const RECS_TRAIN_QUEUE = defineJob('recommendations.train', z.object({ reason: z.enum(['nightly', 'admin']), slot: z.iso.datetime() }));

/** What the worker thread gets: plain rows (structured clone), instants as ISO strings. */
export interface TrainInput {
  rows: { studentId: string; tutorId: string; subject: string; ts: string; kind: InteractionKind; value: number }[];
  lambda: number;
  version: string;
  trainedAt: string;
}
export type TrainOutput =
  | { ok: true; bytes: Uint8Array; metrics: Record<string, number>; tutors: number; students: number; /** The training thread's nice value (Linux), null when unknown. */ nice?: number | null }
  | { ok: false; error: string };

export interface TrainerConfig {
  /** EASE's L2 regularisation. */
  lambda: number;
  /** How far back interactions are read. */
  windowDays: number;
  /** Models kept in the table (the newest ones). */
  keepModels: number;
  /** UTC hour of the nightly run. */
  nightlyHourUtc: number;
}
export const defaultTrainerConfig: TrainerConfig = { lambda: 200, windowDays: 365, keepModels: 3, nightlyHourUtc: 2 };

/**
 * The worker's entry: registers tsx's loader in the thread, then imports the TypeScript worker file. (`execArgv:
 * ['--import', 'tsx']` is not applied to worker threads on Node 20, and under vitest the main thread has no tsx.) The
 * bare specifier resolves from the working directory, which is the repository root for the server and the tests.
 */
const workerEntry = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(new URL('./recommendations.train.worker.ts', import.meta.url).href)}); })`;

/** Runs the worker file in a thread, so the event loop keeps answering requests while the model trains. */
export function runTrainingWorker(input: TrainInput): Promise<TrainOutput> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerEntry, { eval: true, workerData: input, execArgv: [] });
    let answered = false;
    worker.once('message', (out: TrainOutput) => {
      answered = true;
      resolve(out);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`the training worker exited (code ${code}) without a model`));
    });
  });
}

/** Positive interactions per tutor (a row whose weight is above zero), for cold-start popularity and "new". */
export function popularityOf(rows: readonly Interaction[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) if (interactionWeight(r, { repeatIndex: 0 }) > 0) out[r.tutorId] = (out[r.tutorId] ?? 0) + 1;
  return out;
}

/** The next nightly run strictly after `now`. */
export function nextNightly(now: Date, hourUtc: number): Date {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hourUtc));
  return d > now ? d : new Date(d.getTime() + DAY_MS);
}

export function createTrainer(deps: { db: Db; repo: RecommendationsRepo; holder: ModelHolder; clock: Clock; logger: Logger; config: TrainerConfig; runWorker?: (input: TrainInput) => Promise<TrainOutput> }) {
  const { db, repo, holder, clock, logger, config } = deps;
  const runWorker = deps.runWorker ?? runTrainingWorker;
  let running = 0;

  async function scheduleNightly(now: Date) {
    const at = nextNightly(now, config.nightlyHourUtc);
    await RECS_TRAIN_QUEUE.enqueue(db, { reason: 'nightly', slot: at.toISOString() }, { now, runAt: at, dedupeKey: `${RECS_TRAIN_QUEUE.queue}:nightly:${at.toISOString()}` });
  }

  /**
   * Reads every interaction in the window, trains in a worker thread, then stores the model in one statement and loads
   * it. Anything that fails before the insert (the worker dying, a killed process) leaves the previous model in use.
   */
  async function train(reason: 'nightly' | 'admin'): Promise<{ version: string; tutors: number; students: number; interactions: number }> {
    running++;
    try {
      const now = clock.now();
      const rows = await readInteractions(db, repo, { since: new Date(now.getTime() - config.windowDays * DAY_MS), until: now });
      const version = `ease-${now.toISOString().replace(/[-:.]/g, '')}-${randomBytes(3).toString('hex')}`;
      const started = performance.now();
      const out = await runWorker({ rows: rows.map((r) => ({ ...r, ts: r.ts.toISOString() })), lambda: config.lambda, version, trainedAt: now.toISOString() });
      if (!out.ok) throw new Error(`training failed: ${out.error}`);
      const popularity = popularityOf(rows);
      await repo.insertModel({ version, trainedAt: now, metrics: out.metrics, tutors: out.tutors, students: out.students, interactions: rows.length, popularity, bytes: out.bytes });
      await repo.pruneModels(config.keepModels);
      // This node has the bytes it just stored: it loads them without reading 6 MB back (other nodes poll and read).
      holder.adopt(version, out.bytes, popularity);
      logger.info({ event: 'recommendation_model_trained', reason, version, tutors: out.tutors, students: out.students, interactions: rows.length, ms: Math.round(performance.now() - started), trainingThreadNice: out.nice ?? null }, 'recommendation model trained');
      return { version, tutors: out.tutors, students: out.students, interactions: rows.length };
    } finally {
      running--;
    }
  }

  return {
    train,
    isTraining: () => running > 0,
    /** Asks for a training run now (the admin's button); the job runner runs it. */
    async requestTraining(now: Date, key: string = now.toISOString()): Promise<void> {
      await RECS_TRAIN_QUEUE.enqueue(db, { reason: 'admin', slot: now.toISOString() }, { now, dedupeKey: `${RECS_TRAIN_QUEUE.queue}:admin:${key}`, maxAttempts: 3 });
    },
    async install(jobs: JobRunner) {
      jobs.register(RECS_TRAIN_QUEUE, async (p) => {
        if (p.reason === 'nightly') {
          await scheduleNightly(clock.now());
          await pruneFinishedRuns(db, RECS_TRAIN_QUEUE, new Date(clock.now().getTime() - PERIODIC_JOBS_KEPT_MS));
        }
        await train(p.reason);
      });
      await scheduleNightly(clock.now());
    },
  };
}
export type Trainer = ReturnType<typeof createTrainer>;
