import type { SessionRec } from './sessionrec.service';

export { sessionRecModule } from './sessionrec.install';
export { type SessionRec, sessionRoomRef } from './sessionrec.service';

declare module 'fastify' {
  interface FastifyInstance {
    /** Recording 1:1 sessions when both agree (tutorline-session-recording). */
    sessionRec: SessionRec;
  }
}
export { createSessionRecErasure, SESSIONREC_ERASURE_RULES } from './sessionrec.erasure.repo';
