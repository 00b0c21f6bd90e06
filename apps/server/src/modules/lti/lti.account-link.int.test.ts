import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PlatformSim } from '../../integrations/lms/simulator';
import { adminClient, Client, signUpStudent, type TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { ltiCounts, offsetClock, runLaunch, simulatorOf, startLtiApp } from './lti.testkit';

const formPost = (body: Record<string, string>, headers: Record<string, string> = {}) => ({
  method: 'POST',
  redirect: 'manual' as const,
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  body: new URLSearchParams(body).toString(),
});

/** Issue #16: a first launch offers "I already have an account" (log in, confirm, linked) or a new account. */
describeEachBackend('LTI account linking', ({ db }) => {
  let t: TestApp;
  let canvas: PlatformSim;
  const clock = offsetClock();

  beforeAll(async () => {
    t = await startLtiApp(db().database, clock);
    const admin = (await adminClient(t)).client;
    canvas = await simulatorOf(t).add({ slug: 'al', dialect: 'canvas', clientId: 'al-canvas', deploymentId: 'al-dep' });
    const res = await admin.post('/api/admin/lti/registrations', canvas.registrationBody());
    expect(res.status, res.text).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a first launch makes nothing until the person chooses, on a page the platform may frame', async () => {
    const before = await ltiCounts(t);
    const res = await runLaunch(t, canvas, 'student-1', { account: 'stay' });
    expect(res.status).toBe(200);
    expect(res.body).toContain('I already have an account');
    expect(res.body).toContain('Continue as a new user');
    expect(res.linkToken).toBeTruthy();
    const after = await ltiCounts(t);
    expect(after.accounts).toBe(before.accounts);
    expect(after.users).toBe(before.users);
  });

  it('"I already have an account": log in, confirm, and the next launch signs in as that account', async () => {
    const mine = new Client(t.baseUrl);
    const { user } = await signUpStudent(mine, { displayName: 'Asha Existing' });
    const first = await runLaunch(t, canvas, 'student-2', { account: 'stay' });
    const token = first.linkToken!;
    const before = await ltiCounts(t);

    // Not logged in (another window of the same browser would be): a log-in link that comes back here.
    const anonymous = await fetch(`${t.baseUrl}/lti/link?token=${encodeURIComponent(token)}`);
    const anonymousPage = await anonymous.text();
    expect(anonymousPage).toContain(`/login?next=${encodeURIComponent(`/lti/link?token=${encodeURIComponent(token)}`)}`);
    const notYet = await fetch(`${t.baseUrl}/lti/link/confirm`, formPost({ token }, { origin: t.baseUrl }));
    expect(notYet.status).toBe(302);
    expect(notYet.headers.get('location')).toMatch(/^\/login\?next=/);

    const confirmPage = await fetch(`${t.baseUrl}/lti/link?token=${encodeURIComponent(token)}`, { headers: { cookie: mine.cookie } });
    expect(await confirmPage.text()).toContain('Link your course to Asha Existing');
    const linked = await fetch(`${t.baseUrl}/lti/link/confirm`, formPost({ token }, { origin: t.baseUrl, cookie: mine.cookie }));
    expect(linked.status).toBe(302);
    expect(linked.headers.get('location')).toMatch(/^\/courses\/[0-9a-f-]{36}$/);
    const after = await ltiCounts(t);
    expect(after.accounts).toBe(before.accounts);
    expect(after.users).toBe(before.users + 1);

    // The link is used once.
    const again = await fetch(`${t.baseUrl}/lti/link/confirm`, formPost({ token }, { origin: t.baseUrl, cookie: mine.cookie }));
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('data-reason="link_unknown"');
    const lateNew = await fetch(`${t.baseUrl}/lti/link/new`, formPost({ token }));
    expect(lateNew.status).toBe(400);

    // The next launch of that LTI identity is a session for the existing account, straight into the course.
    const next = await runLaunch(t, canvas, 'student-2');
    expect(next.status, next.body).toBe(302);
    expect(next.choicePage).toBeUndefined();
    const me = new Client(t.baseUrl);
    me.cookie = next.sessionCookie!;
    expect((await me.get('/api/me')).json.id).toBe(user.id);
    expect((await ltiCounts(t)).accounts).toBe(after.accounts);
  });

  it('"Continue as a new user" makes the school account once and lands in the course', async () => {
    const before = await ltiCounts(t);
    const res = await runLaunch(t, canvas, 'student-3');
    expect(res.status, res.body).toBe(302);
    expect(res.location).toMatch(/^\/courses\/[0-9a-f-]{36}$/);
    expect((await ltiCounts(t)).accounts).toBe(before.accounts + 1);
    const replay = await fetch(`${t.baseUrl}/lti/link/new`, formPost({ token: res.linkToken! }));
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('data-reason="link_unknown"');
    expect((await ltiCounts(t)).accounts).toBe(before.accounts + 1);
  });

  it('the first-launch page is framed by the registration platform only; other answers by nobody', async () => {
    const res = await runLaunch(t, canvas, 'ta-1', { account: 'stay' });
    expect(res.status).toBe(200);
    expect(res.launchHeaders?.get('content-security-policy')).toContain(`frame-ancestors ${new URL(canvas.url).origin} https://canvas.instructure.com`);
    expect(res.launchHeaders?.get('x-frame-options')).toBeNull();
    const stale = await fetch(`${t.baseUrl}/lti/link/new`, formPost({ token: 'nope' }));
    expect(stale.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('the pages a launch lands on may be framed by that platform, for that browser only', async () => {
    const res = await runLaunch(t, canvas, 'student-1');
    expect(res.status, res.body).toBe(302);
    expect(res.frameCookie).toMatch(/^tl_lti_frame=/);
    const framed = await fetch(`${t.baseUrl}/lti/link?token=x`, { headers: { cookie: `${res.sessionCookie}; ${res.frameCookie}` } });
    expect(framed.headers.get('content-security-policy')).toContain(`frame-ancestors ${new URL(canvas.url).origin} https://canvas.instructure.com`);
    expect(framed.headers.get('x-frame-options')).toBeNull();
    const forged = await fetch(`${t.baseUrl}/lti/link?token=x`, { headers: { cookie: `${res.frameCookie!.split('.')[0]}.forged` } });
    expect(forged.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(forged.headers.get('x-frame-options')).toBe('DENY');
  });
});
