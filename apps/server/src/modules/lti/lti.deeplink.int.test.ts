import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeHint, type PlatformSim } from '../../integrations/lms/simulator';
import { adminClient, Client, signUpTutor, type TestApp } from '../../../test/app';
import { schema } from '../../../test/schema';
import { createIdentityRepo } from '../identity';
import { describeEachBackend } from '../../../test/db';
import type { LaunchRefusal } from './lti.rules';
import { ltiCounts, offsetClock, runLaunch, simulatorOf, startLtiApp } from './lti.testkit';

const form = (body: Record<string, string>) => ({ method: 'POST', redirect: 'manual' as const, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'null' }, body: new URLSearchParams(body).toString() });
const field = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1]?.replace(/&amp;/g, '&').replace(/&quot;/g, '"');
const formAction = (html: string) => /<form method="post" action="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
const csp = (h: Headers) => h.get('content-security-policy') ?? '';

/** Issue #16 Deep Linking 2.0 through the in-repo simulator: the teacher's pick, the signed answer, learners' launches. */
describeEachBackend('LTI deep linking', ({ db }) => {
  let t: TestApp;
  let canvas: PlatformSim;
  let blackboard: PlatformSim;
  let moodle: PlatformSim;
  const clock = offsetClock();
  /** A real approved tutor and an upcoming class in a weekly series, for the picker's lists. */
  let tutorId: string;
  let classId: string;
  let seriesId: string;

  beforeAll(async () => {
    t = await startLtiApp(db().database, clock);
    const admin = (await adminClient(t)).client;
    const sim = simulatorOf(t);
    canvas = await sim.add({ slug: 'dc', dialect: 'canvas', clientId: 'dl-canvas', deploymentId: 'dl-canvas-dep' });
    blackboard = await sim.add({ slug: 'db', dialect: 'blackboard', clientId: 'dl-bb', deploymentId: 'dl-bb-tenant-1' });
    moodle = await sim.add({ slug: 'dm', dialect: 'moodle', clientId: 'dl-moodle', deploymentId: 'dl-moodle-1' });
    for (const p of [canvas, blackboard, moodle]) {
      const res = await admin.post('/api/admin/lti/registrations', p.registrationBody());
      expect(res.status, res.text).toBe(201);
    }
    tutorId = (await signUpTutor(new Client(t.baseUrl), { displayName: 'Priya Deeplinked' })).user.id;
    await createIdentityRepo(db().database.db).setApproval(tutorId, 'approved', tutorId, clock.now());
    seriesId = '2f1c7a3e-0000-4000-8000-00000000a001';
    const startsAt = new Date(clock.now().getTime() + 3 * 86_400_000);
    const [c] = await db()
      .database.db.insert(schema.classes)
      .values({ tutorId, subjectId: 'maths', level: 'grade-9-10', title: 'Algebra circle', description: 'Weekly algebra', language: 'English', startsAt, endsAt: new Date(startsAt.getTime() + 3_600_000), timeZone: 'UTC', capacity: 10, priceMinor: 0, currency: 'INR', status: 'scheduled', seriesId, createdAt: clock.now() })
      .returning();
    classId = c!.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  const logLines = (mark: number) =>
    t
      .logs()
      .slice(mark)
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  /** The teacher's deep-linking launch, as the simulator's button runs it: returns the picker page and its token. */
  async function openPicker(p: PlatformSim, person = 'teacher-1') {
    let replay: Record<string, string> = {};
    const res = await runLaunch(t, p, person, { loginParams: () => p.loginParams(new URL(t.baseUrl).origin, person, { deepLink: true }), beforePost: (f) => void (replay = { ...f }) });
    return { ...res, token: field(res.body, 'token'), replay };
  }

  /** Picks an item and follows the auto-submitted answer to the simulator's return URL. */
  async function pick(p: PlatformSim, choice: Record<string, string>) {
    const picker = await openPicker(p);
    expect(picker.status, picker.body).toBe(200);
    const answer = await fetch(`${t.baseUrl}/lti/deeplink/respond`, form({ token: picker.token!, ...choice }));
    const html = await answer.text();
    expect(answer.status, html).toBe(200);
    const jwt = field(html, 'JWT')!;
    const placed = await fetch(formAction(html)!, form({ JWT: jwt }));
    return { picker, answer, html, jwt, placed, placedBody: await placed.text() };
  }

  it('the teacher picks "Book tutoring" with a score column; the platform receives a signed response and shows the item', async () => {
    const before = canvas.placedItems.length;
    const { picker, answer, html, jwt, placed, placedBody } = await pick(canvas, { kind: 'book', subject: 'maths', minutes: '45', lineItem: 'on', scoreMaximum: '10' });
    // The picker: mobile-first page inside the LMS frame, framed only by the platform's origin.
    expect(picker.body).toContain('Book tutoring');
    expect(picker.body).toContain('name="viewport"');
    const simOrigin = new URL(canvas.url).origin;
    expect(html).toContain(`action="${canvas.url}/deeplink/return"`);
    expect(csp(answer.headers)).toContain(`frame-ancestors ${simOrigin}`);
    expect(csp(answer.headers)).toMatch(new RegExp(`form-action 'self' ${simOrigin}`));
    expect(answer.headers.get('x-frame-options')).toBeNull();

    // The response: RS256 with our current kid, iss = our client id, aud = the platform issuer, deployment and data echoed.
    const header = decodeProtectedHeader(jwt);
    const jwks = (await (await fetch(`${t.baseUrl}/lti/jwks`)).json()) as { keys: { kid: string }[] };
    expect(header.alg).toBe('RS256');
    expect(jwks.keys.map((k) => k.kid)).toContain(header.kid);
    const claims = decodeJwt(jwt);
    expect(claims.iss).toBe('dl-canvas');
    expect(claims.aud).toBe('https://canvas.instructure.com');
    expect(claims['https://purl.imsglobal.org/spec/lti/claim/message_type']).toBe('LtiDeepLinkingResponse');
    expect(claims['https://purl.imsglobal.org/spec/lti/claim/deployment_id']).toBe('dl-canvas-dep');
    expect(typeof claims['https://purl.imsglobal.org/spec/lti-dl/claim/data']).toBe('string');
    const [item] = claims['https://purl.imsglobal.org/spec/lti-dl/claim/content_items'] as Record<string, unknown>[];
    expect(item).toMatchObject({ type: 'ltiResourceLink', url: `${t.baseUrl}/lti/launch`, lineItem: { scoreMaximum: 10, tag: 'tutorline' } });

    // The simulator checked it like a platform and placed it in the course.
    expect(placed.status, placedBody).toBe(200);
    expect(canvas.placedItems.length).toBe(before + 1);
    expect(canvas.placedItems.at(-1)).toMatchObject({ title: 'Book a 45-minute maths lesson', lineItem: { scoreMaximum: 10 } });
    const course = await (await fetch(`${t.baseUrl}/dev/lms`)).text();
    expect(course).toContain('Book a 45-minute maths lesson');
    // The course page's teacher button starts the same flow: a login initiation whose hint asks for a deep link.
    expect(course).toContain('data-testid="lms-deeplink-dc-teacher-1"');
    const button = await fetch(`${t.baseUrl}/dev/lms/dc/deeplink`, form({ person: 'teacher-1' }));
    const loginForm = await button.text();
    expect(formAction(loginForm)).toBe(`${t.baseUrl}/lti/login`);
    expect(decodeHint(field(loginForm, 'lti_message_hint'))).toMatchObject({ person: 'teacher-1', deepLink: true });
  });

  it('a student opening the placed item lands on the slot picker for the pool and length, in the course', async () => {
    const n = canvas.placedItems.findIndex((i) => i.title === 'Book a 45-minute maths lesson');
    const item = canvas.placedItems[n]!;
    const res = await runLaunch(t, canvas, 'student-1', { loginParams: () => canvas.loginParams(new URL(t.baseUrl).origin, 'student-1', { custom: item.custom, resourceLinkId: item.resourceLinkId, targetLinkUri: item.url }) });
    expect(res.status, res.body).toBe(302);
    expect(res.location).toMatch(/^\/tutors\?subject=maths&minutes=45&course=[0-9a-f-]{36}$/);
    // The choice page came first (a first launch) and was framed by the platform only.
    expect(res.choicePage).toContain('I already have an account');
    // Through the simulator's own button too (a real launch of the placed resource link).
    const button = await fetch(`${t.baseUrl}/dev/lms/dc/items/${n}/launch`, form({ person: 'student-1' }));
    const loginForm = await button.text();
    expect(formAction(loginForm)).toBe(`${t.baseUrl}/lti/login`);
    expect(field(loginForm, 'lti_message_hint')).toBeTruthy();
  });

  it('"Instant help" lands the student on the ask page with the subject set', async () => {
    await pick(canvas, { kind: 'instant', subject: 'Physics' });
    const item = canvas.placedItems.at(-1)!;
    const res = await runLaunch(t, canvas, 'student-2', { loginParams: () => canvas.loginParams(new URL(t.baseUrl).origin, 'student-2', { custom: item.custom, resourceLinkId: item.resourceLinkId }) });
    expect(res.status, res.body).toBe(302);
    expect(res.location).toMatch(/^\/student\/ask\?subject=physics&course=/);
  });

  it('Blackboard: the response is addressed to https://blackboard.com; Moodle: to its site issuer', async () => {
    const bb = await pick(blackboard, { kind: 'instant', subject: 'maths' });
    expect(decodeJwt(bb.jwt).aud).toBe('https://blackboard.com');
    expect(bb.placed.status, bb.placedBody).toBe(200);
    const md = await pick(moodle, { kind: 'class', classId });
    expect(decodeJwt(md.jwt).aud).toBe(moodle.issuer);
    expect(md.placed.status, md.placedBody).toBe(200);
  });

  describe('refusals: a clear page, nothing created, the reason logged', () => {
    async function expectRefused(run: () => Promise<{ status: number; body: string }>, reason: LaunchRefusal, event = 'lti_launch_refused') {
      const before = await ltiCounts(t);
      const mark = t.logs().length;
      const res = await run();
      expect(res.status, res.body).toBe(400);
      expect(res.body).toContain(`data-reason="${reason}"`);
      expect(res.body).not.toMatch(/at \S+\.ts:\d+|Error:/);
      expect(await ltiCounts(t)).toEqual(before);
      expect(logLines(mark).some((l) => l.event === event && l.reason === reason)).toBe(true);
    }

    it('a learner cannot deep link', async () => {
      await expectRefused(() => openPicker(canvas, 'student-3'), 'deep_link_not_staff');
    });

    it('a replayed deep-linking request (the same id_token posted again) is refused', async () => {
      const first = await openPicker(canvas);
      expect(first.status).toBe(200);
      await expectRefused(async () => {
        const res = await fetch(`${t.baseUrl}/lti/launch`, { ...form(first.replay), headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: first.stateCookie } });
        return { status: res.status, body: await res.text() };
      }, 'nonce_replayed');
    });

    it('a replayed pick (the picker posted twice) answers once and places one item', async () => {
      const picker = await openPicker(canvas);
      const first = await fetch(`${t.baseUrl}/lti/deeplink/respond`, form({ token: picker.token!, kind: 'instant', subject: 'maths' }));
      expect(first.status).toBe(200);
      await expectRefused(async () => {
        const res = await fetch(`${t.baseUrl}/lti/deeplink/respond`, form({ token: picker.token!, kind: 'instant', subject: 'chemistry' }));
        return { status: res.status, body: await res.text() };
      }, 'deep_link_replayed', 'lti_deep_link_refused');
    });

    it('a bad choice shows the picker again with the problem, and the token still works', async () => {
      const picker = await openPicker(canvas);
      const before = await ltiCounts(t);
      const bad = await fetch(`${t.baseUrl}/lti/deeplink/respond`, form({ token: picker.token!, kind: 'book', subject: 'maths', minutes: '7' }));
      const body = await bad.text();
      expect(bad.status).toBe(400);
      expect(body).toContain('Choose a lesson length');
      expect(await ltiCounts(t)).toEqual(before);
      const good = await fetch(`${t.baseUrl}/lti/deeplink/respond`, form({ token: picker.token!, kind: 'book', subject: 'maths', minutes: '60' }));
      expect(good.status).toBe(200);
    });

    it('the picker lists real tutors by name and classes by title, a search narrows them, and an id naming nothing real is refused', async () => {
      const picker = await openPicker(canvas);
      expect(picker.body).toContain(`<option value="${tutorId}">Priya Deeplinked</option>`);
      expect(picker.body).toMatch(new RegExp(`<option value="${classId}">Algebra circle · `));
      expect(picker.body).toMatch(new RegExp(`<option value="${seriesId}">Algebra circle · from `));
      expect(picker.body).toContain('<option value="maths">Mathematics</option>');
      expect(picker.body).not.toMatch(/Tutorline tutor id|Class id|Series id/);

      const search = (q: string) => fetch(`${t.baseUrl}/lti/deeplink/search`, form({ token: picker.token!, q })).then(async (r) => ({ status: r.status, body: await r.text() }));
      const found = await search('priya');
      expect(found.status).toBe(200);
      expect(found.body).toContain('Priya Deeplinked');
      const none = await search('zzz-nobody');
      expect(none.body).not.toContain('Priya Deeplinked');
      expect(none.body).toContain('No upcoming class title matches');
      expect((await fetch(`${t.baseUrl}/lti/deeplink/search`, form({ token: 'forged', q: 'x' }))).status).toBe(400);

      const before = await ltiCounts(t);
      for (const [choice, words] of [
        [{ kind: 'book', tutorId: '00000000-0000-4000-8000-000000000000', minutes: '60' }, 'The tutor is not one Tutorline knows'],
        [{ kind: 'class', classId: '00000000-0000-4000-8000-000000000000' }, 'not an upcoming Tutorline class'],
        [{ kind: 'series', seriesId: '00000000-0000-4000-8000-000000000000' }, 'no upcoming classes'],
        [{ kind: 'instant', subject: 'astrology' }, 'not one Tutorline teaches'],
        [{ kind: 'book', subject: 'astrology', minutes: '60' }, 'not one Tutorline teaches'],
      ] as const) {
        const res = await fetch(`${t.baseUrl}/lti/deeplink/respond`, form({ token: picker.token!, ...choice }));
        expect(res.status).toBe(400);
        expect(await res.text()).toContain(words);
      }
      expect(await ltiCounts(t)).toEqual(before);
      // The token still works: the real tutor is placed.
      const good = await fetch(`${t.baseUrl}/lti/deeplink/respond`, form({ token: picker.token!, kind: 'book', tutorId, minutes: '45' }));
      expect(good.status).toBe(200);
    });

    it('an item this platform never placed is refused', async () => {
      await expectRefused(
        () => runLaunch(t, canvas, 'student-1', { loginParams: () => canvas.loginParams(new URL(t.baseUrl).origin, 'student-1', { custom: { tutorline_item: '00000000-0000-4000-8000-000000000000' } }) }),
        'item_unknown',
      );
      // Another school's item is unknown here too.
      const theirs = blackboard.placedItems[0]!;
      await expectRefused(() => runLaunch(t, canvas, 'student-1', { loginParams: () => canvas.loginParams(new URL(t.baseUrl).origin, 'student-1', { custom: theirs.custom }) }), 'item_unknown');
    });

    it('a refusal before the registration is known is framed by nobody', async () => {
      const res = await fetch(`${t.baseUrl}/lti/launch`, form({ state: 'forged-state-0000000000000000000000000000', id_token: 'x' }));
      expect(res.status).toBe(400);
      expect(csp(res.headers)).toContain("frame-ancestors 'none'");
    });
  });

  it('everything outside the LTI pages keeps frame-ancestors none', async () => {
    const me = new Client(t.baseUrl);
    const res = await me.get('/lti/link?token=abc', { accept: 'text/html' });
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(csp(res.headers)).toContain("frame-ancestors 'none'");
  });
});
