import { afterAll, beforeAll, expect, it } from 'vitest';
import { countUsers, leaksInternals, relaxedLogin, startTestApp, type TestApp, testPassword, uniqueEmail } from './app';
import { describeEachBackend } from './db';

const signUp = () => ({ role: 'student', email: uniqueEmail('json'), password: testPassword, displayName: 'S', birthDate: '2000-01-01' });
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** Issue #12 item 7, for every JSON body: absurd nesting is refused before parsing; proto poisoning stays refused. */
describeEachBackend('http: JSON bodies are depth-checked before parsing', ({ db }) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(db().database, { login: relaxedLogin });
  });
  afterAll(async () => {
    await t?.close();
  });

  const post = async (body: string) => {
    const r = await fetch(`${t.baseUrl}/api/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const text = await r.text();
    return { status: r.status, text, json: JSON.parse(text) as any };
  };

  it('answers a body nested 300,000 levels deep with 400 json_too_deep, a request id and no internals, and creates nothing', async () => {
    const before = await countUsers(t.app.database);
    const body = JSON.stringify(signUp()).replace(/}$/, `,"extra":${nested(300_000)}}`);
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 'json_too_deep', message: expect.stringContaining('64'), requestId: expect.any(String) });
    expect(leaksInternals(res.text)).toBe(false);
    // Brackets inside strings are text, not nesting.
    const inString = await post(JSON.stringify({ ...signUp(), displayName: '['.repeat(5000) }));
    expect(inString.status).toBe(400);
    expect(inString.json.error.code).toBe('validation_failed');
    expect(await countUsers(t.app.database)).toBe(before);
    expect(t.logs()).not.toContain('Maximum call stack');
  });

  it('reads a body up to 64 levels deep as before (the schema then judges it)', async () => {
    const ok = await post(JSON.stringify(signUp()));
    expect(ok.status).toBe(201);
    const deep63 = await post(JSON.stringify(signUp()).replace(/}$/, `,"extra":${nested(63)}}`));
    expect(deep63.json.error.code).toBe('validation_failed');
    const deep64 = await post(JSON.stringify(signUp()).replace(/}$/, `,"extra":${nested(64)}}`));
    expect(deep64.json.error.code).toBe('json_too_deep');
  });

  it('still refuses __proto__ and constructor.prototype keys as invalid JSON', async () => {
    for (const body of ['{"__proto__": {"isAdmin": true}}', '{"constructor": {"prototype": {"isAdmin": true}}}']) {
      const res = await post(body);
      expect(res.status, body).toBe(400);
      expect(res.json.error.code, body).toBe('invalid_json');
    }
  });
});
