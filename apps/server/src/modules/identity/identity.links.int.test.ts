import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, relaxedLogin, signUpStudent, startTestApp, type TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';

/** GET a link without following the redirect; returns the status, Location and the session cookie it set. */
async function open(baseUrl: string, path: string) {
  const res = await fetch(baseUrl + path, { redirect: 'manual' });
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('tl_session='))?.split(';')[0];
  return { status: res.status, location: res.headers.get('location'), cookie };
}

describeEachBackend('identity: log-in links and WhatsApp accounts', ({ db }) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(db().database, { login: relaxedLogin });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('logs the holder in and opens the page it was made for, a few times at most', async () => {
    const client = new Client(t.baseUrl);
    const { user } = await signUpStudent(client);
    const token = await t.app.identity.createLoginLink(user.id, '/session/00000000-0000-4000-8000-000000000000');
    const first = await open(t.baseUrl, `/l/${token}`);
    expect(first.status).toBe(303);
    expect(first.location).toBe('/session/00000000-0000-4000-8000-000000000000');
    const me = await fetch(`${t.baseUrl}/api/me`, { headers: { cookie: first.cookie! } });
    expect(((await me.json()) as { id: string }).id).toBe(user.id);
    for (let i = 0; i < 4; i++) expect((await open(t.baseUrl, `/l/${token}`)).status).toBe(303);
    const usedUp = await open(t.baseUrl, `/l/${token}`);
    expect(usedUp).toMatchObject({ status: 303, location: '/login?reason=link-expired', cookie: undefined });
    expect(t.logs()).toContain('login_link_used');
  });

  it('sends an unknown or malformed link to the log-in page or a 400, and never redirects off-site', async () => {
    expect(await open(t.baseUrl, `/l/${'x'.repeat(32)}`)).toMatchObject({ status: 303, location: '/login?reason=link-expired' });
    expect((await open(t.baseUrl, '/l/short')).status).toBe(400);
    const client = new Client(t.baseUrl);
    const { user } = await signUpStudent(client);
    const token = await t.app.identity.createLoginLink(user.id, '//evil.example/path');
    expect((await open(t.baseUrl, `/l/${token}`)).location).toBe('/');
  });

  it('expires links after their time', async () => {
    const client = new Client(t.baseUrl);
    const { user } = await signUpStudent(client);
    const token = await t.app.identity.createLoginLink(user.id, '/student', -1);
    expect((await open(t.baseUrl, `/l/${token}`)).location).toBe('/login?reason=link-expired');
  });

  it('makes one student account per WhatsApp number, even when two first messages race', async () => {
    const waId = `9198${Date.now().toString().slice(-8)}`;
    const [a, b] = await Promise.all([t.app.identity.findOrCreateWhatsAppStudent(waId, 'Asha'), t.app.identity.findOrCreateWhatsAppStudent(waId, 'Asha')]);
    expect(a.id).toBe(b.id);
    expect(a).toMatchObject({ role: 'student', phone: `+${waId}`, displayName: 'Asha' });
    // Nobody can log in to it with a password.
    expect((await new Client(t.baseUrl).post('/api/auth/login', { email: a.email, password: '' })).status).toBe(400);
  });
});
