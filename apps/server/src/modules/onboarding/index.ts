import type { OnboardingService } from './onboarding.service';

export { createOnboardingService, type OnboardingService } from './onboarding.service';
export { onboardingModule } from './onboarding.install';

declare module 'fastify' {
  interface FastifyInstance {
    /** Tutor applications and their review (tutorline-onboarding). */
    onboarding: { onboarding: OnboardingService };
  }
}
export { createOnboardingErasure, ONBOARDING_ERASURE_RULES } from './onboarding.erasure.repo';
