import fp from 'fastify-plugin';
import { canAskOrBook } from '../identity';
import { SESSION_ENDED, SESSION_OPENED } from './rooms.events';
import { installRoomHandlers } from './rooms.realtime';
import { ROOM_SAFETY } from './rooms.ports';
import { createRoomsRepo } from './rooms.repo';
import { roomsRoutes } from './rooms.routes';
import { createRoomsService } from './rooms.service';
import { createAbandonedSweep } from './rooms.sweep';

/** Tutoring sessions and the live room's realtime side; tells other modules when a session opens or ends. */
export const roomsModule = fp(
  async (fastify) => {
    const { database, clock, logger, config, realtime, jobs, events, ports } = fastify.platform;
    const rooms = createRoomsService({
      repo: createRoomsRepo(database.db),
      clock,
      logger,
      ice: config.ice,
      photos: fastify.media.photos,
      io: realtime.io,
      safety: ports.late(ROOM_SAFETY, 'tutorline-rooms'),
      hooks: { onSessionEnded: (s) => events.emit(SESSION_ENDED, s), onSessionOpened: (s) => events.emit(SESSION_OPENED, s) },
    });
    const identity = fastify.identity;
    installRoomHandlers({
      io: realtime.io,
      rooms,
      logger,
      now: () => performance.now(),
      mayJoin: async (userId) => {
        const user = await identity.userById(userId);
        return !user || user.role !== 'student' || canAskOrBook(user, clock.now());
      },
    });
    await fastify.register(roomsRoutes, { rooms });
    // Instant-help rooms both people left without pressing End are ended after a grace period (their tutor is busy while open).
    const abandonedSweep = createAbandonedSweep({ rooms, clock, logger, graceMs: config.rooms.abandonedAfterMs });
    await abandonedSweep.install(jobs, database.db);
    fastify.decorate('rooms', { rooms, abandonedSweep });
  },
  { name: 'tutorline-rooms', fastify: '5.x', decorators: { fastify: ['platform'] }, dependencies: ['@fastify/multipart', 'tutorline-identity', 'tutorline-media'] },
);
