import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, Client, countUsers, leaksInternals, relaxedLogin, signUpStudent, startTestApp, type TestApp, testPassword, uniqueEmail } from './app';
import { describeEachBackend, freshDatabase } from './db';

const signUpBody = () => ({ role: 'student', email: uniqueEmail('bad'), password: testPassword, displayName: 'S', birthDate: '2000-01-01' });

/** The common error shape, with nothing of the server's internals in it. */
function expectErrorBody(res: { text: string; json: any }, status: number, code: string) {
  expect(res.json, res.text).toMatchObject({ error: { code, message: expect.any(String) } });
  expect(Object.keys(res.json)).toEqual(['error']);
  expect(res.json.error.requestId).toEqual(expect.any(String));
  expect(leaksInternals(res.text), res.text).toBe(false);
  expect(status).toBeGreaterThanOrEqual(400);
}

describeEachBackend('http: origin check, bad input, docs and failures', ({ db, backend }) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(db().database, { login: relaxedLogin });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Sends a request and asserts it changed no user rows. */
  async function unchanged<R extends { status: number; text: string; json: any }>(send: () => Promise<R>): Promise<R> {
    const before = await countUsers(t.app.database);
    const res = await send();
    expect(await countUsers(t.app.database)).toBe(before);
    return res;
  }

  const raw = (path: string, init: RequestInit) =>
    fetch(t.baseUrl + path, init).then(async (r) => {
      const text = await r.text();
      let json: any;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: r.status, text, json, headers: r.headers };
    });

  describe('origin check', () => {
    it('refuses a state-changing request from a foreign origin with 403 origin_forbidden and creates nothing', async () => {
      const res = await unchanged(() => new Client(t.baseUrl).post('/api/auth/signup', signUpBody(), { origin: 'https://evil.example' }));
      expect(res.status).toBe(403);
      expectErrorBody(res, res.status, 'origin_forbidden');
      expect(res.headers.get('set-cookie')).toBeNull();
    });

    it("refuses a foreign origin even on a logged-in user's log-out", async () => {
      const client = new Client(t.baseUrl);
      await signUpStudent(client);
      expect((await client.post('/api/auth/logout', undefined, { origin: 'null' })).status).toBe(403);
      expect((await client.get('/api/me')).status).toBe(200);
    });

    it("accepts the app's own origin", async () => {
      const origin = new URL(t.app.config.publicUrl).origin;
      const before = await countUsers(t.app.database);
      const res = await new Client(t.baseUrl).post('/api/auth/signup', signUpBody(), { origin });
      expect(res.status).toBe(201);
      expect(await countUsers(t.app.database)).toBe(before + 1);
    });

    it('does not check the Origin of reads', async () => {
      expect((await new Client(t.baseUrl).get('/api/subjects', { origin: 'https://evil.example' })).status).toBe(200);
    });
  });

  describe('bad input leaves the database unchanged', () => {
    it('answers malformed JSON with 400 invalid_json', async () => {
      const res = await unchanged(() => new Client(t.baseUrl).post('/api/auth/signup', '{"role": "student", "email": '));
      expect(res.status).toBe(400);
      expectErrorBody(res, res.status, 'invalid_json');
    });

    it('answers an empty JSON body with 400', async () => {
      const res = await unchanged(() => raw('/api/auth/signup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '' }));
      expect(res.status).toBe(400);
      expectErrorBody(res, res.status, 'invalid_json');
    });

    it('answers wrong types with 400 validation_failed naming each field', async () => {
      const res = await unchanged(() =>
        new Client(t.baseUrl).post('/api/auth/signup', { ...signUpBody(), email: 42, password: ['x'], birthDate: 'yesterday' }),
      );
      expect(res.status).toBe(400);
      expectErrorBody(res, res.status, 'validation_failed');
      const paths = (res.json.error.details.fields as { path: string }[]).map((f) => f.path);
      expect(paths).toEqual(expect.arrayContaining(['body.email', 'body.password', 'body.birthDate']));
      expect(res.json.error.message).toContain('body.email');
    });

    it('answers an unknown field with 400 naming it', async () => {
      const res = await unchanged(() => new Client(t.baseUrl).post('/api/auth/signup', { ...signUpBody(), isAdmin: true }));
      expect(res.status).toBe(400);
      expectErrorBody(res, res.status, 'validation_failed');
      expect(res.json.error.details.fields).toEqual([{ path: 'body', message: expect.stringContaining('isAdmin') }]);
      expect(res.json.error.message).toContain('isAdmin');
    });

    it('answers a role a user may not choose with 400', async () => {
      const res = await unchanged(() => new Client(t.baseUrl).post('/api/auth/signup', { ...signUpBody(), role: 'admin' }));
      expect(res.status).toBe(400);
      expect(res.json.error.details.fields[0].path).toBe('body.role');
    });

    it('answers a body over 1 MB with 413 payload_too_large', async () => {
      const huge = JSON.stringify({ ...signUpBody(), displayName: 'x'.repeat(1024 * 1024 + 10) });
      const res = await unchanged(() => new Client(t.baseUrl).post('/api/auth/signup', huge));
      expect(res.status).toBe(413);
      expectErrorBody(res, res.status, 'payload_too_large');
    });

    it('answers a non-JSON content type on a JSON route with 415', async () => {
      for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'application/xml']) {
        const body = type === 'application/x-www-form-urlencoded' ? 'role=student&email=a%40b.test' : JSON.stringify(signUpBody());
        const res = await unchanged(() => raw('/api/auth/signup', { method: 'POST', headers: { 'content-type': type }, body }));
        expect(res.status, type).toBe(415);
        expectErrorBody(res, res.status, 'unsupported_media_type');
      }
    });

    it('answers an unknown API route with 404 not_found in JSON, for any method', async () => {
      for (const method of ['GET', 'POST', 'DELETE']) {
        const res = await unchanged(() => raw('/api/no-such-thing?token=secret', { method, headers: { accept: 'text/html' } }));
        expect(res.status).toBe(404);
        expectErrorBody(res, res.status, 'not_found');
        expect(res.json.error.message).not.toContain('secret');
      }
    });

    it('answers an unknown or out-of-range query parameter with 400 naming it', async () => {
      const { client: admin } = await adminClient(t);
      const unknown = await admin.get('/api/admin/users?sort=email');
      expect(unknown.status).toBe(400);
      expectErrorBody(unknown, unknown.status, 'validation_failed');
      expect(unknown.json.error.message).toContain('sort');
      const tooMany = await admin.get('/api/admin/users?limit=100000');
      expect(tooMany.status).toBe(400);
      expect(tooMany.json.error.details.fields[0].path).toBe('querystring.limit');
    });
  });

  describe('OpenAPI', () => {
    it('serves the OpenAPI document with the auth and me paths, and the docs UI', async () => {
      const doc = await new Client(t.baseUrl).get('/api/docs');
      expect(doc.status).toBe(200);
      expect(doc.json.openapi).toMatch(/^3\./);
      expect(Object.keys(doc.json.paths)).toEqual(expect.arrayContaining(['/api/auth/login', '/api/auth/signup', '/api/me', '/api/me/password']));
      expect(doc.json.paths['/api/auth/login'].post).toBeDefined();
      expect(Object.keys(doc.json.paths)).not.toContain('/readyz');

      const ui = await fetch(`${t.baseUrl}/api/docs/ui/`, { redirect: 'follow' });
      expect(ui.status).toBe(200);
      expect(ui.headers.get('content-type')).toMatch(/text\/html/);
      expect(await ui.text()).toMatch(/<html/i);
    });
  });

  describe('when the database fails', () => {
    it('answers 5xx in the error shape, with no stack trace, and /readyz says 503', async () => {
      const broken = await freshDatabase(backend);
      const app = await startTestApp(broken.database, { login: relaxedLogin });
      try {
        // A cookie first used after the failure, so no cached session can answer for the database.
        const client = new Client(app.baseUrl);
        const { user } = await signUpStudent(client);

        await broken.database.close();

        const me = await client.get('/api/me');
        expect([500, 503]).toContain(me.status);
        expectErrorBody(me, me.status, me.json?.error?.code);
        expect(['internal_error', 'service_unavailable']).toContain(me.json.error.code);
        const record = await client.get(`/api/students/${user.id}`);
        expect([500, 503]).toContain(record.status);
        expect(leaksInternals(record.text), record.text).toBe(false);

        const signup = await new Client(app.baseUrl).post('/api/auth/signup', signUpBody());
        expect([500, 503]).toContain(signup.status);
        expect(leaksInternals(signup.text), signup.text).toBe(false);
        // Not even the SQL text or its parameters.
        expect(signup.text).not.toMatch(/insert|select|\$argon2/i);

        const ready = await fetch(`${app.baseUrl}/readyz`);
        expect(ready.status).toBe(503);
        expect(await ready.json()).toMatchObject({ error: { code: 'service_unavailable' } });
        expect((await fetch(`${app.baseUrl}/healthz`)).status).toBe(200);
      } finally {
        await app.close();
        await broken.drop();
      }
    });
  });
});
