import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminClient, Client, relaxedLogin, signUpStudent, signUpTutor, startTestApp, type TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { fakeSfu } from '../../../test/fake-sfu';
import { schema } from '../../../test/schema';
import { SocketPool, type TestSocket } from '../../../test/sockets';
import { createRecordingsRepo } from '../recordings';
import { ask, record, until } from '../classroom/classroom.testkit';

// Recording a 1:1 session when both agree (issue #15, decision 056), without media: the consent questions and their
// refusals, the room made at the media server, the recording started and stopped through the recordings module,
// guardian consent, the media server being down, and who may watch. Media through Janus: sessionrec.media.int.test.ts.
class ManualClock {
  constructor(private t = Date.parse('2026-12-07T10:00:00Z')) {}
  now = () => new Date(this.t);
  advance(ms: number) {
    this.t += ms;
  }
}
const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error!.code);
type Rec = { ok: true; recording: { status: string; sfu: boolean; recordingId?: string; askedBy?: string } };

describeEachBackend('a 1:1 session recorded when both agree', ({ db }) => {
  let t: TestApp;
  const clock = new ManualClock();
  const fake = fakeSfu();
  const sockets = new SocketPool();
  const people: Record<'student' | 'tutor' | 'minor' | 'tutor2' | 'stranger', { id: string; client: Client; socket: TestSocket }> = {} as never;
  let session: string;
  let minorSession: string;

  beforeAll(async () => {
    t = await startTestApp(db().database, { login: relaxedLogin }, clock, { sfu: fake.sfu, manualJobs: true });
    for (const [name, extra] of [['student', {}], ['tutor', null], ['minor', { birthDate: '2012-03-03', guardianContact: 'parent@example.test' }], ['tutor2', null], ['stranger', {}]] as const) {
      const client = new Client(t.baseUrl);
      const { user } = extra === null ? await signUpTutor(client) : await signUpStudent(client, extra);
      people[name] = { id: user.id, client, socket: (await sockets.connect(t.baseUrl, client.cookie)).socket };
    }
    const insert = (studentId: string, tutorId: string) => db().database.db.insert(schema.tutoringSessions).values({ kind: 'instant', studentId, tutorId, startedAt: clock.now() }).returning();
    session = (await insert(people.student.id, people.tutor.id))[0]!.id;
    minorSession = (await insert(people.minor.id, people.tutor2.id))[0]!.id;
    for (const p of [people.student, people.tutor]) expect(code(await ask(p.socket, 'room:join', { sessionId: session }))).toBe('ok');
    for (const p of [people.minor, people.tutor2]) expect(code(await ask(p.socket, 'room:join', { sessionId: minorSession }))).toBe('ok');
  });
  afterAll(async () => {
    sockets.closeAll();
    await t?.close();
  });

  it('refuses anyone not in the room as a participant, and a malformed request, changing nothing', async () => {
    expect(code(await ask(people.stranger.socket, 'room:rec:ask', { sessionId: session }))).toBe('not_joined');
    expect(code(await ask(people.stranger.socket, 'room:sfu:publish', { sessionId: session, offer: { type: 'offer', sdp: 'v=0' } }))).toBe('not_joined');
    expect(await ask(people.student.socket, 'room:rec:ask', { sessionId: 'nope', extra: 1 })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    // A participant of a call still on peer-to-peer has no media at the SFU.
    expect(code(await ask(people.student.socket, 'room:sfu:subscribe', { sessionId: session }))).toBe('not_on_sfu');
    expect(fake.ops()).toEqual([]);
  });

  it('answers "recording needs the media server" when Janus is down, and the peer-to-peer call goes on', async () => {
    fake.setUp(false);
    const r = await ask(people.student.socket, 'room:rec:ask', { sessionId: session });
    fake.setUp(true);
    expect(r).toEqual({ ok: false, error: { code: 'media_unavailable', message: 'Recording needs the media server, which is not running right now. The call goes on as before, unrecorded.' } });
    expect(code(await ask(people.student.socket, 'room:signal', { sessionId: session, candidate: null }))).toBe('ok');
    expect(await ask(people.tutor.socket, 'room:rec:state', { sessionId: session })).toEqual({ ok: true, recording: { status: 'off', sfu: false } });
  });

  it('asks the other participant; the asker cannot answer; a refusal records nothing and tells both', async () => {
    const seen = [people.student, people.tutor].map((p) => record<{ recording: { status: string } }>(p.socket, 'room:rec'));
    const asked = (await ask(people.student.socket, 'room:rec:ask', { sessionId: session })) as Rec;
    expect(asked.recording).toEqual({ status: 'asked', askedBy: people.student.id, expiresAt: new Date(clock.now().getTime() + 30_000).toISOString(), sfu: false });
    await until(() => seen.every((s) => s.at(-1)?.recording.status === 'asked'), 'both to see the question');
    expect(code(await ask(people.tutor.socket, 'room:rec:ask', { sessionId: session }))).toBe('already_asked');
    expect(code(await ask(people.student.socket, 'room:rec:answer', { sessionId: session, agree: true }))).toBe('own_question');
    expect(await ask(people.tutor.socket, 'room:rec:answer', { sessionId: session, agree: false })).toEqual({ ok: true, recording: { status: 'off', sfu: false } });
    await until(() => seen.every((s) => s.at(-1)?.recording.status === 'off'), 'both to see the refusal');
    expect(fake.ops()).toEqual([]);
    const rows = await db().database.db.select().from(schema.sessionRecordings);
    expect(rows.map((r) => [r.status, r.endReason, r.answeredBy])).toEqual([['refused', 'refused', people.tutor.id]]);
    expect(t.logs()).toContain('"event":"session_recording_refused"');
  });

  it('lets an unanswered question lapse: a late agreement records nothing', async () => {
    expect(code(await ask(people.tutor.socket, 'room:rec:ask', { sessionId: session }))).toBe('ok');
    clock.advance(30_000);
    expect(await ask(people.student.socket, 'room:rec:answer', { sessionId: session, agree: true })).toMatchObject({ ok: false, error: { code: 'nothing_asked' } });
    // The timer's expiry finds it closed already; a new question lapses by the timer and both are told.
    const seen = record<{ recording: { status: string } }>(people.tutor.socket, 'room:rec');
    expect(code(await ask(people.student.socket, 'room:rec:ask', { sessionId: session }))).toBe('ok');
    await t.app.fastify.sessionRec.expire(session); // too early: nothing changes
    expect((await ask(people.tutor.socket, 'room:rec:state', { sessionId: session })) as Rec).toMatchObject({ recording: { status: 'asked' } });
    clock.advance(30_000);
    await t.app.fastify.sessionRec.expire(session);
    await until(() => seen.at(-1)?.recording.status === 'off', 'the tutor to see the question lapse');
    expect(fake.ops()).toEqual([]);
  });

  it('once both agree, makes a locked Janus room for the two, records it, shows it to both; either one stops it and the Janus room goes (the call is back to peer-to-peer)', async () => {
    const seen = [people.student, people.tutor].map((p) => record<{ recording: { status: string; sfu: boolean } }>(p.socket, 'room:rec'));
    expect(code(await ask(people.student.socket, 'room:rec:ask', { sessionId: session }))).toBe('ok');
    const agreed = (await ask(people.tutor.socket, 'room:rec:answer', { sessionId: session, agree: true })) as Rec;
    expect(agreed.recording).toMatchObject({ status: 'recording', sfu: true, since: clock.now().toISOString() });
    await until(() => seen.every((s) => s.at(-1)?.recording.status === 'recording'), 'both to see the indicator');
    const create = fake.calls.find((c) => c.op === 'createRoom')!.args[0] as { secret: string; pin: string; tokens: string[]; publishers: number; recordDir: string };
    expect(create.secret.length).toBeGreaterThanOrEqual(20);
    expect(create.pin.length).toBeGreaterThanOrEqual(12);
    expect(create.tokens).toHaveLength(2);
    expect(create.publishers).toBe(2);
    expect(create.recordDir).toContain(path.join('recordings', 'raw'));
    expect(fake.ops()).toEqual(['createRoom', 'startRecording']);
    const rec = await createRecordingsRepo(db().database.db).byId(agreed.recording.recordingId!);
    expect(rec).toMatchObject({ roomRef: `session:${session}`, status: 'recording', ownerId: people.student.id });
    expect(code(await ask(people.tutor.socket, 'room:rec:ask', { sessionId: session }))).toBe('already_recording');
    // Media now goes through our socket to the SFU.
    expect(await ask(people.student.socket, 'room:sfu:publish', { sessionId: session, offer: { type: 'offer', sdp: 'v=0' } })).toEqual({ ok: true, answer: { type: 'answer', sdp: 'v=0' } });
    // The tutor withdraws consent: the recording stops and converts; the room at Janus goes, both are told sfu: false.
    const before = fake.ops().length;
    expect(await ask(people.tutor.socket, 'room:rec:stop', { sessionId: session })).toEqual({ ok: true, recording: { status: 'off', sfu: false } });
    expect(fake.ops().slice(before)).toEqual(['stopRecording', 'leave', 'destroyRoom']);
    await until(() => seen.every((s) => s.at(-1)?.recording.sfu === false && s.at(-1)?.recording.status === 'off'), 'both to be told the call left the SFU');
    expect(code(await ask(people.student.socket, 'room:sfu:subscribe', { sessionId: session }))).toBe('not_on_sfu');
    expect(await createRecordingsRepo(db().database.db).byId(agreed.recording.recordingId!)).toMatchObject({ status: 'converting' });
    expect(code(await ask(people.student.socket, 'room:rec:stop', { sessionId: session }))).toBe('not_recording');
    expect(t.logs()).toContain('"event":"session_recording_stopped"');
  });

  it('stops a running recording when the media server goes down and tells both the call left the SFU (the pages go back to peer-to-peer)', async () => {
    expect(code(await ask(people.tutor.socket, 'room:rec:ask', { sessionId: session }))).toBe('ok');
    const agreed = (await ask(people.student.socket, 'room:rec:answer', { sessionId: session, agree: true })) as Rec;
    expect(agreed.recording).toMatchObject({ status: 'recording', sfu: true });
    const seen = [people.student, people.tutor].map((p) => record<{ recording: { status: string; sfu: boolean } }>(p.socket, 'room:rec'));
    fake.emit({ type: 'down', reason: 'the media server (janus) closed its connection' });
    await until(() => seen.every((s) => s.at(-1)?.recording.status === 'off' && s.at(-1)?.recording.sfu === false), 'both to be told the call left the SFU');
    const [row] = await db().database.db.select().from(schema.sessionRecordings).where((await import('drizzle-orm')).eq(schema.sessionRecordings.recordingId, agreed.recording.recordingId!));
    expect(row).toMatchObject({ status: 'stopped', endReason: 'media_down', endedBy: null });
    expect(await createRecordingsRepo(db().database.db).byId(agreed.recording.recordingId!)).toMatchObject({ status: 'converting' });
    expect(code(await ask(people.student.socket, 'room:sfu:subscribe', { sessionId: session }))).toBe('not_on_sfu');
    expect(t.logs()).toContain('"event":"session_recording_media_lost"');
  });

  it('refuses a session with a minor whose guardian has not consented (as for classes), until a consent is on file', async () => {
    expect(await ask(people.tutor2.socket, 'room:rec:ask', { sessionId: minorSession })).toEqual({ ok: false, error: { code: 'not_recordable', message: 'This session cannot be recorded: a learner under 18 needs a guardian’s consent on file first.' } });
    const { client: admin } = await adminClient(t);
    const consent = { guardianName: 'Meera Iyer', relationship: 'mother', contact: 'parent@example.test', method: 'paper_form', evidence: 'Signed form #2026-0100' };
    expect((await admin.post(`/api/admin/students/${people.minor.id}/guardian-consent`, consent)).status).toBe(200);
    expect(code(await ask(people.tutor2.socket, 'room:rec:ask', { sessionId: minorSession }))).toBe('ok');
  });

  it('lets the two participants and staff watch the recording, and nobody else; ending the session stops a running one', async () => {
    const [row] = await db().database.db.select().from(schema.sessionRecordings).where((await import('drizzle-orm')).eq(schema.sessionRecordings.status, 'stopped'));
    const id = row!.recordingId!;
    const dir = path.join(t.app.fastify.platform.config.recordings.dir, id);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'feed-7.webm'), Buffer.alloc(1000, 1));
    await createRecordingsRepo(db().database.db).markReady(id, [{ feed: 7, file: 'feed-7.webm', bytes: 1000, durationMs: 4000 }], 4000);
    const { client: admin } = await adminClient(t);
    for (const [who, client, want] of [['student', people.student.client, 200], ['tutor', people.tutor.client, 200], ['admin', admin, 200], ['stranger', people.stranger.client, 404], ['other tutor', people.tutor2.client, 404]] as const) {
      const list = await client.get(`/api/sessions/${session}/recordings`);
      expect([who, list.status]).toEqual([who, want]);
      const feed = await fetch(`${t.baseUrl}/api/recordings/${id}/feeds/7`, { headers: { cookie: client.cookie } });
      expect([who, feed.status]).toEqual([who, want]);
      if (want === 200) expect((list.json as { recordings: { id: string; files: { url: string }[] }[] }).recordings[0]).toMatchObject({ id, files: [{ url: `/api/recordings/${id}/feeds/7` }] });
    }
    // Recording again, then the session ends: the recording stops and the room at Janus goes.
    expect(code(await ask(people.student.socket, 'room:rec:ask', { sessionId: session }))).toBe('ok');
    const again = (await ask(people.tutor.socket, 'room:rec:answer', { sessionId: session, agree: true })) as Rec;
    expect(again.recording.status).toBe('recording');
    expect((await people.tutor.client.post(`/api/sessions/${session}/end`, {})).status).toBe(200);
    await until(() => fake.ops().at(-1) === 'destroyRoom', 'the Janus room to go');
    expect(await createRecordingsRepo(db().database.db).byId(again.recording.recordingId!)).toMatchObject({ status: 'converting' });
    const [last] = await db().database.db.select().from(schema.sessionRecordings).where((await import('drizzle-orm')).eq(schema.sessionRecordings.recordingId, again.recording.recordingId!));
    expect(last).toMatchObject({ status: 'stopped', endReason: 'session_ended' });
  });
});
