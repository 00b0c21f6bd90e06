import type { Retention } from './retention.service';

export { createRetention, RETENTION_EVERY_MS, RETENTION_KINDS, RETENTION_QUEUE, type Retention, type RetentionKind, type RetentionReport, type RetentionStep } from './retention.service';
export { retentionModule } from './retention.install';

declare module 'fastify' {
  interface FastifyInstance {
    /** The daily retention run over every module's own retention function (tutorline-retention). */
    retention: Retention;
  }
}
