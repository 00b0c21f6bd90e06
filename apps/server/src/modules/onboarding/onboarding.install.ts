import fp from 'fastify-plugin';
import { fail } from '../../platform/result';
import { accountsByIds, grantVettedSubjects, subjectsCatalogue, TUTOR_BIO_SCREEN } from '../identity';
import { PHOTO_LIMITS } from '../media';
import { createOnboardingRepo } from './onboarding.repo';
import { onboardingRoutes } from './onboarding.routes';
import { createOnboardingService } from './onboarding.service';

/** Onboarding (#18): tutor applications with private documents, the review pipeline, approval per subject and level. */
export const onboardingModule = fp(
  async (fastify) => {
    const { database, clock, logger, storage, ports } = fastify.platform;
    const db = database.db;
    const { photos, uploadQuota } = fastify.media;
    const { notifications, inbox } = fastify.notifications;
    const onboarding = createOnboardingService({
      repo: createOnboardingRepo(db),
      bioScreen: ports.late(TUTOR_BIO_SCREEN, 'tutorline-onboarding'),
      clock,
      logger,
      storage,
      maxBytes: PHOTO_LIMITS.maxBytes,
      storeImage: (data, ownerId) => photos.tryStorePhoto(data, 'onboarding', ownerId),
      async takeUpload(ownerId) {
        const taken = await uploadQuota.take(ownerId, 'onboarding');
        return taken.ok ? taken : fail('rate_limited', taken.detail);
      },
      catalogue: async () => subjectsCatalogue,
      async names(ids) {
        return new Map((await accountsByIds(db, ids)).map((a) => [a.id, a.displayName]));
      },
      grantSubjects: (tx, change) => grantVettedSubjects(tx, change),
      async tellUser(tx, userId, notice) {
        const rows = await inbox.add(tx, [{ userId, kind: notice.kind, text: notice.text, data: notice.data, dedupeKey: notice.dedupeKey }], clock.now());
        await notifications.queue(tx, userId, { kind: notice.kind, text: notice.text, data: notice.data }, notice.dedupeKey);
        return () => inbox.push(rows);
      },
    });
    fastify.decorate('onboarding', { onboarding });
    await fastify.register(onboardingRoutes, { onboarding, maxBytes: PHOTO_LIMITS.maxBytes });
  },
  {
    name: 'tutorline-onboarding',
    fastify: '5.x',
    decorators: { fastify: ['platform'] },
    dependencies: ['@fastify/multipart', 'tutorline-identity', 'tutorline-media', 'tutorline-notifications', 'tutorline-audit'],
  },
);
