import type { ModelHolder } from './recommendations.holder';
import type { RecommendationsService } from './recommendations.service';
import type { Trainer } from './recommendations.train';

export { recommendationsModule, type RecommendationsModuleOptions } from './recommendations.install';
export { RECS_TRAIN_QUEUE, type TrainInput, type TrainOutput } from './recommendations.train';

declare module 'fastify' {
  interface FastifyInstance {
    /** Tutor recommendations: serving, the trainer and the model in memory (tutorline-recommendations). */
    recommendations: { recommendations: RecommendationsService; trainer: Trainer; holder: ModelHolder };
  }
}
export { createRecommendationsErasure, RECOMMENDATIONS_ERASURE_RULES } from './recommendations.erasure.repo';
