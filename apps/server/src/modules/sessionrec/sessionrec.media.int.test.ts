import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, relaxedLogin, signUpStudent, signUpTutor, startTestApp, type TestApp } from '../../../test/app';
import { describeOnOneBackend } from '../../../test/db';
import { janusForThisFile } from '../../../test/janus-netns';
import { schema } from '../../../test/schema';
import { publishToSession, receiveFromSession, type SessionReceiver } from '../../../test/session-media-clients';
import { SocketPool, type TestSocket } from '../../../test/sockets';
import { waitFor } from '../../../test/webrtc-clients';
import { probe } from '../recordings';
import { ask, record } from '../classroom/classroom.testkit';

// A 1:1 session recorded through a real Janus (issue #15, decision 056): Janus in a network namespace, the student and
// the tutor as Node WebRTC clients (wrtc publishers, werift receivers) that signal only through our socket. They agree,
// move from peer-to-peer to the SFU, receive each other there, are recorded, and the convert job (janus-pp-rec +
// ffmpeg) makes one WebM per participant that ffprobe reads and only the two of them may fetch.
const { runs, janus } = janusForThisFile('a 1:1 session recorded through Janus (network namespace)');
const clock = { now: () => new Date('2026-12-07T10:00:00Z') };
const tools = { ppRec: '/usr/bin/janus-pp-rec', ffmpeg: '/usr/bin/ffmpeg', ffprobe: '/usr/bin/ffprobe', timeoutMs: 60_000 };

describeOnOneBackend('a 1:1 session recorded through Janus', ({ db }) => {
  if (!runs) return void it.skip('needs Janus in a network namespace');
  let t: TestApp;
  const sockets = new SocketPool();
  const stops: (() => unknown)[] = [];
  const people: Record<'student' | 'tutor' | 'stranger', { id: string; client: Client; socket: TestSocket }> = {} as never;
  let sessionId: string;

  beforeAll(async () => {
    t = await startTestApp(db().database, { login: relaxedLogin }, clock, { sfu: janus().janus.api, manualJobs: true });
    for (const [name, tutor] of [['student', false], ['tutor', true], ['stranger', false]] as const) {
      const client = new Client(t.baseUrl);
      const { user } = tutor ? await signUpTutor(client) : await signUpStudent(client);
      people[name] = { id: user.id, client, socket: (await sockets.connect(t.baseUrl, client.cookie)).socket };
    }
    const [row] = await db().database.db.insert(schema.tutoringSessions).values({ kind: 'instant', studentId: people.student.id, tutorId: people.tutor.id, startedAt: clock.now() }).returning();
    sessionId = row!.id;
    for (const p of [people.student, people.tutor]) expect((await ask(p.socket, 'room:join', { sessionId })).ok).toBe(true);
  });
  afterAll(async () => {
    for (const s of stops.reverse()) await s();
    sockets.closeAll();
    await t?.close();
  });

  it('both agree, move to the SFU, receive each other, are recorded, and get one playable WebM each', async () => {
    const { student, tutor } = people;
    const announced = [student, tutor].map((p) => record<{ userId: string }>(p.socket, 'room:sfu:publisher'));
    expect((await ask(student.socket, 'room:rec:ask', { sessionId })).ok).toBe(true);
    const agreed = (await ask(tutor.socket, 'room:rec:answer', { sessionId, agree: true })) as { ok: true; recording: { status: string; recordingId: string; sfu: boolean } };
    expect(agreed.recording).toMatchObject({ status: 'recording', sfu: true });
    const id = agreed.recording.recordingId;

    // Each client leaves the peer-to-peer call for the SFU: it publishes, then receives the other once announced.
    const t0 = performance.now();
    for (const p of [student, tutor]) {
      const pub = await publishToSession(p.socket, sessionId);
      stops.push(() => pub.stop());
    }
    await waitFor('both publishers to be announced to both', () => announced.every((a) => new Set(a.map((e) => e.userId)).size === 2), 15_000);
    const received: SessionReceiver[] = [];
    for (const p of [student, tutor]) {
      const r = await receiveFromSession(p.socket, sessionId, janus().hostAddress);
      stops.push(() => r.stop());
      received.push(r);
    }
    await waitFor('each to receive the other’s video and audio', () => received.every((r) => r.packets.video > 20 && r.packets.audio > 20), 15_000);
    console.log(`both receiving each other through Janus ${Math.round(performance.now() - t0)} ms after the first publish`);

    const rawRoot = path.join(t.app.fastify.platform.config.recordings.dir, 'raw');
    const mjr = () => fs.readdirSync(rawRoot).flatMap((d) => fs.readdirSync(path.join(rawRoot, d)).filter((f) => f.startsWith(`${id}-feed-`) && f.endsWith('.mjr')));
    await waitFor('audio and video files for both participants', () => mjr().length === 4, 15_000);
    const t1 = performance.now();
    await waitFor('about 4 s of recorded media', () => performance.now() - t1 >= 4000, 10_000);

    // The student withdraws consent: the recording stops and the Janus room goes (the pages go back to peer-to-peer).
    expect(await ask(student.socket, 'room:rec:stop', { sessionId })).toEqual({ ok: true, recording: { status: 'off', sfu: false } });
    const publishedMs = performance.now() - t0;
    await t.app.jobs.drain();
    const rec = await t.app.fastify.recordings.get(id);
    expect(rec).toMatchObject({ status: 'ready', error: null, roomRef: `session:${sessionId}` });
    expect(rec!.files).toHaveLength(2);
    for (const f of rec!.files) {
      const info = await probe(tools, path.join(t.app.fastify.platform.config.recordings.dir, id, f.file));
      if (!info.ok) throw new Error(JSON.stringify(info));
      console.log(`feed ${f.feed}: ${info.value.durationMs} ms, video ${info.value.video}, audio ${info.value.audio}`);
      expect(info.value).toMatchObject({ video: true, audio: true });
      expect(info.value.durationMs).toBeGreaterThanOrEqual(3000);
      // No longer than the clients were publishing (a second's slack for the stop's round trip).
      expect(info.value.durationMs).toBeLessThanOrEqual(publishedMs + 1000);
    }
    // Nothing flows through the SFU after the recording stopped: the room is gone.
    expect(await ask(tutor.socket, 'room:sfu:subscribe', { sessionId })).toMatchObject({ ok: false, error: { code: 'not_on_sfu' } });

    const url = `${t.baseUrl}/api/recordings/${id}/feeds/${rec!.files[0]!.feed}`;
    for (const [p, want] of [[student, 200], [tutor, 200], [people.stranger, 404]] as const) {
      const res = await fetch(url, { headers: { cookie: p.client.cookie } });
      expect(res.status).toBe(want);
      if (want === 200) expect(res.headers.get('content-type')).toBe('video/webm');
      await res.arrayBuffer();
    }
  }, 90_000);
});
