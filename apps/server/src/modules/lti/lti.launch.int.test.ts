import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformSim, Tamper } from '../../integrations/lms/simulator';
import { adminClient, Client, type TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { LOGIN_TTL_SECONDS, type LaunchRefusal } from './lti.rules';
import { ltiCounts, offsetClock, runLaunch, simulatorOf, startLtiApp } from './lti.testkit';

/** Issue #16: every bad launch in the "Bad input" list, against the in-repo LMS simulator, plus a happy one. */
describeEachBackend('LTI 1.3 launch', ({ db }) => {
  let t: TestApp;
  let admin: Client;
  let canvas: PlatformSim;
  const clock = offsetClock();

  beforeAll(async () => {
    t = await startLtiApp(db().database, clock);
    admin = (await adminClient(t)).client;
    canvas = await simulatorOf(t).add({ slug: 'c1', dialect: 'canvas', clientId: 'canvas-client-1', deploymentId: 'canvas-dep-1' });
    const res = await admin.post('/api/admin/lti/registrations', canvas.registrationBody());
    expect(res.status, res.text).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A refused launch: a 400 page that names the reason in words, nothing created, and a log line with the reason. */
  async function expectRefused(run: () => Promise<{ status: number; body: string }>, reason: LaunchRefusal) {
    const before = await ltiCounts(t);
    const logMark = t.logs().length;
    const res = await run();
    expect(res.status, res.body).toBe(400);
    expect(res.body).toContain(`data-reason="${reason}"`);
    expect(res.body).toContain('Could not open Tutorline');
    expect(res.body).not.toMatch(/at \S+\.ts:\d+|Error:/);
    expect(await ltiCounts(t)).toEqual(before);
    const lines = t
      .logs()
      .slice(logMark)
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.some((l) => l.event === 'lti_launch_refused' && l.reason === reason)).toBe(true);
  }

  describe('refuses each bad token, creating nothing', () => {
    const cases: [Tamper, LaunchRefusal][] = [
      ['alg_none', 'alg_not_allowed'],
      ['hs256_public_key', 'alg_not_allowed'],
      ['rs512', 'alg_not_allowed'],
      ['unknown_kid', 'unknown_kid'],
      ['wrong_iss', 'wrong_issuer'],
      ['wrong_aud', 'wrong_audience'],
      ['wrong_azp', 'wrong_azp'],
      ['expired', 'expired'],
      ['future_iat', 'iat_in_future'],
      ['old_iat', 'iat_too_old'],
      ['nonce_missing', 'nonce_missing'],
      ['nonce_mismatch', 'nonce_mismatch'],
      ['unknown_deployment', 'unknown_deployment'],
      ['wrong_version', 'wrong_version'],
      ['wrong_message_type', 'unsupported_message_type'],
      ['no_resource_link', 'resource_link_missing'],
      ['target_off_origin', 'target_link_uri_off_origin'],
    ];
    for (const [tamper, reason] of cases) {
      it(`${tamper} → ${reason}`, async () => {
        await expectRefused(() => runLaunch(t, canvas, 'student-1', { tamper }), reason);
      });
    }

    it('an unknown kid refetches the platform keyset exactly once, then refuses', async () => {
      const before = canvas.jwksFetches;
      await expectRefused(() => runLaunch(t, canvas, 'student-1', { tamper: 'unknown_kid' }), 'unknown_kid');
      // Each unknown kid is new (a rogue key per token): one refetch for it, no more.
      expect(canvas.jwksFetches - before).toBe(1);
    });

    it('a replayed nonce (the same form posted twice) is refused the second time', async () => {
      let replay: Record<string, string> = {};
      let stateCookie = '';
      const first = await runLaunch(t, canvas, 'student-2', {
        beforePost: (form) => {
          replay = { ...form };
        },
      });
      stateCookie = first.stateCookie;
      expect(first.status).toBe(302);
      await expectRefused(
        async () => {
          const res = await fetch(`${t.baseUrl}/lti/launch`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: stateCookie }, body: new URLSearchParams(replay).toString() });
          return { status: res.status, body: await res.text() };
        },
        'nonce_replayed',
      );
    });

    it('a missing state', async () => {
      await expectRefused(() => runLaunch(t, canvas, 'student-1', { beforePost: (f) => void delete f.state }), 'state_missing');
    });

    it('a forged state', async () => {
      await expectRefused(() => runLaunch(t, canvas, 'student-1', { beforePost: (f) => void (f.state = 'forged-state-value-0000000000000000000000') }), 'state_forged');
    });

    it('an expired state', async () => {
      try {
        await expectRefused(() => runLaunch(t, canvas, 'student-1', { beforePost: () => clock.advance((LOGIN_TTL_SECONDS + 5) * 1000) }), 'state_expired');
      } finally {
        clock.reset();
      }
    });

    it('a state without its cookie, or with another browser\u2019s', async () => {
      await expectRefused(() => runLaunch(t, canvas, 'student-1', { cookie: 'none' }), 'state_cookie_mismatch');
      await expectRefused(() => runLaunch(t, canvas, 'student-1', { cookie: 'other' }), 'state_cookie_mismatch');
    });

    it('a login whose target_link_uri is off our origin is refused before redirecting anywhere', async () => {
      await expectRefused(() => runLaunch(t, canvas, 'student-1', { targetLinkUri: 'https://evil.example/lti' }), 'target_link_uri_off_origin');
    });

    it('a login from an unknown issuer or deployment', async () => {
      await expectRefused(() => runLaunch(t, canvas, 'student-1', { loginParams: (p) => ({ ...p, iss: 'https://unknown-lms.example' }) }), 'unknown_platform');
      await expectRefused(() => runLaunch(t, canvas, 'student-1', { loginParams: (p) => ({ ...p, lti_deployment_id: 'nope' }) }), 'unknown_deployment');
    });
  });

  describe('a good launch', () => {
    it('creates the student, the course and a session, and lands in the course', async () => {
      const before = await ltiCounts(t);
      const res = await runLaunch(t, canvas, 'student-3', { loginMethod: 'GET' });
      expect(res.status, res.body).toBe(302);
      expect(res.location).toMatch(/^\/courses\/[0-9a-f-]{36}$/);
      expect(res.sessionCookie).toBeTruthy();
      const after = await ltiCounts(t);
      expect(after.accounts).toBe(before.accounts + 1);
      expect(after.users).toBe(before.users + 1);
      const me = new Client(t.baseUrl);
      me.cookie = res.sessionCookie!;
      const profile = await me.get('/api/me');
      expect(profile.status).toBe(200);
      expect(profile.json.role).toBe('student');
      expect(profile.json.displayName).toBe('Chen Learner');
      // The school did not allow emails: none kept.
      expect(profile.json.email).toMatch(/@lti\.tutorline\.invalid$/);
      const courseId = res.location!.split('/').pop();
      const course = await me.get(`/api/lti/courses/${courseId}`);
      expect(course.json).toMatchObject({ title: 'Year 9 Mathematics', label: 'MATH9', courseRole: 'learner' });
      // The admin's view shows the school as the consent basis.
      const listed = await admin.get('/api/admin/users?role=student');
      expect(listed.json.users.find((u: { id: string }) => u.id === profile.json.id)).toMatchObject({ consentBasis: 'school' });

      // The second launch of the same person reuses the account and the course.
      const again = await runLaunch(t, canvas, 'student-3');
      expect(again.status).toBe(302);
      expect(again.location).toBe(res.location);
      expect((await ltiCounts(t)).accounts).toBe(after.accounts);
    });

    it('makes an instructor and a teaching assistant course staff, not tutors', async () => {
      for (const person of ['teacher-1', 'ta-1']) {
        const res = await runLaunch(t, canvas, person);
        expect(res.status, res.body).toBe(302);
        const me = new Client(t.baseUrl);
        me.cookie = res.sessionCookie!;
        expect((await me.get('/api/me')).json.role).toBe('course_staff');
        const course = await me.get(`/api/lti/courses/${res.location!.split('/').pop()}`);
        expect(course.json.courseRole).toBe('staff');
      }
    });
  });
});
