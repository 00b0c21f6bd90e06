import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/db';
import type { Clock } from '../../platform/clock';
import { createJobRunner } from '../../platform/jobs';
import { createLogger } from '../../platform/logger';
import { ok } from '../../platform/result';
import { convertRecording } from './recordings.convert';
import { createRecordingsRepo } from './recordings.repo';
import { parseRange, recordingsRoutes } from './recordings.routes';
import { CONVERT_QUEUE, createRecordingsService } from './recordings.service';

/** Recordings without Janus: a missing tool fails the job with its reason; retention and delete remove files; ranges. */
describeEachBackend('recordings', ({ db }) => {
  let now = new Date('2026-12-01T12:00:00.000Z');
  const clock: Clock = { now: () => now };
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tutorline-recordings-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  const owner = randomUUID();
  const lines: string[] = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
  const sfu = { startRecording: async () => ok(undefined), stopRecording: async () => ok(undefined) };
  const tools = { ppRec: '/nonexistent/janus-pp-rec', ffmpeg: '/nonexistent/ffmpeg', ffprobe: '/nonexistent/ffprobe', timeoutMs: 5000 };
  const service = () => createRecordingsService({ repo: createRecordingsRepo(db().database.db), clock, logger, sfu, root, retentionMs: 7 * 86_400_000, tools });

  /** A finished recording with one small "WebM" on disk (bytes 0..999), and a leftover .mjr. */
  async function readyRecording(s: ReturnType<typeof service>) {
    const started = await s.start({ roomRef: 'class-1', sfuRoom: 42, secret: 's', ownerId: owner });
    if (!started.ok) throw new Error(started.reason);
    const id = started.value.id;
    fs.writeFileSync(path.join(s.recordDirFor(42), `${id}-feed-7-audio-0.mjr`), 'x');
    expect(await s.stop(id, 's')).toEqual({ ok: true, value: undefined });
    fs.mkdirSync(path.join(root, id), { recursive: true });
    fs.writeFileSync(path.join(root, id, 'feed-7.webm'), Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256)));
    await createRecordingsRepo(db().database.db).markReady(id, [{ feed: 7, file: 'feed-7.webm', bytes: 1000, durationMs: 4000 }], 4000);
    return id;
  }

  it('a conversion whose janus-pp-rec is missing fails the recording with a clear reason, and a second stop is refused', async () => {
    const s = service();
    const started = await s.start({ roomRef: 'class-1', sfuRoom: 41, secret: 's', ownerId: owner });
    if (!started.ok) throw new Error(started.reason);
    const id = started.value.id;
    fs.writeFileSync(path.join(s.recordDirFor(41), `${id}-feed-3-video-1.mjr`), 'not really');
    expect(await s.stop(id, 's')).toEqual({ ok: true, value: undefined });
    expect(await s.stop(id, 's')).toEqual({ ok: false, reason: 'not_recording' });
    const runner = createJobRunner({ db: db().database.db, clock, logger, pollMs: 60_000 });
    runner.register(CONVERT_QUEUE, async ({ recordingId }) => void (await s.convert(recordingId)));
    await runner.drain();
    const row = await s.get(id);
    expect(row).toMatchObject({ status: 'failed', files: [] });
    expect(row?.error).toBe('/nonexistent/janus-pp-rec was not found (install janus-tools and ffmpeg, or set the recording tool paths)');
    expect(lines.some((l) => l.includes('"event":"recording_convert_failed"'))).toBe(true);
    const direct = await convertRecording({ rawDir: s.recordDirFor(41), name: id, outDir: path.join(root, 'x'), tools: { ...tools, ppRec: '/bin/false' } });
    expect(direct).toMatchObject({ ok: false, reason: 'tool_failed', detail: { tool: 'false' } });
  });

  it('deleting a recording deletes its files; retention deletes old ones (rows and files) and keeps new ones', async () => {
    const s = service();
    const gone = await readyRecording(s);
    expect(await s.remove(gone, 'deleted')).toBe(true);
    expect(fs.existsSync(path.join(root, gone))).toBe(false);
    expect(fs.readdirSync(s.recordDirFor(42)).filter((f) => f.startsWith(gone))).toEqual([]);
    expect(await s.get(gone)).toBeNull();

    const old = await readyRecording(s);
    now = new Date(now.getTime() + 5 * 86_400_000);
    const fresh = await readyRecording(s);
    now = new Date(now.getTime() + 3 * 86_400_000);
    const cut = { now, before: new Date(now.getTime() - 7 * 86_400_000), held: async () => new Set<string>() };
    expect(await s.retention(cut)).toMatchObject({ rows: 2 }); // the old one and the failed one from the first test
    expect(fs.existsSync(path.join(root, old))).toBe(false);
    expect(await s.get(old)).toBeNull();
    expect(fs.existsSync(path.join(root, fresh, 'feed-7.webm'))).toBe(true);
    expect((await s.get(fresh))?.status).toBe('ready');
  });

  it('streams a recording with HTTP ranges to its owner and admins only (404 for anyone else)', async () => {
    const s = service();
    const id = await readyRecording(s);
    const app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    app.setErrorHandler((err: Error & { status?: number; statusCode?: number }, _req, reply) => reply.status(err.status ?? err.statusCode ?? 500).send({ error: err.message }));
    app.addHook('onRequest', async (req) => {
      // who:role, and for a staff account who:admin:<staff role>.
      const [who, role, staffRole = 'admin'] = String(req.headers['x-test-user'] ?? '').split(':');
      if (who) (req as unknown as { auth: unknown }).auth = { id: who, role, user: { staffRoles: role === 'admin' ? [staffRole] : [] } };
    });
    await app.register(recordingsRoutes, { recordings: s });
    const get = (user: string, headers: Record<string, string> = {}, url = `/api/recordings/${id}/feeds/7`) => app.inject({ method: 'GET', url, headers: { 'x-test-user': user, ...headers } });
    const whole = await get(`${owner}:teacher`);
    expect(whole.statusCode).toBe(200);
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect(whole.rawPayload.length).toBe(1000);
    const part = await get(`${randomUUID()}:admin`, { range: 'bytes=100-199' });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe('bytes 100-199/1000');
    expect([...part.rawPayload]).toEqual(Array.from({ length: 100 }, (_, i) => (i + 100) % 256));
    expect((await get(`${owner}:teacher`, { range: 'bytes=5000-' })).statusCode).toBe(416);
    expect((await get(`${randomUUID()}:student`)).statusCode).toBe(404);
    // Finance handles money, not children's recordings: a stranger to it (#18's least privilege).
    expect((await get(`${randomUUID()}:admin:finance`)).statusCode).toBe(404);
    expect((await get(`${randomUUID()}:admin:support`, { range: 'bytes=0-9' })).statusCode).toBe(206);
    expect((await get(`${owner}:teacher`, {}, `/api/recordings/${id}/feeds/8`)).statusCode).toBe(404);
    expect((await get(`${owner}:teacher`, {}, `/api/recordings/not-an-id/feeds/7`)).statusCode).toBe(400);
    await app.close();
    expect(parseRange('bytes=-10', 1000)).toEqual({ start: 990, end: 999 });
    expect(parseRange('bytes=0-5000', 1000)).toEqual({ start: 0, end: 999 });
    expect(parseRange('items=0-1', 1000)).toBeNull();
  });
});
