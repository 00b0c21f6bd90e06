import type { ErasureService } from './privacy.erasure';
import type { PrivacyService } from './privacy.service';

export { createPrivacyService, type PrivacyService } from './privacy.service';
export { BUILD_EXPORT_QUEUE, EXPORT_SWEEP_QUEUE } from './privacy.jobs';
export { privacyModule } from './privacy.install';
export { ERASE_ACCOUNT_QUEUE, type ErasureService } from './privacy.erasure';
export { PRIVACY_ERASURE_RULES } from './privacy.erasure.repo';
export { ERASURE_GRACE_MS } from './privacy.erasure.rules';

declare module 'fastify' {
  interface FastifyInstance {
    /** Data exports (null without a signing secret) and erasure (tutorline-privacy). */
    privacy?: { privacy: PrivacyService | null; erasure: ErasureService };
  }
}
export { auditErasureRules, ERASURE_RULES_BY_MODULE, type RuleAudit } from './privacy.erasure-rules';
