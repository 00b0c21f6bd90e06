import fp from 'fastify-plugin';
import { CHECK_REPORTED } from './connectivity.events';
import { createConnectivityRepo } from './connectivity.repo';
import { connectivityRoutes } from './connectivity.routes';
import { createConnectivityService } from './connectivity.service';

/** The `/check` self-test's reports and transfers. */
export const connectivityModule = fp(
  async (fastify) => {
    const { database, clock, logger, config, events } = fastify.platform;
    const { identity } = fastify;
    const connectivity = createConnectivityService({ repo: createConnectivityRepo(database.db), clock, logger, ice: config.ice, reported: (r) => events.emit(CHECK_REPORTED, r) });
    await fastify.register(connectivityRoutes, { connectivity, resolveSession: (token) => identity.resolveSession(token) });
  },
  { name: 'tutorline-connectivity', fastify: '5.x', decorators: { fastify: ['platform'] }, dependencies: ['@fastify/cookie', '@fastify/rate-limit', 'tutorline-identity'] },
);
