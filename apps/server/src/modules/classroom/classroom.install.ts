import { classRoomOf } from '@tutorline/contracts';
import fp from 'fastify-plugin';
import { MissingPortError } from '../../platform/ports';
import { accountsByIds, usersLeftOutOfRecordings } from '../identity';
import { BREAKOUT_CLOSE_QUEUE, createBreakoutService } from './classroom.breakout';
import { createBreakoutRepo } from './classroom.breakout.repo';
import { scopeOf } from './classroom.breakout.rules';
import { createClassroomContentRepo } from './classroom.content.repo';
import { createClassroomContext } from './classroom.context';
import { createClassroomControls } from './classroom.controls';
import { createPollsService } from './classroom.polls';
import { CLASS_ACCESS, type ClassAccessPort, CLASSROOM_MEDIA, type ClassroomMediaPort } from './classroom.ports';
import { installClassroomHandlers } from './classroom.realtime';
import { createClassroomRepo } from './classroom.repo';
import { classroomRoutes } from './classroom.routes';
import { createClassroomService } from './classroom.service';

/**
 * The live classroom's control plane. Its two ports are read when called, so the app starts before the classes and
 * media modules are wired: without CLASS_ACCESS every join is refused as class_not_found; without CLASSROOM_MEDIA the
 * state is still stored and enforced here, and each call the media server would have had is logged (decision 047).
 */
export const classroomModule = fp(
  async (fastify) => {
    const { database, clock, logger, realtime, ports, jobs } = fastify.platform;
    const provided = <T>(get: () => T): T | null => {
      try {
        return get();
      } catch (err) {
        if (err instanceof MissingPortError) return null;
        throw err;
      }
    };
    const access: ClassAccessPort = {
      async access(classId, userId, at) {
        const impl = provided(() => ports.get(CLASS_ACCESS));
        if (impl) return impl.access(classId, userId, at);
        logger.warn({ event: 'classroom_classes_not_wired', classId, userId }, 'classes module not wired: join refused');
        return { ok: false, reason: 'class_not_found' };
      },
      async recordAttendance(a) {
        const impl = provided(() => ports.get(CLASS_ACCESS));
        if (impl) await impl.recordAttendance(a);
      },
      async mayWatchRecordings(classId, userId) {
        return (await provided(() => ports.get(CLASS_ACCESS))?.mayWatchRecordings(classId, userId)) ?? false;
      },
    };
    const mediaCall = (what: keyof ClassroomMediaPort) => async (...args: unknown[]) => {
      const impl = provided(() => ports.get(CLASSROOM_MEDIA));
      if (!impl) return logger.info({ event: 'classroom_media_not_wired', call: what, classId: args[0], userId: typeof args[1] === 'string' ? args[1] : undefined }, 'media server not wired');
      await (impl[what] as (...a: unknown[]) => Promise<void>)(...args);
    };
    const media: ClassroomMediaPort = {
      apply: mediaCall('apply'),
      remove: mediaCall('remove'),
      end: mediaCall('end'),
      async record(classId, req) {
        const impl = provided(() => ports.get(CLASSROOM_MEDIA));
        if (impl) return impl.record(classId, req);
        logger.info({ event: 'classroom_media_not_wired', call: 'record', classId }, 'media server not wired: nothing to record');
        return { ok: false, reason: 'recording_unavailable' };
      },
    };
    const ctx = createClassroomContext({
      repo: createClassroomRepo(database.db),
      content: createClassroomContentRepo(database.db),
      clock,
      logger,
      io: realtime.io,
      access,
      media,
      names: async (ids) => new Map((await accountsByIds(database.db, ids)).map((a) => [a.id, a.displayName])),
      mayBeRecorded: async (userId) => !(await usersLeftOutOfRecordings(database.db, [userId], clock.now())).has(userId),
    });
    const polls = createPollsService(ctx);
    const breakoutRepo = createBreakoutRepo(database.db, BREAKOUT_CLOSE_QUEUE);
    const breakouts = createBreakoutService(ctx, breakoutRepo, Math.random);
    jobs.register(BREAKOUT_CLOSE_QUEUE, ({ classId, breakoutId }) => breakouts.closeByTimer(classId, breakoutId));
    const service = createClassroomService(ctx, polls, breakouts);
    const controls = createClassroomControls(ctx, service, polls, breakouts);
    installClassroomHandlers({ ctx, service, controls, polls, breakouts, now: () => performance.now() });
    await fastify.register(classroomRoutes, { ctx, polls });
    fastify.decorate('classroom', {
      /** From the media side: who the SFU hears now (Janus talking events). Live only, told to the class. */
      setSpeaking(classId: string, userId: string, speaking: boolean) {
        if (ctx.setSpeaking(classId, userId, speaking)) realtime.io.to(classRoomOf(classId)).emit('class:speaking', { classId, userId, speaking });
      },
      async mediaStanding(classId: string, userId: string) {
        const [row, state, open] = await Promise.all([ctx.deps.repo.participant(classId, userId), ctx.deps.repo.state(classId), breakoutRepo.open(classId)]);
        if (!row || !state || row.admission !== 'admitted') return { ok: false, reason: 'not_joined' } as const;
        if (row.removedAt) return { ok: false, reason: 'removed' } as const;
        if (state.endedAt) return { ok: false, reason: 'class_ended' } as const;
        const groupId = open ? scopeOf(open.members, open.row.visitingGroupId, userId, row.role) : null;
        return { ok: true, value: { role: row.role, audioMuted: row.audioMuted, videoStopped: row.videoStopped, spotlightUserId: state.spotlightUserId, groupId, recorded: !row.leftOutOfRecording } } as const;
      },
      /** The media side's events on the class's timeline (joins at the SFU, layers, reconnects, quality): never the caller's failure. */
      async recordMediaEvent(classId: string, userId: string | null, type: `media-${string}`, data: Record<string, unknown> = {}) {
        try {
          await ctx.event(classId, userId, type, data);
        } catch (err) {
          logger.error({ err, event: 'classroom_media_event_failed', classId, type }, 'a media event could not be recorded');
        }
      },
      /** Who may watch a class's recordings: its tutor and enrolled learners (the classes module says), and admins. */
      async mayWatchRecordings(classId: string, viewer: { id: string; role: string }) {
        return viewer.role === 'admin' || access.mayWatchRecordings(classId, viewer.id);
      },
    });
  },
  { name: 'tutorline-classroom', fastify: '5.x', decorators: { fastify: ['platform'] }, dependencies: ['tutorline-identity'] },
);
