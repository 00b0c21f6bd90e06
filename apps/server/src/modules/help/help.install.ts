import fp from 'fastify-plugin';
import { userRoom } from '@tutorline/contracts';
import { GUARDIAN_LIMITS, TUTOR_SUSPENDED } from '../identity';
import { SESSION_ENDED, SESSION_OPENED } from '../rooms';
import { createDispatch, EXPIRE_QUEUE, WAVE_QUEUE } from './help.dispatch';
import { HELP_BILLING, HELP_COURSES, HELP_SAFETY, HELP_USER_EVENT, type HelpUserEvent, QUESTION_RATED } from './help.events';
import { createPhotoCleanup } from './help.photos';
import { defaultHelpRates } from './help.rates';
import { createHelpRepo } from './help.repo';
import { helpRoutes } from './help.routes';
import { createHelpService, type HelpEmitter } from './help.service';

/**
 * Instant help: asking, waves, claims, its jobs and the unattached-photo cleanup. Billing is a port (provided when
 * billing registers, checked at start); a session opening or ending reaches help as rooms' events.
 */
export const helpModule = fp(
  async (fastify) => {
    const { database, clock, logger, config, jobs, realtime, events, ports, signer } = fastify.platform;
    const { photos, uploadQuota } = fastify.media;
    const { rooms } = fastify.rooms;
    const { notifications } = fastify.notifications;
    const helpRepo = createHelpRepo(database.db);
    await helpRepo.upsertRates(defaultHelpRates);
    const billing = ports.late(HELP_BILLING, 'tutorline-help');
    const safety = ports.late(HELP_SAFETY, 'tutorline-help');
    // Help's events go to the users' open apps, then to the event's listeners (WhatsApp, when it is on).
    const emit: HelpEmitter = (userIds, event, ...args) => {
      if (!userIds.length) return;
      realtime.io.to(userIds.map(userRoom)).emit(event, ...args);
      if (!events.listeners(HELP_USER_EVENT).length) return;
      events
        .emit(HELP_USER_EVENT, { userIds, event, payload: args[0] } as HelpUserEvent)
        .catch((err: unknown) => logger.error({ err, event: 'whatsapp_mirror_failed', helpEvent: event }, 'could not queue a whatsapp update'));
    };
    const dispatchConfig = { ...config.help };
    const help = createHelpService({
      repo: helpRepo,
      rooms,
      photos,
      clock,
      logger,
      emit,
      jobs,
      config: dispatchConfig,
      ...(signer ? { sharing: { signer, publicUrl: config.publicUrl } } : {}),
      billing,
      safety,
      notifications,
      onRated: (tx, e) => events.emit(QUESTION_RATED, { tx, ...e }),
      guardianLimits: ports.late(GUARDIAN_LIMITS, 'tutorline-help'),
      courses: ports.late(HELP_COURSES, 'tutorline-help'),
    });
    const dispatch = createDispatch({ repo: helpRepo, notifications, clock, logger, emit, jobs, config: dispatchConfig, scarceThreshold: config.help.scarceThreshold, onlineUserIds: () => realtime.onlineUserIds(), billing, safety });
    jobs.register(WAVE_QUEUE, (payload) => dispatch.wave(payload));
    jobs.register(EXPIRE_QUEUE, (payload) => dispatch.expire(payload.questionId));
    await fastify.register(helpRoutes, { help });
    // Photos uploaded but never attached to a question are deleted after a while; the quota's old counters go too.
    const photoCleanup = createPhotoCleanup({
      repo: helpRepo,
      photos,
      clock,
      logger,
      keptMs: config.uploads.unattachedKeptMs,
      alsoPrune: (now) => uploadQuota.pruneBefore(new Date(now.getTime() - 2 * 86_400_000)),
    });
    await photoCleanup.install(jobs, database.db);
    events.on(SESSION_ENDED, (s) => help.recordSessionEnded(s));
    events.on(SESSION_OPENED, (s) => help.announceAvailability(s.tutorId));
    events.on(TUTOR_SUSPENDED, (s) => help.withdrawOffers(s.tutorId));
    fastify.decorate('help', { help, photoCleanup });
  },
  { name: 'tutorline-help', fastify: '5.x', decorators: { fastify: ['platform'] }, dependencies: ['@fastify/multipart', 'tutorline-identity', 'tutorline-media', 'tutorline-notifications', 'tutorline-rooms'] },
);
