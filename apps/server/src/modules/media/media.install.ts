import fp from 'fastify-plugin';
import { createUploadQuota } from './media.quota';
import { createMediaRepo } from './media.repo';
import { createPhotoService } from './media.service';

/** Photo checks and storage; every upload route stores through `photos`, so each counts against the uploader's quota. */
export const mediaModule = fp(
  async (fastify) => {
    const { database, clock, logger, config, storage } = fastify.platform;
    const uploadQuota = createUploadQuota({ repo: createMediaRepo(database.db), clock, logger, limits: config.uploads });
    const photos = createPhotoService(storage, { quota: uploadQuota });
    fastify.decorate('media', { photos, uploadQuota });
  },
  { name: 'tutorline-media', fastify: '5.x', decorators: { fastify: ['platform'] } },
);
