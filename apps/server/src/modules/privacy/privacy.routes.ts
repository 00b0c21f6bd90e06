import { dataExportStateSchema, requestExportSchema } from '@tutorline/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { valueOr } from '../../platform/errors';
import { type AuthUser, caller } from '../identity';
import { downloadRefusalPage, requestErrors, stateErrors } from './privacy.http';
import type { PrivacyService } from './privacy.service';

const stateQuery = z.strictObject({ userId: z.uuid('must be an id').optional() });
const idParams = z.strictObject({ id: z.uuid('must be an id') });
const linkQuery = z.strictObject({ u: z.uuid('must be an id'), exp: z.coerce.number().int(), sig: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/) });

/** Data exports (#20): the state and the request from settings, and the signed download link. */
export async function privacyRoutes(fastify: FastifyInstance, opts: { privacy: PrivacyService; whoIs(request: FastifyRequest): Promise<AuthUser | null> }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { privacy } = opts;

  app.get('/api/privacy/export', {
    config: { access: 'user' },
    schema: { tags: ['privacy'], summary: "The latest data export (mine, or my child's with ?userId) and when another may be asked for", querystring: stateQuery, response: { 200: dataExportStateSchema } },
    handler: async (request) => {
      const me = caller(request);
      return valueOr(await privacy.state(me, request.query.userId ?? me.id), stateErrors);
    },
  });

  app.post('/api/privacy/export', {
    config: { access: 'user' },
    schema: { tags: ['privacy'], summary: "Ask for a ZIP of my data (or my child's): built by a job, a link is sent when ready; one pending, one a day", body: requestExportSchema, response: { 202: dataExportStateSchema } },
    handler: async (request, reply) => {
      const me = caller(request);
      return reply.code(202).send(valueOr(await privacy.requestExport(me, request.body.userId ?? me.id), requestErrors));
    },
  });

  app.get('/api/privacy/exports/:id/download', {
    // Opened from an email or WhatsApp message: the signature is checked first, then the caller's session in the service.
    config: { access: 'public' },
    schema: { tags: ['privacy'], summary: 'Download a data export through its signed link (7 days), logged in as its user or the guardian who asked', params: idParams, querystring: linkQuery },
    handler: async (request, reply) => {
      const result = await privacy.download(await opts.whoIs(request), { id: request.params.id, ...request.query });
      if (!result.ok) {
        const page = downloadRefusalPage(result.reason);
        return reply.code(page.status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page.html);
      }
      return reply
        .type('application/zip')
        .header('content-disposition', `attachment; filename="${result.value.filename}"`)
        .header('content-length', String(result.value.bytes))
        .header('cache-control', 'private, no-store')
        .send(result.value.stream);
    },
  });
}
