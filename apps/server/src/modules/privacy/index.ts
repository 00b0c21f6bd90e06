import type { PrivacyService } from './privacy.service';

export { createPrivacyService, type PrivacyService } from './privacy.service';
export { BUILD_EXPORT_QUEUE, EXPORT_SWEEP_QUEUE } from './privacy.jobs';
export { privacyModule } from './privacy.install';

declare module 'fastify' {
  interface FastifyInstance {
    /** Data exports: the request, the build job, the signed link and the sweep (tutorline-privacy). */
    privacy?: { privacy: PrivacyService };
  }
}
