import { randomUUID } from 'node:crypto';
import os from 'node:os';
import fp from 'fastify-plugin';
import { jobCounts } from '../../platform/jobs.admin';
import { billingRollupFacts } from '../billing';
import { CLASS_SETTLED, classesRollupFacts, classesStartingBetween } from '../classes';
import { CHECK_REPORTED, connectivityRollupFacts } from '../connectivity';
import { HELP_USER_EVENT, helpRollupFacts, openQuestionsNow, tutorsOnlineNow, tutorsPerSubjectNow } from '../help';
import { roomsRollupFacts, SESSION_ENDED, SESSION_OPENED, sessionsInProgressNow, worstSessionsBetween } from '../rooms';
import { LESSON_SETTLED, lessonsRollupFacts, lessonsStartingBetween } from '../scheduling';
import { whatsappRollupFacts } from '../whatsapp';
import { installRollupJob } from './ops.jobs';
import { createJobsAdmin } from './ops.jobs-admin';
import { createOpsLive, startNodeReport } from './ops.live';
import { createOpsRepo } from './ops.repo';
import { createTutorQuality } from './ops.quality';
import { opsRoutes } from './ops.routes';
import { scheduleOfDay } from './ops.schedule';
import { createRollups, type RollupOptions, type RollupSource } from './ops.service';
import { createSummary } from './ops.summary';

export interface OpsModuleOptions {
  /** At most one live refresh and push per this many ms (default 1000). */
  liveEveryMs?: number;
  /** How often this node writes its figures (default 10 s). */
  nodeReportMs?: number;
  rollups?: Partial<RollupOptions>;
}

/** Each module's figures, read through its index.ts (decision 060). */
export const rollupSources: readonly RollupSource[] = [
  { name: 'help', prefixes: ['help.'], facts: helpRollupFacts },
  { name: 'rooms', prefixes: ['sessions.', 'calls.'], facts: roomsRollupFacts },
  { name: 'whatsapp', prefixes: ['channels.'], facts: whatsappRollupFacts },
  { name: 'billing', prefixes: ['money.'], facts: billingRollupFacts },
  { name: 'lessons', prefixes: ['lessons.'], facts: lessonsRollupFacts },
  { name: 'classes', prefixes: ['classes.'], facts: classesRollupFacts },
  { name: 'connectivity', prefixes: ['checks.'], facts: connectivityRollupFacts },
];

/** The live operations dashboard (/ops, #18): rollups kept by a job and after events, the summary, pushes to staff. */
export const opsModule = fp(
  async (fastify, opts: OpsModuleOptions) => {
    const { database, clock, logger, realtime, jobs, events } = fastify.platform;
    const db = database.db;
    const repo = createOpsRepo(db);
    const rollups = createRollups({ repo, sources: rollupSources, clock, logger, options: opts.rollups });
    await installRollupJob({ jobs, db, clock, rollups });
    const live = createOpsLive({ io: realtime.io, rollups, clock, logger, everyMs: opts.liveEveryMs ?? 1_000 });
    const changed = async () => live.changed();
    events.on(HELP_USER_EVENT, changed);
    events.on(SESSION_ENDED, changed);
    events.on(SESSION_OPENED, changed);
    // Settled inside the settling transaction: changed() only schedules the throttled refresh, which reads after it.
    events.on(LESSON_SETTLED, changed);
    events.on(CLASS_SETTLED, changed);
    events.on(CHECK_REPORTED, changed);
    const summary = createSummary({
      repo,
      clock,
      live: { openQuestions: () => openQuestionsNow(db), tutorsOnline: () => tutorsOnlineNow(db), tutorsPerSubject: () => tutorsPerSubjectNow(db), sessionsInProgress: () => sessionsInProgressNow(db), jobCounts: () => jobCounts(db),
        lessonsStarting: (range) => lessonsStartingBetween(db, range),
        classesStarting: (range) => classesStartingBetween(db, range),
        worstSessions: (range) => worstSessionsBetween(db, range, 10),
      },
    });
    const nodeReport = startNodeReport({ repo, io: realtime.io, clock, logger, nodeId: `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 4)}`, everyMs: opts.nodeReportMs ?? 10_000 });
    await fastify.register(opsRoutes, { summary, schedule: (day) => scheduleOfDay(db, day), jobs: createJobsAdmin({ db, clock, logger }), tutorQuality: createTutorQuality({ db, clock }) });
    fastify.addHook('onClose', async () => {
      live.close();
      await nodeReport.stop();
    });
    fastify.decorate('ops', { rollups, live, summary, nodeReport });
  },
  { name: 'tutorline-ops', fastify: '5.x', decorators: { fastify: ['platform'] }, dependencies: ['tutorline-identity', 'tutorline-audit', 'tutorline-help', 'tutorline-rooms', 'tutorline-connectivity'] },
);
