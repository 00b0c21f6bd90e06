import type { SupportService } from './support.service';

export { createSupportService, type SupportService } from './support.service';
export { supportModule } from './support.install';

declare module 'fastify' {
  interface FastifyInstance {
    /** Support tickets (tutorline-support). */
    support: { support: SupportService };
  }
}
export { ticketsAboutSessions } from './support.quality.repo';
export { createSupportErasure, SUPPORT_ERASURE_RULES } from './support.erasure.repo';
