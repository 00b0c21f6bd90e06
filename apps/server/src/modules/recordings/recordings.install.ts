import fp from 'fastify-plugin';
import { installRecordingJobs } from './recordings.jobs';
import { createRecordingsRepo } from './recordings.repo';
import { recordingsRoutes } from './recordings.routes';
import { type Authorize, createRecordingsService } from './recordings.service';

/**
 * Class recordings (issue #15, decision 049): start/stop through the SFU, conversion to WebM in a job, retention,
 * streaming. Registered after the SFU module (it records through `fastify.sfu.api`).
 */
export const recordingsModule = fp(
  async (fastify, opts: { authorize?: Authorize }) => {
    const { database, clock, logger, config, jobs } = fastify.platform;
    const recordings = createRecordingsService({
      repo: createRecordingsRepo(database.db),
      clock,
      logger,
      sfu: fastify.sfu.api,
      root: config.recordings.dir,
      retentionMs: config.recordings.retentionMs,
      tools: config.recordings.tools,
      ...(opts.authorize ? { authorize: opts.authorize } : {}),
    });
    installRecordingJobs({ jobs, recordings });
    await fastify.register(recordingsRoutes, { recordings });
    fastify.decorate('recordings', recordings);
  },
  { name: 'tutorline-recordings', fastify: '5.x', decorators: { fastify: ['platform', 'sfu'] }, dependencies: ['tutorline-sfu'] },
);
