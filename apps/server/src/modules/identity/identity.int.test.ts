import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, Client, relaxedLogin, sessionSetCookie, signUpStudent, startTestApp, type TestApp, testPassword, uniqueEmail } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';

// Ages below are computed on this date, so the suite means the same thing in any year.
const clock = { now: () => new Date('2026-06-01T12:00:00Z') };
/** Who gave consent, how, and the evidence: the guardian-consent call needs all of it (identity.consent.int.test.ts). */
const consentBody = { guardianName: 'Meera Iyer', relationship: 'mother', contact: 'parent@example.test', method: 'paper_form', evidence: 'Signed form #2026-0042, scanned' };

describeEachBackend('identity: sign-up, log-in, sessions and minors', ({ db }) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(db().database, { login: relaxedLogin }, clock);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('sign-up, log-in, /api/me and log-out', () => {
    it('signs up a student and a tutor, each logged in at once', async () => {
      const student = new Client(t.baseUrl);
      const s = await signUpStudent(student, { phone: '+919800000001', timeZone: 'Asia/Kolkata' });
      const me = await student.get('/api/me');
      expect(me.status).toBe(200);
      expect(me.json).toMatchObject({ id: s.user.id, role: 'student', email: s.email, phone: '+919800000001', timeZone: 'Asia/Kolkata', canAskOrBook: true, minor: null });

      const tutor = new Client(t.baseUrl);
      const email = uniqueEmail('Tutor');
      const res = await tutor.post('/api/auth/signup', { role: 'tutor', email, password: testPassword, displayName: '  Asha Rao  ' });
      expect(res.status).toBe(201);
      // Emails are stored lower-case and names trimmed; tutors can never ask or book.
      expect(res.json.user).toMatchObject({ role: 'tutor', email: email.toLowerCase(), displayName: 'Asha Rao', canAskOrBook: false, minor: null });
      expect((await tutor.get('/api/me')).json).toMatchObject({ id: res.json.user.id, role: 'tutor' });
    });

    it('issues an HttpOnly, SameSite=Lax, not-Secure cookie over http, with a new session id on every log-in', async () => {
      const client = new Client(t.baseUrl);
      const signup = await client.post('/api/auth/signup', { role: 'student', email: uniqueEmail(), password: testPassword, displayName: 'S', birthDate: '2000-01-01' });
      expect(signup.status).toBe(201);
      const email = signup.json.user.email as string;
      const seen = [client.cookie];

      for (let i = 0; i < 2; i++) {
        const res = await new Client(t.baseUrl).post('/api/auth/login', { email: email.toUpperCase(), password: testPassword });
        expect(res.status).toBe(200);
        const raw = sessionSetCookie(res.headers);
        expect(raw).toBeDefined();
        const attrs = raw!.split(';').map((a) => a.trim().toLowerCase());
        expect(attrs).toContain('httponly');
        expect(attrs).toContain('samesite=lax');
        expect(attrs).toContain('path=/');
        expect(attrs).not.toContain('secure');
        seen.push(raw!.split(';')[0]!);
      }
      expect(new Set(seen).size).toBe(3);
      expect(seen.every((c) => /^tl_session=[A-Za-z0-9_-]{40,}$/.test(c))).toBe(true);
    });

    it('logs out: the cookie is cleared and the old cookie no longer works, while other sessions do', async () => {
      const client = new Client(t.baseUrl);
      const { email } = await signUpStudent(client);
      const other = new Client(t.baseUrl);
      await other.logIn(email, testPassword);
      const oldCookie = client.cookie;

      const out = await client.post('/api/auth/logout');
      expect(out.status).toBe(204);
      expect(sessionSetCookie(out.headers)).toMatch(/^tl_session=;/);
      expect(client.cookie).toBe('');

      client.cookie = oldCookie;
      const me = await client.get('/api/me');
      expect(me.status).toBe(401);
      expect(me.json.error.code).toBe('unauthenticated');
      expect((await other.get('/api/me')).status).toBe(200);
      expect((await client.post('/api/auth/logout')).status).toBe(401);
    });

    it('refuses a duplicate email (in any case) with 409 email_taken and a duplicate phone with 409 phone_taken', async () => {
      const first = await signUpStudent(new Client(t.baseUrl), { phone: '+919800000002' });
      const dupEmail = await new Client(t.baseUrl).post('/api/auth/signup', { role: 'tutor', email: first.email.toUpperCase(), password: testPassword, displayName: 'T' });
      expect(dupEmail.status).toBe(409);
      expect(dupEmail.json.error.code).toBe('email_taken');
      expect(sessionSetCookie(dupEmail.headers)).toBeUndefined();

      const email = uniqueEmail();
      const tutor = { role: 'tutor', email, password: testPassword, displayName: 'T' };
      const dupPhone = await new Client(t.baseUrl).post('/api/auth/signup', { ...tutor, phone: '+919800000002' });
      expect(dupPhone.status).toBe(409);
      expect(dupPhone.json.error.code).toBe('phone_taken');
      // Nothing of the refused tutor was kept: the same email signs up cleanly afterwards.
      expect((await new Client(t.baseUrl).post('/api/auth/signup', tutor)).status).toBe(201);
    });

    it('rejects a wrong password and an unknown email with 401 invalid_credentials and no cookie', async () => {
      const { email } = await signUpStudent(new Client(t.baseUrl));
      for (const body of [
        { email, password: 'not the password' },
        { email: uniqueEmail('nobody'), password: testPassword },
      ]) {
        const res = await new Client(t.baseUrl).post('/api/auth/login', body);
        expect(res.status).toBe(401);
        expect(res.json.error.code).toBe('invalid_credentials');
        expect(sessionSetCookie(res.headers)).toBeUndefined();
      }
    });
  });

  describe('secure cookies', () => {
    let secure: TestApp;
    beforeAll(async () => {
      secure = await startTestApp(db().database, { login: relaxedLogin, secureCookies: true }, clock);
    });
    afterAll(async () => {
      await secure?.close();
    });

    it('marks the session cookie Secure on sign-up, log-in and log-out when secureCookies is on', async () => {
      const client = new Client(secure.baseUrl);
      const email = uniqueEmail();
      const signup = await client.post('/api/auth/signup', { role: 'tutor', email, password: testPassword, displayName: 'T' });
      const login = await new Client(secure.baseUrl).post('/api/auth/login', { email, password: testPassword });
      const logout = await client.post('/api/auth/logout');
      expect([signup.status, login.status, logout.status]).toEqual([201, 200, 204]);
      for (const res of [signup, login, logout]) {
        const attrs = sessionSetCookie(res.headers)!.split(';').map((a) => a.trim().toLowerCase());
        expect(attrs).toEqual(expect.arrayContaining(['secure', 'httponly', 'samesite=lax']));
      }
    });
  });

  describe('minors', () => {
    it('requires a guardian contact for a student under 18, naming body.guardianContact', async () => {
      const res = await new Client(t.baseUrl).post('/api/auth/signup', {
        role: 'student',
        email: uniqueEmail('minor'),
        password: testPassword,
        displayName: 'Kid',
        birthDate: '2011-01-01',
      });
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('validation_failed');
      expect(res.json.error.details.fields).toEqual([expect.objectContaining({ path: 'body.guardianContact' })]);
      expect(res.json.error.message).toContain('body.guardianContact');
    });

    it('requires a birth date from students and refuses one from tutors', async () => {
      const student = await new Client(t.baseUrl).post('/api/auth/signup', { role: 'student', email: uniqueEmail(), password: testPassword, displayName: 'S' });
      expect(student.status).toBe(400);
      expect(student.json.error.details.fields[0].path).toBe('body.birthDate');
      const tutor = await new Client(t.baseUrl).post('/api/auth/signup', { role: 'tutor', email: uniqueEmail(), password: testPassword, displayName: 'T', birthDate: '2000-01-01' });
      expect(tutor.status).toBe(400);
      expect(tutor.json.error.details.fields[0].path).toBe('body.birthDate');
    });

    it('holds a student under 13 back until an admin records guardian consent', async () => {
      const kid = new Client(t.baseUrl);
      const { user } = await signUpStudent(kid, { birthDate: '2015-03-10', guardianContact: 'parent@example.test' });
      const before = await kid.get('/api/me');
      expect(before.json).toMatchObject({
        canAskOrBook: false,
        minor: { isMinor: true, needsConsent: true, guardianContact: 'parent@example.test', consentAt: null },
      });

      // The student cannot record consent for themself.
      expect((await kid.post(`/api/admin/students/${user.id}/guardian-consent`)).status).toBe(403);

      const { client: admin } = await adminClient(t);
      const consent = await admin.post(`/api/admin/students/${user.id}/guardian-consent`, consentBody);
      expect(consent.status).toBe(200);
      expect(consent.json).toMatchObject({ id: user.id, canAskOrBook: true, minor: { isMinor: true, needsConsent: false, consentAt: clock.now().toISOString() } });

      const after = await kid.get('/api/me');
      expect(after.json).toMatchObject({ canAskOrBook: true, minor: { needsConsent: false } });
      expect((await admin.get(`/api/students/${user.id}`)).json).toMatchObject({ canAskOrBook: true });
    });

    it('lets a 15-year-old with a guardian contact ask and book without consent', async () => {
      const teen = new Client(t.baseUrl);
      await signUpStudent(teen, { birthDate: '2011-01-01', guardianContact: '+919811111111' });
      expect((await teen.get('/api/me')).json).toMatchObject({ canAskOrBook: true, minor: { isMinor: true, needsConsent: false } });
    });

    it('answers 404 when consent is recorded for someone who is not a student', async () => {
      const { client: admin, user } = await adminClient(t);
      const res = await admin.post(`/api/admin/students/${user.id}/guardian-consent`, consentBody);
      expect(res.status).toBe(404);
      expect(res.json.error.code).toBe('not_found');
    });
  });
});
