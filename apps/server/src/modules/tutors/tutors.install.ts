import fp from 'fastify-plugin';
import { createTutorsRepo } from './tutors.repo';
import { TUTOR_RANKING } from './tutors.ports';
import { tutorsRoutes } from './tutors.routes';
import { createTutorsService } from './tutors.service';

/** Public tutor profiles, search, favourites and reviews. */
export const tutorsModule = fp(
  async (fastify) => {
    const { database, clock, logger, ports } = fastify.platform;
    const { identity } = fastify;
    const tutors = createTutorsService({ repo: createTutorsRepo(database.db), photos: fastify.media.photos, clock, logger, ranking: ports.late(TUTOR_RANKING, 'tutorline-tutors') });
    await fastify.register(tutorsRoutes, { tutors, resolveSession: (token) => identity.resolveSession(token) });
  },
  { name: 'tutorline-tutors', fastify: '5.x', decorators: { fastify: ['platform'] }, dependencies: ['@fastify/cookie', '@fastify/multipart', 'tutorline-identity', 'tutorline-media'] },
);
