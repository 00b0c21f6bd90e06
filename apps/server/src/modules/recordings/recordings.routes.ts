import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RecordingView } from '@tutorline/contracts';
import { AppError, notFound, type RefusalTable, valueOr } from '../../platform/errors';
import { caller, contentViewer } from '../identity';
import type { RecordingRow } from './recordings.repo';
import type { OpenFail, RecordingsService } from './recordings.service';

const openErrors = {
  not_found: () => notFound('That recording'),
  not_ready: () => new AppError(409, 'conflict', 'That recording is still being prepared.'),
} satisfies RefusalTable<OpenFail>;

/** `bytes=a-b`, `bytes=a-` or `bytes=-n` within a file of `size` bytes; null when it cannot be served (416). */
export function parseRange(header: string, size: number): { start: number; end: number } | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '') || size === 0) return null;
  if (m[1] === '') {
    const n = Number(m[2]);
    return n > 0 ? { start: Math.max(0, size - n), end: size - 1 } : null;
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return start <= end && start < size ? { start, end } : null;
}

const recordingView = (r: RecordingRow): RecordingView => ({
  id: r.id,
  classId: r.roomRef,
  status: r.status,
  createdAt: r.createdAt.toISOString(),
  stoppedAt: r.stoppedAt?.toISOString() ?? null,
  durationMs: r.durationMs,
  files: r.files.map((f) => ({ feed: f.feed, durationMs: f.durationMs, bytes: f.bytes, url: `/api/recordings/${r.id}/feeds/${f.feed}` })),
});

export async function recordingsRoutes(fastify: FastifyInstance, opts: { recordings: RecordingsService }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get('/api/classes/:id/recordings', {
    config: { access: 'user' },
    schema: { tags: ['recordings'], summary: "A class's recordings, newest first: its teacher, enrolled learners and admins (404 for others)", params: z.strictObject({ id: z.uuid('must be an id') }) },
    handler: async (request) => {
      const user = caller(request);
      const rows = await opts.recordings.listFor(contentViewer(user), request.params.id);
      if (!rows) throw notFound('That class');
      return { recordings: rows.map(recordingView) };
    },
  });
  app.get('/api/recordings/:id', {
    config: { access: 'user' },
    schema: { tags: ['recordings'], summary: 'One recording with its parts (one WebM per recorded participant)', params: z.strictObject({ id: z.uuid('must be an id') }) },
    handler: async (request) => {
      const user = caller(request);
      const row = await opts.recordings.view(contentViewer(user), request.params.id);
      if (!row) throw notFound('That recording');
      return { recording: recordingView(row) };
    },
  });
  app.get('/api/recordings/:id/feeds/:feed', {
    config: { access: 'user' },
    schema: {
      tags: ['recordings'],
      summary: "One participant's part of a class recording (WebM), with HTTP ranges; its owner, admins, and whom the classroom allows",
      params: z.strictObject({ id: z.uuid('must be an id'), feed: z.coerce.number().int('must be a feed number').positive('must be a feed number') }),
    },
    handler: async (request, reply) => {
      const user = caller(request);
      const file = valueOr(await opts.recordings.open(contentViewer(user), request.params.id, request.params.feed), openErrors);
      reply.header('accept-ranges', 'bytes').header('content-type', 'video/webm').header('cache-control', 'private, no-store');
      const header = request.headers.range;
      if (!header) return reply.header('content-length', file.bytes).send(fs.createReadStream(file.path));
      const range = parseRange(header, file.bytes);
      if (!range) return reply.status(416).header('content-range', `bytes */${file.bytes}`).send();
      return reply
        .status(206)
        .header('content-range', `bytes ${range.start}-${range.end}/${file.bytes}`)
        .header('content-length', range.end - range.start + 1)
        .send(fs.createReadStream(file.path, range));
    },
  });
}
