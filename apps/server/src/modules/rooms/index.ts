export { createRoomsRepo } from './rooms.repo';
export { roomsRoutes } from './rooms.routes';
export { createRoomsService, type RoomsHooks, type RoomsService } from './rooms.service';
export { installRoomHandlers } from './rooms.realtime';
export { ABANDONED_SWEEP_QUEUE, type AbandonedSweep, createAbandonedSweep } from './rooms.sweep';
export { instantSessionsInProgress, tutorsInSession } from './rooms.lookups.repo';
