import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, leaksInternals, relaxedLogin, signUpStudent, signUpTutor, staffClient, startTestApp, type TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { FakeChannel } from '../../../test/help';
import { schema } from '../../../test/schema';
import { DAILY_TICKETS } from './support.service';

class ManualClock {
  constructor(private t = Date.parse('2026-12-07T10:00:00Z')) {}
  now = () => new Date(this.t);
  advance(ms: number) {
    this.t += ms;
  }
}

const report = (extra: Record<string, unknown> = {}) => ({
  areas: ['video', 'sound'],
  device: 'phone',
  network: 'mobile',
  workedBefore: 'yes',
  description: 'I could hear the tutor but his video froze.',
  diagnostics: { browser: 'Chrome 150', os: 'Android 14', device: 'phone', userAgent: 'Mozilla/5.0 (Linux; Android 14)' },
  ...extra,
});
const rows = async (t: TestApp, table: 'support_tickets' | 'support_ticket_messages' | 'audit_log') =>
  Number(((await t.app.database.db.execute(sql.raw(`select count(*)::int as n from ${table}`))) as unknown as { rows: { n: number }[] }).rows[0]!.n);

describeEachBackend('support tickets: report a problem, the queue, replies and the audit log', ({ db }) => {
  let t: TestApp;
  const clock = new ManualClock();
  const channel = new FakeChannel();
  let student: Client;
  let tutor: Client;
  let stranger: Client;
  let ids: { student: string; tutor: string; session: string };
  let support: { client: Client; user: { id: string } };
  let support2: { client: Client; user: { id: string } };
  let finance: { client: Client; user: { id: string } };

  beforeAll(async () => {
    t = await startTestApp(db().database, { login: relaxedLogin }, clock, { channels: [channel] });
    student = new Client(t.baseUrl);
    tutor = new Client(t.baseUrl);
    stranger = new Client(t.baseUrl);
    const st = await signUpStudent(student);
    const tt = await signUpTutor(tutor);
    await signUpStudent(stranger);
    const [session] = await t.app.database.db.insert(schema.tutoringSessions).values({ kind: 'instant', studentId: st.user.id, tutorId: tt.user.id, startedAt: clock.now() }).returning();
    ids = { student: st.user.id, tutor: tt.user.id, session: session!.id };
    const at = clock.now();
    await t.app.database.db.insert(schema.callEvents).values([
      { sessionId: session!.id, userId: st.user.id, type: 'diagnostics', at, data: { diagnostics: { browser: 'Chrome 150', os: 'Android 14', device: 'phone', userAgent: 'x' } } },
      { sessionId: session!.id, userId: st.user.id, type: 'media-connected', at, data: { localCandidateType: 'relay', remoteCandidateType: 'srflx', protocol: 'udp', setupMs: 1200 } },
      { sessionId: session!.id, userId: st.user.id, type: 'reconnecting', at, data: { cause: 'ice-disconnected' } },
      { sessionId: session!.id, userId: st.user.id, type: 'quality', at, data: { sample: { rttMs: 420, loss: 0.12 } } },
    ]);
    support = await staffClient(t, ['support']);
    support2 = await staffClient(t, ['support']);
    finance = await staffClient(t, ['finance']);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('opens a ticket from the room with the canned answers, the browser and the call’s own events; the user sees it, support sees the diagnostics', async () => {
    const res = await student.post('/api/support/tickets', report({ sessionId: ids.session }));
    expect(res.status, res.text).toBe(201);
    expect(res.json).toMatchObject({ status: 'open', sessionId: ids.session, areas: ['video', 'sound'], device: 'phone', network: 'mobile', workedBefore: 'yes', messages: [] });
    expect(res.json.ref).toMatch(/^T-[0-9A-HJKMNP-TV-Z]{6}$/);
    expect(t.logs()).toContain('support_ticket_opened');

    const mine = await student.get('/api/support/tickets');
    expect(mine.json.tickets.map((x: { id: string }) => x.id)).toContain(res.json.id);

    const queue = await support.client.get('/api/admin/support/tickets?status=open');
    expect(queue.status).toBe(200);
    expect(queue.json.tickets.find((x: { id: string }) => x.id === res.json.id)).toMatchObject({ reporter: { id: ids.student, role: 'student' }, assignee: null, sessionId: ids.session });
    const full = await support.client.get(`/api/admin/support/tickets/${res.json.id}`);
    expect(full.json.diagnostics).toMatchObject({ browser: 'Chrome 150', device: 'phone' });
    expect(full.json.session).toMatchObject({ sessionId: ids.session, reconnects: 1, mediaFailures: 0, candidateTypes: ['relay', 'srflx'], lastQuality: { rttMs: 420, loss: 0.12 } });
    expect(full.json.session.participants).toEqual([{ userId: ids.student, diagnostics: expect.objectContaining({ os: 'Android 14' }) }]);
  });

  it('refuses a report on someone else’s session, an unknown check code and malformed answers, and creates nothing', async () => {
    const before = await rows(t, 'support_tickets');
    const other = await stranger.post('/api/support/tickets', report({ sessionId: ids.session }));
    expect(other.status).toBe(404);
    expect(other.json.error.code).toBe('not_found');
    const code = await student.post('/api/support/tickets', report({ checkReportId: 'ZZZZ-ZZZZ' }));
    expect(code.status).toBe(400);
    expect(code.json.error.details).toEqual({ fields: [{ path: 'checkReportId', message: 'no such report' }] });
    const bad = await student.post('/api/support/tickets', { areas: [], device: 'fridge', network: 'mobile', workedBefore: 'yes', extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('validation_failed');
    expect(leaksInternals(bad.text)).toBe(false);
    const loggedOut = await new Client(t.baseUrl).post('/api/support/tickets', report());
    expect(loggedOut.status).toBe(401);
    expect(await rows(t, 'support_tickets')).toBe(before);
  });

  it('attaches a /check report the user ran, by the code they read out in any case', async () => {
    const ran = await student.post('/api/check/reports', {
      camera: { status: 'pass', detail: 'ok' },
      microphone: { status: 'pass', detail: 'ok', peakLevel: 0.4 },
      speaker: { status: 'skipped', detail: 'not asked' },
      stun: { status: 'pass', detail: 'ok', publicAddressSeen: true, ms: 40 },
      turnUdp: { status: 'fail', detail: 'blocked', ms: null },
      turnTcp: { status: 'pass', detail: 'ok', ms: 90 },
      uploadKbps: 800,
      downloadKbps: 2400,
      diagnostics: { browser: 'Chrome 150', os: 'Android 14', device: 'phone', userAgent: 'x' },
    });
    expect(ran.status, ran.text).toBe(201);
    const res = await student.post('/api/support/tickets', report({ checkReportId: ran.json.id.toLowerCase().replace('-', '') }));
    expect(res.status, res.text).toBe(201);
    expect(res.json.checkReportId).toBe(ran.json.id);
  });

  it('answers the user in the app and on their other channel; internal notes stay with support; the user’s answer reopens it; every step is audited', async () => {
    const opened = (await tutor.post('/api/support/tickets', report({ sessionId: ids.session, areas: ['board'], description: 'The board did not load.' }))).json;
    const auditBefore = await rows(t, 'audit_log');

    const note = await support.client.post(`/api/admin/support/tickets/${opened.id}/notes`, { body: 'Probably the 3G link; ask for a /check run.', reply: false });
    expect(note.status, note.text).toBe(200);
    expect(note.json.status).toBe('open');
    const answer = await support.client.post(`/api/admin/support/tickets/${opened.id}/notes`, { body: 'Sorry about that! Could you run the connection check and send us the code?', reply: true });
    expect(answer.json.status).toBe('waiting');
    expect(answer.json.messages.map((m: { kind: string }) => m.kind)).toEqual(['note', 'reply']);

    // The tutor's view: support's reply, signed by the team, without the internal note.
    const seen = await tutor.get(`/api/support/tickets/${opened.id}`);
    expect(seen.json.messages).toEqual([expect.objectContaining({ kind: 'reply', author: { id: 'support', displayName: 'Tutorline support' } })]);
    const notices = await tutor.get('/api/notifications');
    expect(notices.json.notices.find((n: { kind: string }) => n.kind === 'support.reply')).toMatchObject({ data: { ticketId: opened.id, ref: opened.ref } });
    await channel.until(() => channel.attempts.some((a) => a.userId === ids.tutor && a.message.kind === 'support.reply'), 'the reply on the other channel');
    expect(channel.attempts.find((a) => a.message.kind === 'support.reply')!.message.text).toContain(opened.ref);

    const back = await tutor.post(`/api/support/tickets/${opened.id}/messages`, { body: 'The code is K7Q4-M2XA.' });
    expect(back.json.status).toBe('open');

    const assigned = await support.client.post(`/api/admin/support/tickets/${opened.id}/assign`, { assigneeId: support2.user.id });
    expect(assigned.json.assignee).toMatchObject({ id: support2.user.id });
    const again = await support.client.post(`/api/admin/support/tickets/${opened.id}/assign`, { assigneeId: support2.user.id });
    expect(again.status).toBe(409);
    const toFinance = await support.client.post(`/api/admin/support/tickets/${opened.id}/assign`, { assigneeId: finance.user.id });
    expect(toFinance.status).toBe(400);
    const held = await support2.client.get('/api/admin/support/tickets?assignee=me');
    expect(held.json.tickets.map((x: { id: string }) => x.id)).toEqual([opened.id]);

    const solved = await support2.client.post(`/api/admin/support/tickets/${opened.id}/status`, { status: 'solved', reason: 'board loads after clearing the cache' });
    expect(solved.json).toMatchObject({ status: 'solved', solvedAt: clock.now().toISOString() });
    expect((await support2.client.post(`/api/admin/support/tickets/${opened.id}/status`, { status: 'solved' })).status).toBe(409);

    const audit = await support.client.get(`/api/admin/audit?objectType=support_ticket&objectId=${opened.id}`);
    // Only admins read the log itself: support is refused; the rows are there all the same.
    expect(audit.status).toBe(403);
    // note, reply, assign and solve: four audited actions (the refused ones left nothing).
    expect(await rows(t, 'audit_log')).toBe(auditBefore + 4);
    expect(t.logs()).toContain('support_ticket_status');
  });

  it('does not show one user’s ticket to another, nor the queue to finance or to users', async () => {
    const mine = (await student.post('/api/support/tickets', report())).json;
    expect((await stranger.get(`/api/support/tickets/${mine.id}`)).status).toBe(404);
    expect((await stranger.post(`/api/support/tickets/${mine.id}/messages`, { body: 'hijack' })).status).toBe(404);
    expect((await student.get(`/api/support/tickets/${randomUUID()}`)).status).toBe(404);
    expect((await finance.client.get('/api/admin/support/tickets')).status).toBe(403);
    expect((await student.get('/api/admin/support/tickets')).status).toBe(403);
    expect((await support.client.get(`/api/admin/support/tickets/${randomUUID()}`)).status).toBe(404);
  });

  it(`caps reports at ${DAILY_TICKETS} a day per person, then lets them report again the next day`, async () => {
    const flooder = new Client(t.baseUrl);
    await signUpStudent(flooder);
    for (let i = 0; i < DAILY_TICKETS; i++) {
      expect((await flooder.post('/api/support/tickets', report())).status).toBe(201);
    }
    const refused = await flooder.post('/api/support/tickets', report());
    expect(refused.status).toBe(429);
    expect(refused.json.error.message).toContain('add to one of them');
    clock.advance(86_400_000);
    expect((await flooder.post('/api/support/tickets', report())).status).toBe(201);
  });
});
