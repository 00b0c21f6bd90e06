import fp from 'fastify-plugin';
import { createAuditRepo } from './audit.repo';
import { auditRoutes } from './audit.routes';

/** The append-only staff action log: other modules write to it inside their own transactions (recordAudit). */
export const auditModule = fp(
  async (fastify) => {
    await fastify.register(auditRoutes, { repo: createAuditRepo(fastify.platform.database.db) });
  },
  { name: 'tutorline-audit', fastify: '5.x', decorators: { fastify: ['platform'] }, dependencies: ['tutorline-identity'] },
);
