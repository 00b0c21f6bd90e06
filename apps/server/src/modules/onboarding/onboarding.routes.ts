import type {} from '@fastify/multipart';
import {
  applicationDecisionSchema,
  applicationDraftSchema,
  applicationQueueItemSchema,
  applicationQueueQuerySchema,
  applicationSchema,
  documentKindQuerySchema,
  errorBodySchema,
  onboardingDocumentSchema,
  requestInfoSchema,
  staffApplicationSchema,
  startReviewSchema,
} from '@tutorline/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, notFound, valueOr } from '../../platform/errors';
import { caller, staffActor } from '../identity';
import { documentErrors, draftErrors, staffApplicationErrors, tutorApplicationErrors } from './onboarding.http';
import type { OnboardingService } from './onboarding.service';

const params = z.strictObject({ id: z.uuid('must be an id') });
const errors = { 400: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };

/** Reads the one document of a multipart upload (field "file"), refusing anything else with a clear 4xx. */
async function receiveDocument(request: FastifyRequest, maxBytes: number): Promise<{ data: Buffer; fileName: string | undefined }> {
  if (!request.isMultipart()) throw new AppError(415, 'unsupported_media_type', 'Send the document as multipart/form-data in a field named "file".');
  const file = await request.file({ limits: { fileSize: maxBytes, files: 1, fields: 2 } });
  if (!file || file.fieldname !== 'file') throw new AppError(400, 'validation_failed', 'Add the document in a field named "file".', { fields: [{ path: 'file', message: 'is required' }] });
  const tooLarge = () => new AppError(413, 'payload_too_large', `The document is larger than ${maxBytes / 1024 / 1024} MB. Please send a smaller file or a photo of it.`);
  const data = await file.toBuffer().catch((err: { code?: string }) => {
    if (err.code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
    throw err;
  });
  if (file.file.truncated) throw tooLarge();
  return { data, fileName: file.filename };
}

/** A private document: rendered by the browser only as what it is (a JPEG or a checked PDF), never cached by others. */
function sendDocument(reply: FastifyReply, doc: { data: Buffer; contentType: string; fileName: string }) {
  return reply
    .header('content-type', doc.contentType)
    .header('x-content-type-options', 'nosniff')
    .header('content-disposition', `inline; filename="${doc.fileName.replace(/"/g, '')}"`)
    .header('cache-control', 'private, no-store')
    .send(doc.data);
}

/** Tutors apply; ops review, ask for more, approve per subject and level or reject (#18). */
export async function onboardingRoutes(fastify: FastifyInstance, opts: { onboarding: OnboardingService; maxBytes: number }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { onboarding, maxBytes } = opts;

  app.get('/api/onboarding/application', {
    config: { access: ['tutor'] },
    schema: { tags: ['onboarding'], summary: 'My application to teach, with its status and what is missing (null before I start one)', response: { 200: z.object({ application: applicationSchema.nullable() }) } },
    handler: async (request) => ({ application: await onboarding.mine(caller(request)) }),
  });
  app.put('/api/onboarding/application', {
    config: { access: ['tutor'] },
    schema: { tags: ['onboarding'], summary: 'Create or edit my application (while a draft, or when ops asked for more)', body: applicationDraftSchema, response: { 200: applicationSchema, ...errors } },
    handler: async (request) => valueOr(await onboarding.saveDraft(caller(request), request.body), draftErrors),
  });
  app.post('/api/onboarding/application/submit', {
    config: { access: ['tutor'] },
    schema: { tags: ['onboarding'], summary: 'Send my application for review (or send it back after ops asked for more); refused while anything is missing', response: { 200: applicationSchema, ...errors } },
    handler: async (request) => valueOr(await onboarding.submit(caller(request)), tutorApplicationErrors),
  });
  app.post('/api/onboarding/documents', {
    config: { access: ['tutor'] },
    bodyLimit: maxBytes + 64 * 1024,
    schema: {
      tags: ['onboarding'],
      summary: 'Add an ID document or proof of qualification (multipart field "file": a photo, re-encoded, or a PDF with nothing active in it); stored privately',
      consumes: ['multipart/form-data'],
      querystring: documentKindQuerySchema,
      response: { 201: onboardingDocumentSchema, ...errors, 413: errorBodySchema, 429: errorBodySchema },
    },
    handler: async (request, reply) => {
      const { data, fileName } = await receiveDocument(request, maxBytes);
      return reply.code(201).send(valueOr(await onboarding.uploadDocument(caller(request), request.query.kind, data, fileName), documentErrors));
    },
  });
  app.get('/api/onboarding/documents/:id', {
    config: { access: ['tutor'] },
    schema: { tags: ['onboarding'], summary: 'One of my documents (anyone else’s is not found)', params },
    handler: async (request, reply) => {
      const doc = await onboarding.readDocument({ id: caller(request).id, staff: false }, request.params.id);
      if (!doc.ok) throw notFound('That document');
      return sendDocument(reply, doc.value);
    },
  });
  app.delete('/api/onboarding/documents/:id', {
    config: { access: ['tutor'] },
    schema: { tags: ['onboarding'], summary: 'Remove one of my documents (while I can edit the application)', params, response: { 200: applicationSchema, ...errors } },
    handler: async (request) => valueOr(await onboarding.removeDocument(caller(request), request.params.id), tutorApplicationErrors),
  });

  app.get('/api/admin/onboarding/applications', {
    config: { access: ['ops'] },
    schema: { tags: ['admin'], summary: 'Tutor applications by status, oldest submission first', querystring: applicationQueueQuerySchema, response: { 200: z.object({ applications: z.array(applicationQueueItemSchema) }) } },
    handler: async (request) => ({ applications: await onboarding.queue(request.query) }),
  });
  app.get('/api/admin/onboarding/applications/:id', {
    config: { access: ['ops'] },
    schema: { tags: ['admin'], summary: 'An application with its subjects, sample answers and documents', params, response: { 200: staffApplicationSchema, 404: errorBodySchema } },
    handler: async (request) => valueOr(await onboarding.staffApplication(request.params.id), staffApplicationErrors),
  });
  app.post('/api/admin/onboarding/applications/:id/review', {
    config: { access: ['ops'] },
    schema: { tags: ['admin'], summary: 'Start reviewing an application (the tutor is told); audited', params, body: startReviewSchema, response: { 200: staffApplicationSchema, ...errors } },
    handler: async (request) => valueOr(await onboarding.startReview(staffActor(request), request.params.id, request.body.reason), staffApplicationErrors),
  });
  app.post('/api/admin/onboarding/applications/:id/request-info', {
    config: { access: ['ops'] },
    schema: { tags: ['admin'], summary: 'Ask the tutor for what is missing (they are told, and can edit and resubmit); audited', params, body: requestInfoSchema, response: { 200: staffApplicationSchema, ...errors } },
    handler: async (request) => valueOr(await onboarding.requestInfo(staffActor(request), request.params.id, request.body), staffApplicationErrors),
  });
  app.post('/api/admin/onboarding/applications/:id/decision', {
    config: { access: ['ops'] },
    schema: {
      tags: ['admin'],
      summary: 'Approve per subject and level (exactly those become what the tutor teaches) or reject, with a reason; one of two reviewers deciding at once gets a 409; audited',
      params,
      body: applicationDecisionSchema.extend({ version: z.number().int().min(1).optional() }),
      response: { 200: staffApplicationSchema, ...errors },
    },
    handler: async (request) => valueOr(await onboarding.decide(staffActor(request), request.params.id, request.body), staffApplicationErrors),
  });
  app.get('/api/admin/onboarding/documents/:id', {
    config: { access: ['ops'] },
    schema: { tags: ['admin'], summary: "An applicant's document, for review", params },
    handler: async (request, reply) => {
      staffActor(request);
      const doc = await onboarding.readDocument({ id: caller(request).id, staff: true }, request.params.id);
      if (!doc.ok) throw notFound('That document');
      return sendDocument(reply, doc.value);
    },
  });
}
