import {
  reportProblemSchema,
  staffTicketNoteSchema,
  staffTicketSchema,
  ticketAssignSchema,
  ticketQueueItemSchema,
  ticketQueueQuerySchema,
  ticketReplySchema,
  ticketSchema,
  ticketStatusChangeSchema,
} from '@tutorline/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, valueOr } from '../../platform/errors';
import { caller, staffActor } from '../identity';
import { reportErrors, staffTicketErrors, ticketErrors } from './support.http';
import type { SupportService } from './support.service';

const params = z.strictObject({ id: z.uuid('must be an id') });

/** "Report a problem" for users; the ticket queue for support (and admins). */
export async function supportRoutes(fastify: FastifyInstance, opts: { support: SupportService }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { support } = opts;
  // A burst guard per person against scripted floods (each refused report still reads the database); the service's
  // daily cap is the limit a person meets.
  const perUser = app.rateLimit({
    max: 20,
    timeWindow: 60_000,
    keyGenerator: (req) => `support-report:${req.auth?.id ?? req.ip}`,
    errorResponseBuilder: () => new AppError(429, 'rate_limited', 'Please wait a minute before reporting another problem.'),
  });

  app.post('/api/support/tickets', {
    config: { access: 'user' },
    onRequest: perUser,
    schema: { tags: ['support'], summary: 'Report a problem (from the room, after a call, or from help): opens a ticket with the call diagnostics', body: reportProblemSchema, response: { 201: ticketSchema } },
    handler: async (request, reply) => reply.code(201).send(valueOr(await support.report(caller(request), request.body), reportErrors)),
  });
  app.get('/api/support/tickets', {
    config: { access: 'user' },
    schema: { tags: ['support'], summary: 'My reported problems, newest first', response: { 200: z.object({ tickets: z.array(ticketSchema) }) } },
    handler: async (request) => ({ tickets: await support.mine(caller(request)) }),
  });
  app.get('/api/support/tickets/:id', {
    config: { access: 'user' },
    schema: { tags: ['support'], summary: "One of my reports with support's replies", params, response: { 200: ticketSchema } },
    handler: async (request) => valueOr(await support.one(caller(request), request.params.id), ticketErrors),
  });
  app.post('/api/support/tickets/:id/messages', {
    config: { access: 'user' },
    schema: { tags: ['support'], summary: 'Write to support on one of my reports (reopens a solved one)', params, body: ticketReplySchema, response: { 200: ticketSchema } },
    handler: async (request) => valueOr(await support.userMessage(caller(request), request.params.id, request.body.body), ticketErrors),
  });

  app.get('/api/admin/support/tickets', {
    config: { access: ['support'] },
    schema: { tags: ['admin'], summary: 'The ticket queue: by status and holder, newest activity first', querystring: ticketQueueQuerySchema, response: { 200: z.object({ tickets: z.array(ticketQueueItemSchema) }) } },
    handler: async (request) => ({ tickets: await support.queue(staffActor(request), request.query) }),
  });
  app.get('/api/admin/support/tickets/:id', {
    config: { access: ['support'] },
    schema: { tags: ['admin'], summary: 'A ticket with its thread, internal notes, diagnostics and the call summary', params, response: { 200: staffTicketSchema } },
    handler: async (request) => valueOr(await support.staffTicket(request.params.id), staffTicketErrors),
  });
  app.post('/api/admin/support/tickets/:id/notes', {
    config: { access: ['support'] },
    schema: { tags: ['admin'], summary: 'Reply to the user (in-app and WhatsApp) or add an internal note; audited', params, body: staffTicketNoteSchema, response: { 200: staffTicketSchema } },
    handler: async (request) => valueOr(await support.staffNote(staffActor(request), request.params.id, request.body.body, request.body.reply), staffTicketErrors),
  });
  app.post('/api/admin/support/tickets/:id/assign', {
    config: { access: ['support'] },
    schema: { tags: ['admin'], summary: 'Give the ticket to a support staff member, or release it (null); audited', params, body: ticketAssignSchema, response: { 200: staffTicketSchema } },
    handler: async (request) => valueOr(await support.assign(staffActor(request), request.params.id, request.body.assigneeId), staffTicketErrors),
  });
  app.post('/api/admin/support/tickets/:id/status', {
    config: { access: ['support'] },
    schema: { tags: ['admin'], summary: 'Set the status (open, waiting, solved) with an optional reason; audited', params, body: ticketStatusChangeSchema, response: { 200: staffTicketSchema } },
    handler: async (request) => valueOr(await support.changeStatus(staffActor(request), request.params.id, request.body.status, request.body.reason), staffTicketErrors),
  });
}
