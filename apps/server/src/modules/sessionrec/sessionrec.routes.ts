import type { SessionRecordingView } from '@tutorline/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../platform/errors';
import { caller, contentViewer } from '../identity';
import type { RecordingRow, RecordingsService } from '../recordings';
import { sessionRoomRef } from './sessionrec.service';

const view = (sessionId: string, r: RecordingRow): SessionRecordingView => ({
  id: r.id,
  sessionId,
  status: r.status,
  createdAt: r.createdAt.toISOString(),
  stoppedAt: r.stoppedAt?.toISOString() ?? null,
  durationMs: r.durationMs,
  files: r.files.map((f) => ({ feed: f.feed, durationMs: f.durationMs, bytes: f.bytes, url: `/api/recordings/${r.id}/feeds/${f.feed}` })),
});

export async function sessionRecRoutes(fastify: FastifyInstance, opts: { recordings: RecordingsService }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get('/api/sessions/:id/recordings', {
    config: { access: 'user' },
    schema: { tags: ['recordings'], summary: "A 1:1 session's recordings, newest first: its two participants and staff (404 for others)", params: z.strictObject({ id: z.uuid('must be an id') }) },
    handler: async (request) => {
      const user = caller(request);
      const rows = await opts.recordings.listFor(contentViewer(user), sessionRoomRef(request.params.id));
      if (!rows) throw notFound('That session');
      return { recordings: rows.map((r) => view(request.params.id, r)) };
    },
  });
}
