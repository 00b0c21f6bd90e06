import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, relaxedLogin, sessionSetCookie, startTestApp, type TestApp, uniqueEmail } from './app';
import { describeEachBackend, freshDatabase } from './db';
import { SocketPool } from './sockets';

const phone = '+919812345678';
const password = 'my secret passphrase 1';
const newPassword = 'my secret passphrase 2';

/** Every line the app logged, parsed; a line that is not JSON fails the test. */
function parseLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        throw new Error(`log line is not JSON: ${l}`);
      }
    });
}

/** Asserts none of the secrets appear anywhere in the log text, in any form we can think of. */
function expectNoSecrets(logs: string, secrets: string[]) {
  for (const secret of secrets) {
    expect(logs.includes(secret), `the logs contain ${JSON.stringify(secret.slice(0, 12))}…`).toBe(false);
  }
}

describeEachBackend('logs: structured, and free of secrets and personal data', ({ db, backend }) => {
  let t: TestApp;
  const sockets = new SocketPool();
  const tokens: string[] = [];
  const requestIds: string[] = [];
  let userId: string;

  beforeAll(async () => {
    t = await startTestApp(db().database, { login: relaxedLogin });
    const client = new Client(t.baseUrl);
    const track = <R extends { headers: Headers }>(res: R): R => {
      const set = sessionSetCookie(res.headers);
      const token = set?.split(';')[0]!.slice('tl_session='.length);
      if (token) tokens.push(token);
      requestIds.push(res.headers.get('x-request-id')!);
      return res;
    };

    const email = uniqueEmail('logged');
    const signup = track(await client.post('/api/auth/signup', { role: 'student', email, password, displayName: 'Logged', phone, birthDate: '2000-01-01' }));
    expect(signup.status).toBe(201);
    userId = signup.json.user.id;

    const laptop = new Client(t.baseUrl);
    expect(track(await laptop.post('/api/auth/login', { email, password })).status).toBe(200);
    expect(track(await laptop.post('/api/auth/login', { email, password: 'a wrong passphrase' })).status).toBe(401);
    expect(track(await laptop.get('/api/me')).status).toBe(200);
    expect(track(await laptop.patch('/api/me', { displayName: 'Logged Again', phone })).status).toBe(200);
    expect(track(await laptop.get(`/api/students/${userId}`)).status).toBe(200);
    // A token in a query string must not reach the logs through the request path either.
    expect(track(await laptop.get(`/api/me?token=${tokens[0]}&phone=${encodeURIComponent(phone)}`)).status).toBe(200);
    await sockets.connect(t.baseUrl, laptop.cookie);

    expect(track(await laptop.post('/api/me/password', { currentPassword: password, newPassword })).status).toBe(204);
    expect(track(await new Client(t.baseUrl).post('/api/auth/login', { email, password: newPassword })).status).toBe(200);
    expect(tokens).toHaveLength(3);
  });
  afterAll(async () => {
    sockets.closeAll();
    await t?.close();
  });

  it('never logs a password, a session token, the cookie or a phone number', () => {
    const logs = t.logs();
    expect(logs.length).toBeGreaterThan(0);
    expectNoSecrets(logs, [password, newPassword, ...tokens, phone, phone.slice(1), encodeURIComponent(phone), 'tl_session=', '$argon2']);
  });

  it('writes every request line as JSON with a reqId, matching the x-request-id the client saw', () => {
    const lines = parseLines(t.logs());
    const requestLines = lines.filter((l) => 'reqId' in l);
    expect(requestLines.length).toBeGreaterThanOrEqual(requestIds.length);
    // Each request is logged when it completes, with its status.
    const completed = requestLines.filter((l) => l.msg === 'request completed');
    expect(completed.map((l) => l.reqId)).toEqual(expect.arrayContaining(requestIds));
    expect(completed.every((l) => typeof (l.res as { statusCode?: unknown })?.statusCode === 'number')).toBe(true);
    for (const line of requestLines) {
      expect(typeof line.reqId).toBe('string');
      expect(line.service).toBe('tutorline');
    }
    const logged = new Set(requestLines.map((l) => l.reqId));
    for (const id of requestIds) expect(logged).toContain(id);
    // Raw text too: every line mentioning reqId is itself a JSON object.
    for (const raw of t.logs().split('\n').filter((l) => l.includes('reqId'))) expect(() => JSON.parse(raw)).not.toThrow();
  });

  it('records the state changes as structured events', () => {
    const events = parseLines(t.logs()).filter((l) => typeof l.event === 'string');
    const of = (name: string) => events.filter((e) => e.event === name);
    expect(of('user_signed_up')).toEqual([expect.objectContaining({ userId, role: 'student', level: 'info' })]);
    expect(of('login_succeeded')).toHaveLength(2);
    expect(of('login_succeeded')[0]).toMatchObject({ userId });
    expect(of('login_failed')).toEqual([expect.objectContaining({ userId })]);
    expect(of('password_changed')).toEqual([expect.objectContaining({ userId, revokedSessions: 2 })]);
    expect(of('session_opened')).toHaveLength(3);
    expect(of('presence_online')).toEqual([expect.objectContaining({ userId })]);
  });

  it('keeps a safe incoming x-request-id and replaces an unsafe one', async () => {
    const safe = await new Client(t.baseUrl).get('/api/subjects', { 'x-request-id': 'trace-abc-12345' });
    expect(safe.headers.get('x-request-id')).toBe('trace-abc-12345');
    const unsafe = await new Client(t.baseUrl).get('/api/subjects', { 'x-request-id': 'bad id "injected"' });
    expect(unsafe.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(t.logs()).toContain('"reqId":"trace-abc-12345"');
  });

  it('keeps personal data out of the logs even when the database fails mid-sign-up', async () => {
    const broken = await freshDatabase(backend);
    const app = await startTestApp(broken.database, { login: relaxedLogin });
    try {
      await broken.database.close();
      const email = uniqueEmail('outage');
      const res = await new Client(app.baseUrl).post('/api/auth/signup', { role: 'student', email, password, displayName: 'O', phone, birthDate: '2000-01-01' });
      expect(res.status).toBeGreaterThanOrEqual(500);
      const logs = app.logs();
      expect(parseLines(logs).some((l) => l.level === 'error')).toBe(true);
      expectNoSecrets(logs, [password, phone, email, '$argon2']);
    } finally {
      await app.close();
      await broken.drop();
    }
  });
});
