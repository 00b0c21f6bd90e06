import type { GuardianConsent } from './guardians.consent';
import type { GuardianControls } from './guardians.controls';
import type { createGuardianSummary } from './guardians.summary';

export { consentAgeFor, CONSENT_AGES, DEFAULT_CONSENT_AGE } from './guardians.rules';
export { GUARDIAN_SUMMARY_QUEUE, GUARDIAN_WEEK_QUEUE } from './guardians.summary';
export { guardiansModule } from './guardians.install';

declare module 'fastify' {
  interface FastifyInstance {
    /** Guardian links and consent, controls, and the weekly summary (tutorline-guardians). */
    guardians: { consent: GuardianConsent; controls: GuardianControls; summary: ReturnType<typeof createGuardianSummary> };
  }
}
export { createGuardiansErasure, GUARDIANS_ERASURE_RULES } from './guardians.erasure.repo';
