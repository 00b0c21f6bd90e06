import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, signUpTutor } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { schema } from '../../../test/schema';
import { SocketPool, type TestSocket } from '../../../test/sockets';
import { codeFor, consentByCode, declarationOf, guardianFromInvite, type GuardianWorld, inviteTokenSentTo, newWaNumber, signUpChild, startGuardianWorld } from './guardians.testkit';

/** 2026-06-01 is a Monday; 06:30 UTC is 12:00 in Kolkata. */
let now = new Date('2026-06-01T06:30:00.000Z');
const clock = { now: () => now };
const TWELVE = '2014-03-10';
const FIFTEEN = '2011-01-01';

/** Issue #20: the guardian's link, verifiable consent by one-time code and signed declaration, its evidence, enforcement and revoking. */
describeEachBackend('guardians: link, consent and its evidence, enforcement, revoke', ({ db }) => {
  let w: GuardianWorld;
  const sockets = new SocketPool();
  beforeAll(async () => {
    w = await startGuardianWorld(db().database, clock);
  });
  afterAll(async () => {
    sockets.closeAll();
    await w?.close();
  });
  const me = async (c: Client) => (await c.get('/api/me')).json;
  const ask = (c: Client) => c.post('/api/help/questions', { requestId: crypto.randomUUID(), subjectId: 'maths', level: 'grade-1-5', photoIds: [crypto.randomUUID()] });
  const book = (c: Client, tutorId: string) => c.post('/api/bookings', { tutorId, start: '2026-06-03T08:30:00.000Z', durationMinutes: 60, idempotencyKey: crypto.randomUUID() });
  const joinAck = (s: TestSocket, sessionId: string) => (s as unknown as { timeout(ms: number): { emitWithAck(e: string, p: unknown): Promise<any> } }).timeout(5_000).emitWithAck('room:join', { sessionId });

  it('the consent age follows the country: a 15-year-old needs consent in India, not in France; sign-up keeps the country', async () => {
    const india = await signUpChild(w, { birthDate: FIFTEEN, country: 'in', guardianContact: 'parent@example.test' });
    expect(await me(india.client)).toMatchObject({ country: 'IN', canAskOrBook: false, minor: { needsConsent: true } });
    const france = await signUpChild(w, { birthDate: FIFTEEN, country: 'FR', guardianContact: 'parent@example.test' });
    expect(await me(france.client)).toMatchObject({ country: 'FR', canAskOrBook: true, minor: { needsConsent: false } });
    const bad = await new Client(w.t.baseUrl).post('/api/auth/signup', { role: 'student', email: 'x@example.test', password: 'correct horse battery', displayName: 'X', birthDate: FIFTEEN, guardianContact: 'p@example.test', country: 'India' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.fields[0].path).toBe('body.country');
  });

  it('a 12-year-old in India is refused ask, book and joining a call with consent_required; the guardian gets the link on WhatsApp', async () => {
    const guardianWa = newWaNumber();
    const child = await signUpChild(w, { birthDate: TWELVE, country: 'IN', guardianContact: `+${guardianWa}` });
    const token = await inviteTokenSentTo(w, guardianWa);
    expect(w.texts(guardianWa)[0]).toContain('Asha asked you to be their guardian');
    const asked = await ask(child.client);
    expect(asked.status).toBe(403);
    expect(asked.json.error).toMatchObject({ code: 'consent_required', message: expect.stringMatching(/parent or guardian needs to give consent/) });
    const tutor = await signUpTutor(new Client(w.t.baseUrl));
    const booked = await book(child.client, tutor.user.id);
    expect(booked.status).toBe(403);
    expect(booked.json.error.code).toBe('consent_required');
    const [session] = await db().database.db.insert(schema.tutoringSessions).values({ kind: 'instant', studentId: child.id, tutorId: tutor.user.id, startedAt: now }).returning();
    const s = (await sockets.connect(w.t.baseUrl, child.client.cookie)).socket;
    expect(await joinAck(s, session!.id)).toEqual({ ok: false, error: { code: 'consent_required', message: 'A parent or guardian needs to give consent before you can join a call.' } });
    // Browsing works.
    expect((await child.client.get('/api/tutors')).status).toBe(200);
    // The link's page names the child and shows the declaration.
    expect(await declarationOf(w, token)).toMatchObject({ declarationVersion: expect.any(String), declarationText: expect.stringContaining('I am the parent or legal guardian of Asha') });
    expect(w.t.logs()).not.toContain(token);
  });

  it('consent by one-time code and signed declaration: evidence kept (method, time, IP, exact text, guardian); the child may then act and join', async () => {
    const guardianWa = newWaNumber();
    const child = await signUpChild(w, { birthDate: TWELVE, country: 'IN', guardianContact: `+${guardianWa}` });
    const token = await inviteTokenSentTo(w, guardianWa);
    const g = await guardianFromInvite(w, token);
    expect(await me(g.client)).toMatchObject({ role: 'guardian' });
    const children = (await g.client.get('/api/guardian/children')).json.children;
    expect(children).toEqual([expect.objectContaining({ id: child.id, status: 'pending', consentAt: null })]);

    // A wrong code, a missing signature and a changed text are refused and change nothing.
    await codeFor(w, g.client, child.id, guardianWa);
    const decl = await declarationOf(w, token);
    const wrong = await g.client.post(`/api/guardian/children/${child.id}/consent`, { method: 'otp_declaration', code: '000000', fullName: 'Meera Iyer', agreed: true, ...decl });
    expect([400]).toContain(wrong.status);
    const unsigned = await g.client.post(`/api/guardian/children/${child.id}/consent`, { method: 'otp_declaration', code: '123456', fullName: 'Meera Iyer', agreed: false, ...decl });
    expect(unsigned.status).toBe(400);
    const changed = await g.client.post(`/api/guardian/children/${child.id}/consent`, { method: 'otp_declaration', code: '123456', fullName: 'Meera Iyer', agreed: true, ...decl, declarationText: `${decl.declarationText} and more` });
    expect(changed.status).toBe(409);
    expect(await me(child.client)).toMatchObject({ canAskOrBook: false });
    expect(await db().database.db.select().from(schema.guardianConsentEvidence).where(eq(schema.guardianConsentEvidence.studentId, child.id))).toEqual([]);

    const consented = await consentByCode(w, g.client, child.id, guardianWa, token);
    expect(consented.status, consented.text).toBe(200);
    const [ev] = await db().database.db.select().from(schema.guardianConsentEvidence).where(eq(schema.guardianConsentEvidence.studentId, child.id));
    expect(ev).toMatchObject({ guardianId: g.id, method: 'otp_declaration', at: now, ip: '127.0.0.1', textVersion: decl.declarationVersion, textAgreed: decl.declarationText, signedName: 'Meera Iyer', otpPhone: `+${guardianWa}` });
    expect(await me(child.client)).toMatchObject({ canAskOrBook: true, minor: { needsConsent: false, consentAt: now.toISOString() } });
    const audit = w.t.logs().split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((l) => l.event === 'guardian_consent_given' && l.studentId === child.id);
    expect(audit).toMatchObject({ audit: true, guardianId: g.id, method: 'otp_declaration' });
    // The code is used up: the same code again is refused.
    const code = await codeFor(w, g.client, child.id, guardianWa);
    const again = { method: 'otp_declaration', code, fullName: 'Meera Iyer', agreed: true, ...decl };
    expect((await g.client.post(`/api/guardian/children/${child.id}/consent`, again)).status).toBe(200);
    expect((await g.client.post(`/api/guardian/children/${child.id}/consent`, again)).json.error.message).toMatch(/already used/);

    const tutor = await signUpTutor(new Client(w.t.baseUrl));
    const [session] = await db().database.db.insert(schema.tutoringSessions).values({ kind: 'instant', studentId: child.id, tutorId: tutor.user.id, startedAt: now }).returning();
    const s = (await sockets.connect(w.t.baseUrl, child.client.cookie)).socket;
    expect(await joinAck(s, session!.id)).toMatchObject({ ok: true });
  });

  it('the code never goes to the child’s own number; another guardian’s child is not yours', async () => {
    const guardianWa = newWaNumber();
    const childPhone = `+${newWaNumber()}`;
    const child = await signUpChild(w, { birthDate: TWELVE, country: 'IN', guardianContact: `+${guardianWa}`, phone: childPhone });
    const g = await guardianFromInvite(w, await inviteTokenSentTo(w, guardianWa));
    const same = await g.client.post(`/api/guardian/children/${child.id}/code`, { phone: childPhone });
    expect(same.status).toBe(400);
    expect(same.json.error.message).toMatch(/not your child’s/);
    const otherWa = newWaNumber();
    await signUpChild(w, { birthDate: TWELVE, country: 'IN', guardianContact: `+${otherWa}` });
    const other = await guardianFromInvite(w, await inviteTokenSentTo(w, otherWa));
    expect((await other.client.post(`/api/guardian/children/${child.id}/code`, { phone: `+${otherWa}` })).status).toBe(404);
    expect((await other.client.post(`/api/guardian/children/${child.id}/revoke`)).status).toBe(404);
    expect((await child.client.get('/api/guardian/children')).status).toBe(403);
  });

  it('a child has at most two guardians; one guardian has several children; revoking stops asking at once', async () => {
    const wa1 = newWaNumber();
    const wa2 = newWaNumber();
    const wa3 = newWaNumber();
    const child = await signUpChild(w, { birthDate: TWELVE, country: 'IN', guardianContact: `+${wa1}` });
    const first = await guardianFromInvite(w, await inviteTokenSentTo(w, wa1));
    for (const wa of [wa2, wa3]) expect((await child.client.post('/api/guardians/invite', { contact: `+${wa}` })).status).toBe(200);
    const second = await guardianFromInvite(w, await inviteTokenSentTo(w, wa2));
    const thirdClient = new Client(w.t.baseUrl);
    const third = await thirdClient.post(`/api/guardian-invites/${await inviteTokenSentTo(w, wa3)}/signup`, { email: `third-${Date.now()}@example.test`, password: 'correct horse battery', displayName: 'Third' });
    expect(third.status).toBe(409);
    expect(third.json.error.message).toMatch(/already has two guardians/);
    expect((await second.client.get('/api/guardian/children')).json.children.map((c: { id: string }) => c.id)).toEqual([child.id]);

    // The first guardian's second child, through a link taken up while logged in.
    const wa4 = newWaNumber();
    const sibling = await signUpChild(w, { birthDate: TWELVE, country: 'IN', guardianContact: `+${wa4}` });
    const accepted = await first.client.post(`/api/guardian-invites/${await inviteTokenSentTo(w, wa4)}/accept`);
    expect(accepted.status, accepted.text).toBe(200);
    expect(((await first.client.get('/api/guardian/children')).json.children as { id: string }[]).map((c) => c.id).sort()).toEqual([child.id, sibling.id].sort());

    expect((await consentByCode(w, second.client, child.id, wa2, await inviteTokenSentTo(w, wa2))).status).toBe(200);
    expect(await me(child.client)).toMatchObject({ canAskOrBook: true });
    expect((await first.client.post(`/api/guardian/children/${child.id}/revoke`)).status).toBe(204);
    expect(await me(child.client)).toMatchObject({ canAskOrBook: false });
    expect((await ask(child.client)).json.error.code).toBe('consent_required');
    const links = await db().database.db.select().from(schema.guardianLinks).where(eq(schema.guardianLinks.studentId, child.id));
    expect(links.map((l) => [l.guardianId, l.status]).sort()).toEqual([[first.id, 'revoked'], [second.id, 'pending']].sort());
  });

  it('refuses bad input with clear errors and changes nothing', async () => {
    const adult = await signUpChild(w, { birthDate: '2000-01-01', guardianContact: 'x@example.test' });
    expect((await adult.client.post('/api/guardians/invite', { contact: '+919800000000' })).status).toBe(409);
    const kid = await signUpChild(w, { birthDate: TWELVE, country: 'IN', guardianContact: 'mum@example.test' });
    const bad = await kid.client.post('/api/guardians/invite', { contact: 'not a contact' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/country code/);
    // An email guardian contact is kept; with email not configured (tests' default) it is not sent.
    expect((await kid.client.post('/api/guardians/invite', { contact: 'dad@example.test' })).json).toEqual({ channel: 'email', sent: false });
    expect((await new Client(w.t.baseUrl).get('/api/guardian-invites/AAAAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
    // A link older than 14 days: the page says so, and no account is made from it.
    const waOld = newWaNumber();
    await signUpChild(w, { birthDate: TWELVE, country: 'IN', guardianContact: `+${waOld}` });
    const token = await inviteTokenSentTo(w, waOld);
    const start = now;
    now = new Date(start.getTime() + 15 * 86_400_000);
    try {
      expect((await new Client(w.t.baseUrl).get(`/api/guardian-invites/${token}`)).json).toMatchObject({ expired: true });
      const late = await new Client(w.t.baseUrl).post(`/api/guardian-invites/${token}/signup`, { email: `late-${Date.now()}@example.test`, password: 'correct horse battery', displayName: 'Late' });
      expect(late.status).toBe(410);
      expect(late.json.error.message).toMatch(/expired/);
    } finally {
      now = start;
    }
  });
});
