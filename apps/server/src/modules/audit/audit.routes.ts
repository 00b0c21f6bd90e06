import { type AuditEntry, auditEntrySchema, auditQuerySchema } from '@tutorline/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuditRepo, AuditRow } from './audit.repo';
import { auditCsv } from './audit.rules';

const toEntry = (r: AuditRow): AuditEntry => ({
  id: r.id,
  at: r.at.toISOString(),
  actorId: r.actorId,
  actorRole: r.actorRole,
  action: r.action,
  objectType: r.objectType,
  objectId: r.objectId,
  reason: r.reason,
  before: r.before,
  after: r.after,
});

/** The audit log's search and CSV export: admins only (the log names every staff member's actions). */
export async function auditRoutes(fastify: FastifyInstance, opts: { repo: AuditRepo }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get('/api/admin/audit', {
    config: { access: ['admin'] },
    schema: { tags: ['admin'], summary: 'Search the audit log (by actor, object, action, time range), newest first', querystring: auditQuerySchema, response: { 200: z.object({ entries: z.array(auditEntrySchema) }) } },
    handler: async (request) => ({ entries: (await opts.repo.search(request.query)).map(toEntry) }),
  });
  app.get('/api/admin/audit.csv', {
    config: { access: ['admin'] },
    schema: { tags: ['admin'], summary: 'The same search as CSV (up to 500 rows a page)', querystring: auditQuerySchema },
    handler: async (request, reply) => {
      const entries = (await opts.repo.search(request.query)).map(toEntry);
      return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="audit.csv"').send(auditCsv(entries));
    },
  });
}
