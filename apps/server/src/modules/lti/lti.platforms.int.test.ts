import { sql } from 'drizzle-orm';
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, Client, signUpStudent, type TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { ltiCounts, offsetClock, runLaunch, simulatorOf, startLtiApp } from './lti.testkit';

/**
 * Issue #16: the three LMS dialects, Dynamic Registration, key rotation on both sides, and the admin registration API,
 * against the in-repo simulator.
 */
describeEachBackend('LTI 1.3 platforms', ({ db }) => {
  let t: TestApp;
  let admin: Client;
  const clock = offsetClock();
  const courseIdOf = (location: string | null) => location!.split('/').pop()!;

  beforeAll(async () => {
    t = await startLtiApp(db().database, clock);
    admin = (await adminClient(t)).client;
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('registrations API', () => {
    const body = (over: Record<string, unknown> = {}) => ({
      name: 'School LMS',
      issuer: 'https://lms.school.example',
      clientId: 'client-api-1',
      deploymentIds: ['dep-api-1'],
      authLoginUrl: 'https://lms.school.example/auth',
      accessTokenUrl: 'https://lms.school.example/token',
      keysetUrl: 'https://lms.school.example/jwks',
      ...over,
    });

    it('is for admins only', async () => {
      const student = new Client(t.baseUrl);
      await signUpStudent(student);
      expect((await student.post('/api/admin/lti/registrations', body())).status).toBe(403);
      expect((await new Client(t.baseUrl).post('/api/admin/lti/registrations', body())).status).toBe(401);
    });

    it('refuses plain http off loopback, missing fields and repeated deployments, naming the field, and changes nothing', async () => {
      const before = (await admin.get('/api/admin/lti/registrations')).json.registrations.length;
      const http = await admin.post('/api/admin/lti/registrations', body({ keysetUrl: 'http://lms.school.example/jwks' }));
      expect(http.status).toBe(400);
      expect(http.json.error.details.fields).toEqual([{ path: 'body.keysetUrl', message: expect.stringContaining('https') }]);
      const missing = await admin.post('/api/admin/lti/registrations', { ...body(), clientId: undefined });
      expect(missing.status).toBe(400);
      expect(missing.json.error.message).toContain('clientId');
      const repeated = await admin.post('/api/admin/lti/registrations', body({ deploymentIds: ['a', 'a'] }));
      expect(repeated.status).toBe(400);
      expect((await admin.get('/api/admin/lti/registrations')).json.registrations.length).toBe(before);
    });

    it('creates, lists with the tool URLs, edits, and refuses a deployment another registration holds', async () => {
      const created = await admin.post('/api/admin/lti/registrations', body());
      expect(created.status, created.text).toBe(201);
      expect(created.json).toMatchObject({ status: 'active', deploymentIds: ['dep-api-1'], shareEmail: false });
      const list = await admin.get('/api/admin/lti/registrations');
      expect(list.json.tool).toEqual({
        loginUrl: `${t.baseUrl}/lti/login`,
        launchUrl: `${t.baseUrl}/lti/launch`,
        jwksUrl: `${t.baseUrl}/lti/jwks`,
        registerUrl: `${t.baseUrl}/lti/register`,
      });
      const taken = await admin.post('/api/admin/lti/registrations', body({ name: 'Other school' }));
      expect(taken.status).toBe(409);
      const edited = await admin.patch(`/api/admin/lti/registrations/${created.json.id}`, { name: 'Renamed', deploymentIds: ['dep-api-1', 'dep-api-2'], shareEmail: true });
      expect(edited.status, edited.text).toBe(200);
      expect(edited.json).toMatchObject({ name: 'Renamed', deploymentIds: ['dep-api-1', 'dep-api-2'], shareEmail: true });
      expect((await admin.patch('/api/admin/lti/registrations/00000000-0000-4000-8000-000000000000', { name: 'x' })).status).toBe(404);
    });
  });

  describe('dialects', () => {
    it('Canvas: one issuer for two schools, told apart by client id, with lti_deployment_id in the login', async () => {
      const sim = simulatorOf(t);
      const a = await sim.add({ slug: 'cva', dialect: 'canvas', clientId: '10000000000001', deploymentId: '1:abc' });
      const b = await sim.add({ slug: 'cvb', dialect: 'canvas', clientId: '10000000000002', deploymentId: '2:def' });
      expect(a.issuer).toBe('https://canvas.instructure.com');
      expect(b.issuer).toBe(a.issuer);
      for (const p of [a, b]) expect((await admin.post('/api/admin/lti/registrations', p.registrationBody())).status).toBe(201);
      const ra = await runLaunch(t, a, 'student-1');
      const rb = await runLaunch(t, b, 'student-1');
      expect(ra.status, ra.body).toBe(302);
      expect(rb.status, rb.body).toBe(302);
      // Same sub in two schools of one issuer would collide; the simulator's subs differ per school, as Canvas's do.
      expect(courseIdOf(ra.location)).not.toBe(courseIdOf(rb.location));
      expect(a.loginParams(t.baseUrl, 'x').lti_deployment_id).toBe('1:abc');
    });

    it('Blackboard: one issuer and one client id for every school; the deployment id alone picks the school', async () => {
      const bb = await simulatorOf(t).add({ slug: 'bb', dialect: 'blackboard', clientId: 'bb-global-client', deploymentId: 'bb-school-a' });
      expect(bb.issuer).toBe('https://blackboard.com');
      expect((await admin.post('/api/admin/lti/registrations', { ...bb.registrationBody('School A'), deploymentIds: ['bb-school-a'] })).status).toBe(201);
      expect((await admin.post('/api/admin/lti/registrations', { ...bb.registrationBody('School B'), deploymentIds: ['bb-school-b'] })).status).toBe(201);
      expect(bb.loginParams(t.baseUrl, 'x').lti_deployment_id).toBeUndefined();

      const inA = await runLaunch(t, bb, 'teacher-1');
      bb.deploymentId = 'bb-school-b';
      const inB = await runLaunch(t, bb, 'teacher-1');
      expect(inA.status, inA.body).toBe(302);
      expect(inB.status, inB.body).toBe(302);
      // The same LMS course id in two tenants is two Tutorline courses.
      expect(courseIdOf(inA.location)).not.toBe(courseIdOf(inB.location));

      bb.deploymentId = 'bb-school-c';
      const before = await ltiCounts(t);
      const unknown = await runLaunch(t, bb, 'student-2');
      expect(unknown.status).toBe(400);
      expect(unknown.body).toContain('data-reason="unknown_deployment"');
      expect(await ltiCounts(t)).toEqual(before);
      bb.deploymentId = 'bb-school-a';
    });

    it('Moodle: the issuer is the site URL, registered by Dynamic Registration, launching only after an admin confirms', async () => {
      const moodle = await simulatorOf(t).add({ slug: 'moodle', dialect: 'moodle' });
      expect(moodle.issuer).toBe(`${t.baseUrl}/dev/lms/moodle`);

      // A wrong registration token: the platform refuses our registration, nothing is stored.
      const count = async () => (await admin.get('/api/admin/lti/registrations')).json.registrations.length;
      const before = await count();
      const bad = await fetch(`${t.baseUrl}/lti/register?${new URLSearchParams({ openid_configuration: `${moodle.url}/.well-known/openid-configuration`, registration_token: 'nope' }).toString()}`);
      expect(bad.status).toBe(400);
      expect(await bad.text()).toContain('data-reason="registration_refused"');
      expect(await count()).toBe(before);

      const page = await fetch(moodle.startDynamicRegistration(t.baseUrl));
      const html = await page.text();
      expect(page.status, html).toBe(200);
      expect(html).toContain('/lti/register/close.js');
      const sent = moodle.toolRegistrations[0]!;
      expect(sent).toMatchObject({
        initiate_login_uri: `${t.baseUrl}/lti/login`,
        redirect_uris: [`${t.baseUrl}/lti/launch`],
        jwks_uri: `${t.baseUrl}/lti/jwks`,
        token_endpoint_auth_method: 'private_key_jwt',
        response_types: ['id_token'],
      });
      const registration = (await admin.get('/api/admin/lti/registrations')).json.registrations.find((r: { issuer: string }) => r.issuer === moodle.issuer);
      expect(registration).toMatchObject({ status: 'pending', clientId: moodle.clientId, deploymentIds: [moodle.deploymentId], keysetUrl: `${moodle.url}/jwks` });

      const early = await runLaunch(t, moodle, 'student-1');
      expect(early.status).toBe(400);
      expect(early.body).toContain('data-reason="registration_inactive"');

      expect((await admin.patch(`/api/admin/lti/registrations/${registration.id}`, { status: 'active' })).status).toBe(200);
      const ok = await runLaunch(t, moodle, 'student-1');
      expect(ok.status, ok.body).toBe(302);
    });
  });

  describe('key rotation', () => {
    it('the platform rotates: a token under the new kid refetches the keyset once and launches', async () => {
      const p = await simulatorOf(t).add({ slug: 'rot', dialect: 'generic' });
      expect((await admin.post('/api/admin/lti/registrations', p.registrationBody())).status).toBe(201);
      expect((await runLaunch(t, p, 'student-1')).status).toBe(302);
      const fetches = p.jwksFetches;
      await p.rotateKeys(true);
      const after = await runLaunch(t, p, 'student-1');
      expect(after.status, after.body).toBe(302);
      expect(p.jwksFetches - fetches).toBe(1);
      // A launch in flight when the platform rotates: signed under the old key, which the platform still publishes.
      let oldSigned = '';
      const inFlight = await runLaunch(t, p, 'student-2', {
        beforePost: async (form) => {
          oldSigned = form.id_token!;
          await p.rotateKeys(false);
        },
      });
      expect(inFlight.status, inFlight.body).toBe(302);
      expect(oldSigned).not.toBe('');
    });

    it('the tool rotates: tokens signed before and after verify against what platforms hold, and a login in flight still lands', async () => {
      const p = await simulatorOf(t).add({ slug: 'rot2', dialect: 'generic' });
      expect((await admin.post('/api/admin/lti/registrations', p.registrationBody())).status).toBe(201);
      const keys = t.app.fastify.lti!.keys;
      const jwks = async () => (await (await fetch(`${t.baseUrl}/lti/jwks`)).json()) as JSONWebKeySet;
      const cachedByPlatform = createLocalJWKSet(await jwks());
      const before = (await jwks()).keys as { kid: string }[];
      expect(before).toHaveLength(2);
      const signedBefore = await keys.sign({ purpose: 'test' }, { audience: p.clientId, issuer: t.baseUrl, expiresInSeconds: 300 });

      let rotated: { current: string; next: string; retired: string | null } | null = null;
      const launch = await runLaunch(t, p, 'teacher-1', {
        beforePost: async () => {
          rotated = (await admin.post('/api/admin/lti/keys/rotate')).json;
        },
      });
      expect(launch.status, launch.body).toBe(302);
      expect(rotated!.retired).toBeTruthy();

      const published = (await (await fetch(`${t.baseUrl}/lti/jwks`)).json()) as { keys: { kid: string; d?: string }[] };
      expect(published.keys.map((k) => k.kid).sort()).toEqual([rotated!.current, rotated!.next, rotated!.retired].sort());
      expect(published.keys.every((k) => k.d === undefined)).toBe(true);
      // Signed with the retired key: still verifies against the published set.
      await expect(jwtVerify(signedBefore, createLocalJWKSet(published as never), { audience: p.clientId })).resolves.toBeTruthy();
      // Signed with the new current key: a platform that cached our keys before the rotation already has it (it was "next").
      const signedAfter = await keys.sign({ purpose: 'test' }, { audience: p.clientId, issuer: t.baseUrl, expiresInSeconds: 300 });
      await expect(jwtVerify(signedAfter, cachedByPlatform, { audience: p.clientId })).resolves.toBeTruthy();
      expect(before.map((k) => k.kid)).toContain(rotated!.current);

      // A day later the retired key is no longer published.
      clock.advance(25 * 3600 * 1000);
      try {
        const later = (await (await fetch(`${t.baseUrl}/lti/jwks`)).json()) as { keys: { kid: string }[] };
        expect(later.keys.map((k) => k.kid)).not.toContain(rotated!.retired);
      } finally {
        clock.reset();
      }
    });

    it('stores the private keys sealed: the rows hold no JWK private parts', async () => {
      const rows = await t.app.database.db.execute(sql`select private_key_enc from lti_tool_keys`);
      const values = ((rows as unknown as { rows: { private_key_enc: string }[] }).rows ?? []).map((r) => r.private_key_enc);
      expect(values.length).toBeGreaterThan(0);
      for (const v of values) {
        expect(v).toMatch(/^v1\./);
        expect(v).not.toContain('"d"');
      }
    });
  });
});
