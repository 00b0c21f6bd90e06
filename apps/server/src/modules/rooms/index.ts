import type { RoomsService } from './rooms.service';
import type { AbandonedSweep } from './rooms.sweep';

export { createRoomsRepo } from './rooms.repo';
export { removeOldCallEvents, removeOldRoomChat } from './rooms.retention.repo';
export { roomsRoutes } from './rooms.routes';
export { createRoomsService, type RoomsHooks, type RoomsService } from './rooms.service';
export { installRoomHandlers } from './rooms.realtime';
export { ABANDONED_SWEEP_QUEUE, type AbandonedSweep, createAbandonedSweep } from './rooms.sweep';
export { instantSessionsInProgress, lastSessionOf, openSessionsStartedBefore, sessionSpansOf, tutorsInSession } from './rooms.lookups.repo';
export { instantSessionsOfStudents } from './rooms.usage.repo';
export { sessionsOfStudent, type StudentSessionView } from './rooms.guardian.repo';
export { SESSION_ENDED, SESSION_OPENED } from './rooms.events';
export { ROOM_SAFETY, type RoomSafety, type ScreenedChat } from './rooms.ports';
export { roomsModule } from './rooms.install';

declare module 'fastify' {
  interface FastifyInstance {
    /** Sessions, and the sweep that ends abandoned instant-help rooms (tutorline-rooms). */
    rooms: { rooms: RoomsService; abandonedSweep: AbandonedSweep };
  }
}
export { roomsRollupFacts, sessionsInProgressNow, type TroubledSession, worstSessionsBetween } from './rooms.rollups.repo';
export { roomsTutorQuality } from './rooms.quality.repo';
export { createRoomsExport } from './rooms.export.repo';
export { chatCountOf, sessionForSupport, sessionsForSupport, type SupportSessionRow } from './rooms.support.repo';
export { createRoomsErasure, ROOMS_ERASURE_RULES } from './rooms.erasure.repo';
