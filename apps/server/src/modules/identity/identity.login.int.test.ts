import { and, eq, isNotNull } from 'drizzle-orm';
import { afterEach, expect, it } from 'vitest';
import { Client, relaxedLogin, startTestApp, type TestApp, testPassword, uniqueEmail } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import type { Config } from '../../config';
import { schema } from '../../../test/schema';
import { createIdentityRepo, hashPassword } from './index';

const limits = (over: Partial<Config['login']> = {}): Config['login'] => ({
  maxPerIp: 5,
  maxPerAccount: 3,
  windowMs: 60_000,
  throttleAfter: 5,
  throttleDelayMs: 250,
  throttleMaxDelayMs: 2000,
  ...over,
});
const strict = { login: limits() };
/** Behind a trusted proxy, so each test can speak from as many client IPs as it needs (x-forwarded-for). */
const proxied = (over: Partial<Config['login']> = {}) => ({ login: limits({ maxPerIp: 100, ...over }), trustProxy: true });

describeEachBackend('identity: log-in protection', ({ db }) => {
  // A fresh app (and so a fresh per-IP limiter) per scenario; per-account failures are per email, and each test uses new ones.
  const apps: TestApp[] = [];
  let t: TestApp | undefined;
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    t = undefined;
  });
  async function start(overrides: Parameters<typeof startTestApp>[1], clock?: Parameters<typeof startTestApp>[2], options?: Parameters<typeof startTestApp>[3]) {
    const app = await startTestApp(db().database, overrides, clock, options);
    apps.push(app);
    return app;
  }

  /** A user inserted directly, so no sign-up request spends the limits under test. */
  async function existingUser(role: 'student' | 'admin' = 'student') {
    const email = uniqueEmail('limited');
    await createIdentityRepo(db().database.db).insertUser({ role, email, passwordHash: await hashPassword(testPassword), displayName: 'L', ...(role === 'student' ? { birthDate: '2000-01-01' } : {}), createdAt: new Date(), passwordChangedAt: new Date() });
    return email;
  }

  const attempt = (email: string, password: string, ip?: string, app = t!) =>
    new Client(app.baseUrl).post('/api/auth/login', { email, password }, ip ? { 'x-forwarded-for': ip } : {});

  // Rewritten for issue #12.5. It used to assert that the 4th attempt on an account was refused from anywhere, even
  // with the right password: that is the lock-out anyone could cause. Now only failures count, per account AND IP.
  it('refuses the 4th attempt on one account from an IP that failed 3 times, even with the right password, while the owner logs in from another IP', async () => {
    t = await start(proxied());
    const email = await existingUser();
    for (let i = 0; i < 3; i++) expect((await attempt(email, 'wrong password', '203.0.113.7')).status).toBe(401);

    const fourth = await attempt(email, testPassword, '203.0.113.7');
    expect(fourth.status).toBe(429);
    expect(fourth.json.error.code).toBe('rate_limited');
    expect(fourth.json.error.message).toMatch(/account/);
    expect(fourth.json.error.details.retryAfterSeconds).toBeGreaterThan(0);
    expect(fourth.headers.get('set-cookie')).toBeNull();
    // The account key ignores letter case.
    expect((await attempt(email.toUpperCase(), testPassword, '203.0.113.7')).status).toBe(429);
    // The owner, on their own network, is not locked out.
    expect((await attempt(email, testPassword, '198.51.100.20')).status).toBe(200);
  });

  it('lets other accounts log in while one account is locked', async () => {
    t = await start({ login: limits({ maxPerIp: 100 }) });
    const locked = await existingUser();
    const other = await existingUser();
    for (let i = 0; i < 3; i++) await attempt(locked, 'wrong password');
    expect((await attempt(locked, testPassword)).status).toBe(429);
    expect((await attempt(other, testPassword)).status).toBe(200);
  });

  it('refuses a 6th attempt from one IP with 429, whichever accounts it tries', async () => {
    t = await start(strict);
    const real = await existingUser();
    for (let i = 0; i < 5; i++) expect((await attempt(uniqueEmail('probe'), 'some password')).status).toBe(401);

    const sixth = await attempt(real, testPassword);
    expect(sixth.status).toBe(429);
    expect(sixth.json.error.code).toBe('rate_limited');
    expect(sixth.json.error.message).toMatch(/network/);
  });

  // Decision 020: sign-up answers 409 email_taken for a registered email, which is acceptable only because this limit
  // stops anyone from testing a list of emails with it.
  it('limits sign-ups per IP as well, so email_taken cannot be used to test a list of emails', async () => {
    t = await start(strict);
    const email = await existingUser();
    const probe = () => new Client(t!.baseUrl).post('/api/auth/signup', { role: 'student', email, password: testPassword, displayName: 'P', birthDate: '2000-01-01' });
    for (let i = 0; i < 5; i++) expect((await probe()).json.error.code).toBe('email_taken');
    const sixth = await probe();
    expect(sixth.status).toBe(429);
    expect(sixth.json.error.code).toBe('rate_limited');
  });

  it('does not lock the owner (an admin) out after ten failures from ten IPs: the account is only slowed, by a bounded delay', async () => {
    const delays: { ms: number; email: string }[] = [];
    let current = '';
    t = await start(proxied(), undefined, { loginDelay: async (ms) => void delays.push({ ms, email: current }) });
    const admin = await existingUser('admin');
    for (let i = 1; i <= 10; i++) {
      current = `attacker ${i}`;
      expect((await attempt(admin, `guess number ${i}`, `203.0.113.${i}`)).status).toBe(401);
    }
    // Below 5 failures nothing waits; from there each attempt waits 250 ms, doubling, never more than 2 s.
    expect(delays.map((d) => [d.email, d.ms])).toEqual([
      ['attacker 6', 250],
      ['attacker 7', 500],
      ['attacker 8', 1000],
      ['attacker 9', 2000],
      ['attacker 10', 2000],
    ]);

    current = 'owner';
    const owner = await attempt(admin, testPassword, '198.51.100.20');
    expect(owner.status, owner.text).toBe(200);
    expect(owner.json.user.role).toBe('admin');
    expect(delays.at(-1)).toEqual({ ms: 2000, email: 'owner' });
    expect(t.logs()).toContain('"event":"login_throttled"');
  });

  it('lets twelve successful log-ins from twelve IPs all in, without slowing them', async () => {
    const delays: number[] = [];
    t = await start(proxied(), undefined, { loginDelay: async (ms) => void delays.push(ms) });
    const email = await existingUser();
    for (let i = 1; i <= 12; i++) expect((await attempt(email, testPassword, `192.0.2.${i}`)).status).toBe(200);
    // From one IP too: successes never count.
    for (let i = 0; i < 12; i++) expect((await attempt(email, testPassword, '192.0.2.99')).status).toBe(200);
    expect(delays).toEqual([]);
  });

  it("clears an IP's failures on the account when it logs in, keeping them on record", async () => {
    const now = new Date('2026-11-30T10:00:00Z');
    t = await start(proxied(), { now: () => now });
    const email = await existingUser();
    for (let i = 0; i < 2; i++) expect((await attempt(email, 'wrong password', '203.0.113.50')).status).toBe(401);
    expect((await attempt(email, testPassword, '203.0.113.50')).status).toBe(200);
    // The count starts again: three more failures are answered, the fourth attempt is refused.
    for (let i = 0; i < 3; i++) expect((await attempt(email, 'wrong password', '203.0.113.50')).status).toBe(401);
    expect((await attempt(email, testPassword, '203.0.113.50')).status).toBe(429);

    const rows = await db().database.db.select().from(schema.failedLogins).where(eq(schema.failedLogins.account, email));
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.ip === '203.0.113.50' && r.at.getTime() === now.getTime())).toBe(true);
    const cleared = await db()
      .database.db.select()
      .from(schema.failedLogins)
      .where(and(eq(schema.failedLogins.account, email), isNotNull(schema.failedLogins.clearedAt)));
    expect(cleared).toHaveLength(2);
  });

  it('lets a refused IP try again once its oldest failure leaves the window, by the injected clock', async () => {
    let now = new Date('2026-11-30T10:00:00Z');
    t = await start(proxied(), { now: () => now });
    const email = await existingUser();
    for (let i = 0; i < 3; i++) {
      expect((await attempt(email, 'wrong password', '203.0.113.60')).status).toBe(401);
      now = new Date(now.getTime() + 10_000);
    }
    const refused = await attempt(email, testPassword, '203.0.113.60');
    expect(refused.status).toBe(429);
    // The first failure was at 10:00:00 and the window is 60 s; it is now 10:00:30.
    expect(refused.json.error.details.retryAfterSeconds).toBe(30);
    now = new Date('2026-11-30T10:01:00.001Z');
    expect((await attempt(email, testPassword, '203.0.113.60')).status).toBe(200);
  });

  it('counts failures on every node: another app on the same database refuses the same IP', async () => {
    const a = await start(proxied());
    const b = await start(proxied());
    const email = await existingUser();
    for (let i = 0; i < 3; i++) expect((await attempt(email, 'wrong password', '203.0.113.70', a)).status).toBe(401);
    expect((await attempt(email, testPassword, '203.0.113.70', b)).status).toBe(429);
    expect((await attempt(email, testPassword, '198.51.100.70', b)).status).toBe(200);
  });

  it('ignores x-forwarded-for unless TRUST_PROXY is set, so a forged header does not make a new IP', async () => {
    t = await start({ login: limits({ maxPerIp: 100 }) });
    const email = await existingUser();
    for (let i = 1; i <= 3; i++) expect((await attempt(email, 'wrong password', `203.0.113.${80 + i}`)).status).toBe(401);
    expect((await attempt(email, testPassword, '203.0.113.99')).status).toBe(429);
  });

  it('answers an unknown email and a wrong password alike, in a similar time', async () => {
    t = await start({ login: relaxedLogin });
    const email = await existingUser();
    // Warm both paths (the dummy hash, prepared statements) before timing.
    const unknown = await attempt(uniqueEmail('nobody'), testPassword);
    const wrong = await attempt(email, 'not the password');
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.json.error.code).toBe('invalid_credentials');
    expect(unknown.json.error.code).toBe(wrong.json.error.code);
    expect(unknown.json.error.message).toBe(wrong.json.error.message);

    const timings = { unknown: [] as number[], wrong: [] as number[] };
    // Interleaved, so a burst of load on the machine hits both kinds alike.
    for (let i = 0; i < 5; i++) {
      let start = performance.now();
      await attempt(uniqueEmail('nobody'), testPassword);
      timings.unknown.push(performance.now() - start);
      start = performance.now();
      await attempt(email, 'not the password');
      timings.wrong.push(performance.now() - start);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const [u, w] = [median(timings.unknown), median(timings.wrong)];
    expect(Math.max(u, w) / Math.min(u, w), `medians: unknown ${u.toFixed(1)} ms, wrong password ${w.toFixed(1)} ms`).toBeLessThan(3);
  });
});
