import type { SafetyService } from './safety.service';

export { type ContactCategory, type ContactMatch, detectContacts, maskContacts, screenText } from './safety.detect.rules';
export { createSafetyService, type SafetyService } from './safety.service';
export { safetyModule } from './safety.install';
export { LONG_CALL_SWEEP_QUEUE } from './safety.sweep';

/**
 * Whether these sessions' chat, board and recording must be kept beyond retention (an open report holds them):
 * retention jobs in other modules ask `fastify.safety.safety.sessionsOnLegalHold(ids)` before deleting.
 */
declare module 'fastify' {
  interface FastifyInstance {
    /** Reports, blocks, contact-detail masking and safety flags (tutorline-safety). */
    safety: { safety: SafetyService };
  }
}
export { createSafetyErasure, SAFETY_ERASURE_RULES } from './safety.erasure.repo';
