import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, relaxedLogin, signUpStudent, signUpTutor, staffClient, startTestApp, type TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { schema } from '../../../test/schema';

describeEachBackend('support lookups: search, a person’s timeline and a session’s page', ({ db }) => {
  let t: TestApp;
  let ids: { student: string; tutor: string; failed: string; fine: string };
  const phone = `+9198${String(Date.now()).slice(-8)}`;
  let support: Client;
  let finance: Client;
  let ops: Client;

  beforeAll(async () => {
    t = await startTestApp(db().database, { login: relaxedLogin });
    const st = await signUpStudent(new Client(t.baseUrl), { displayName: 'Meera Kapoor', phone });
    const tt = await signUpTutor(new Client(t.baseUrl), { displayName: 'Ravi Tutor' });
    const d = t.app.database.db;
    const at = (m: number) => new Date(Date.parse('2026-12-01T09:00:00Z') + m * 60_000);
    const [fine] = await d.insert(schema.tutoringSessions).values({ kind: 'instant', status: 'ended', studentId: st.user.id, tutorId: tt.user.id, startedAt: at(0), endedAt: at(12) }).returning();
    const [failed] = await d.insert(schema.tutoringSessions).values({ kind: 'instant', status: 'ended', studentId: st.user.id, tutorId: tt.user.id, startedAt: at(60), endedAt: at(64) }).returning();
    ids = { student: st.user.id, tutor: tt.user.id, failed: failed!.id, fine: fine!.id };
    await d.insert(schema.callEvents).values([
      { sessionId: fine!.id, userId: st.user.id, type: 'media-connected', at: at(1), data: { localCandidateType: 'host', remoteCandidateType: 'host', protocol: 'udp', setupMs: 300 } },
      { sessionId: failed!.id, userId: st.user.id, type: 'joined', at: at(60), data: {} },
      { sessionId: failed!.id, userId: tt.user.id, type: 'joined', at: at(60), data: {} },
      { sessionId: failed!.id, userId: st.user.id, type: 'diagnostics', at: at(60), data: { diagnostics: { browser: 'Chrome 150', os: 'Android 14', device: 'phone', userAgent: 'x' } } },
      { sessionId: failed!.id, userId: st.user.id, type: 'media-connected', at: at(61), data: { localCandidateType: 'relay', remoteCandidateType: 'relay', protocol: 'tcp', setupMs: 4200 } },
      { sessionId: failed!.id, userId: st.user.id, type: 'reconnecting', at: at(62), data: { cause: 'ice-failed' } },
      { sessionId: failed!.id, userId: st.user.id, type: 'media-failed', at: at(63), data: { reason: 'ice-failed' } },
    ]);
    await d.insert(schema.roomMessages).values([{ sessionId: failed!.id, senderId: st.user.id, clientId: randomUUID(), body: 'can you hear me?', createdAt: at(62) }]);
    await d.insert(schema.payments).values({ provider: 'fake', providerPaymentId: `p-${randomUUID()}`, studentId: st.user.id, amountMinor: 49_900, currency: 'INR', status: 'succeeded', paidAt: at(-60) });
    support = (await staffClient(t, ['support'])).client;
    finance = (await staffClient(t, ['finance'])).client;
    ops = (await staffClient(t, ['ops'])).client;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('finds a person by phone (typed with spaces), by name, by email, and by a session id', async () => {
    const spaced = `${phone.slice(0, 3)} ${phone.slice(3, 8)} ${phone.slice(8)}`;
    const byPhone = await support.get(`/api/admin/support/search?q=${encodeURIComponent(spaced)}`);
    expect(byPhone.status, byPhone.text).toBe(200);
    expect(byPhone.json).toMatchObject({ matchedBy: 'people', people: [{ id: ids.student, displayName: 'Meera Kapoor', phone }] });
    expect((await support.get('/api/admin/support/search?q=meera%20kap')).json.people.map((p: { id: string }) => p.id)).toEqual([ids.student]);
    const bySession = await support.get(`/api/admin/support/search?q=${ids.failed}`);
    expect(bySession.json).toMatchObject({ matchedBy: 'session', sessionId: ids.failed });
    expect(bySession.json.people.map((p: { id: string }) => p.id).sort()).toEqual([ids.student, ids.tutor].sort());
    const short = await support.get('/api/admin/support/search?q=x');
    expect(short.status).toBe(400);
    expect(short.json.error.message).toContain('type at least 2 characters');
  });

  it('shows a timeline newest first with the calls and their trouble, and no money to support', async () => {
    const res = await support.get(`/api/admin/support/people/${ids.student}/timeline`);
    expect(res.status, res.text).toBe(200);
    expect(res.json.paymentsShown).toBe(false);
    const kinds = res.json.entries.map((e: { kind: string }) => e.kind);
    expect(kinds).not.toContain('payment');
    expect(kinds).toContain('signup');
    const calls = res.json.entries.filter((e: { kind: string }) => e.kind === 'session');
    expect(calls.map((c: { sessionId: string }) => c.sessionId)).toEqual([ids.failed, ids.fine]);
    expect(calls[0]).toMatchObject({ title: 'Instant-help call with Ravi Tutor', detail: '4 min · 1 reconnect · 2 failures · relay only', problem: true });
    expect(calls[1]).toMatchObject({ detail: '12 min', problem: false });
    expect(JSON.stringify(res.json)).not.toMatch(/499|INR/);
    const money = await finance.get(`/api/admin/support/people/${ids.student}/timeline`);
    expect(money.json.paymentsShown).toBe(true);
    expect(money.json.entries.find((e: { kind: string }) => e.kind === 'payment')).toMatchObject({ title: 'Paid 499.00 INR (fake)' });
    expect((await support.get(`/api/admin/support/people/${randomUUID()}/timeline`)).status).toBe(404);
  });

  it("opens a session's page: both sides, candidate types, chat count (not the words), and why it failed", async () => {
    const res = await support.get(`/api/admin/support/sessions/${ids.failed}`);
    expect(res.status, res.text).toBe(200);
    expect(res.json.chatCount).toBe(1);
    expect(res.text).not.toContain('can you hear me');
    expect(res.json.sides).toMatchObject([
      { role: 'student', displayName: 'Meera Kapoor', candidateTypes: ['relay'], reconnects: 1, mediaFailures: 1, lastIceState: 'failed', diagnostics: { browser: 'Chrome 150' } },
      { role: 'tutor', displayName: 'Ravi Tutor', candidateTypes: [], reconnects: 0 },
    ]);
    expect(res.json.findings).toEqual(
      expect.arrayContaining([expect.stringContaining('Meera Kapoor (student): ICE failed once'), expect.stringContaining('Meera Kapoor (student): only relay candidates worked'), expect.stringContaining('Ravi Tutor (tutor): joined the room but video and sound never connected')]),
    );
    expect((await ops.get(`/api/admin/support/sessions/${ids.failed}`)).status).toBe(200);
    const refused = await finance.get(`/api/admin/support/sessions/${ids.failed}`);
    expect(refused.status).toBe(403);
    expect((await support.get(`/api/admin/support/sessions/${randomUUID()}`)).status).toBe(404);
  });
});
