import fp from 'fastify-plugin';
import type { ServingConfig } from './recommendations.rules';
import { createModelHolder } from './recommendations.holder';
import { createRecommendationsRepo } from './recommendations.repo';
import { recommendationsRoutes } from './recommendations.routes';
import { TUTOR_RANKING } from '../tutors';
import { createRecommendationsService } from './recommendations.service';
import { createTrainer, defaultTrainerConfig, type TrainerConfig, type TrainInput, type TrainOutput } from './recommendations.train';

export interface RecommendationsModuleOptions {
  serving?: Partial<ServingConfig>;
  training?: Partial<TrainerConfig>;
  /** How often each node checks for a newer model. */
  pollMs?: number;
  /** Tests replace the worker thread (a crash mid-way). */
  runWorker?: (input: TrainInput) => Promise<TrainOutput>;
}

/**
 * Tutor recommendations (#17): EASE trained by a durable job in a worker thread (nightly and on the admin's demand),
 * the latest model in memory on every node, serving with filters, diversity, exploration and reasons.
 */
export const recommendationsModule = fp<RecommendationsModuleOptions>(
  async (fastify, opts) => {
    const { database, clock, logger, jobs, config, ports } = fastify.platform;
    const repo = createRecommendationsRepo(database.db);
    const holder = createModelHolder({ repo, logger });
    const trainer = createTrainer({ db: database.db, repo, holder, clock, logger, config: { ...defaultTrainerConfig, ...opts.training }, runWorker: opts.runWorker });
    const recommendations = createRecommendationsService({ db: database.db, repo, holder, trainer, clock, logger, config: opts.serving });
    ports.provide(TUTOR_RANKING, { scores: (studentId, tutorIds) => recommendations.rankingScores(studentId, tutorIds) });
    await trainer.install(jobs);
    await holder.refresh();
    // A demo (or a fresh site seeded with history) gets its first model now rather than at the first night.
    if (config.seedDemo && !holder.current()) await trainer.requestTraining(clock.now(), 'first');
    holder.start(opts.pollMs ?? 30_000);
    fastify.addHook('onClose', async () => holder.stop());
    await fastify.register(recommendationsRoutes, { recommendations });
    fastify.decorate('recommendations', { recommendations, trainer, holder });
  },
  { name: 'tutorline-recommendations', fastify: '5.x', decorators: { fastify: ['platform'] }, dependencies: ['tutorline-identity', 'tutorline-scheduling', 'tutorline-tutors', 'tutorline-classes', 'tutorline-help', 'tutorline-rooms'] },
);
