import fp from 'fastify-plugin';
import { usersLeftOutOfRecordings } from '../identity';
import { SESSION_ENDED } from '../rooms';
import { installSessionRecHandlers } from './sessionrec.realtime';
import { createSessionMedia } from './sessionrec.media';
import { createSessionRecRepo } from './sessionrec.repo';
import { sessionRecRoutes } from './sessionrec.routes';
import { createSessionRec } from './sessionrec.service';

/**
 * Recording a 1:1 session when both agree (issue #15, decision 056): the consent questions, the session's Janus room
 * (the call moves there from peer-to-peer), and the recording through the recordings module. Registered after rooms,
 * the SFU and recordings; a session that ends stops its recording and leaves the media server.
 */
export const sessionRecModule = fp(
  async (fastify, opts: { askTtlMs?: number }) => {
    const { database, clock, logger, realtime, events } = fastify.platform;
    const rooms = fastify.rooms.rooms;
    const media = createSessionMedia({ sfu: fastify.sfu.api, io: realtime.io, logger, recordDirFor: (room) => fastify.recordings.recordDirFor(room) });
    const rec = createSessionRec({
      repo: createSessionRecRepo(database.db),
      media,
      recorder: fastify.recordings,
      people: (id) => rooms.roomSession(id),
      leftOut: (ids, now) => usersLeftOutOfRecordings(database.db, ids, now),
      clock,
      logger,
      io: realtime.io,
      mediaUp: () => fastify.sfu.status().up,
      ...(opts.askTtlMs ? { askTtlMs: opts.askTtlMs } : {}),
    });
    installSessionRecHandlers({ io: realtime.io, rec, media, logger });
    events.on(SESSION_ENDED, (s) => rec.sessionEnded(s.id));
    // Janus gone (or back empty after a restart): recordings stop, the calls go back to peer-to-peer.
    const offSfu = fastify.sfu.api.onEvent((e) => {
      if (e.type === 'down' || e.type === 'restarted') void rec.mediaLost(e.type === 'down' ? e.reason : 'restarted').catch((err: unknown) => logger.error({ err, event: 'session_recording_media_lost_failed' }, 'could not stop recordings after the media server went away'));
    });
    await fastify.register(sessionRecRoutes, { recordings: fastify.recordings });
    fastify.decorate('sessionRec', rec);
    fastify.addHook('onClose', async () => {
      offSfu();
      rec.close();
      await media.closeAll();
    });
  },
  { name: 'tutorline-session-recording', fastify: '5.x', decorators: { fastify: ['platform', 'rooms', 'sfu', 'recordings'] }, dependencies: ['tutorline-rooms', 'tutorline-sfu', 'tutorline-recordings'] },
);
