import { afterEach, expect, it } from 'vitest';
import { Client, relaxedLogin, startTestApp, type TestApp, testPassword, uniqueEmail } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { createIdentityRepo, hashPassword } from './index';

const strict = { login: { maxPerIp: 5, maxPerAccount: 3, windowMs: 60_000 } };

describeEachBackend('identity: log-in protection', ({ db }) => {
  // A fresh app (and so a fresh limiter) per scenario, so one test's attempts never count in another.
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  /** A user inserted directly, so no sign-up request spends the limits under test. */
  async function existingUser() {
    const email = uniqueEmail('limited');
    await createIdentityRepo(db().database.db).insertUser({ role: 'student', email, passwordHash: await hashPassword(testPassword), displayName: 'L', birthDate: '2000-01-01', createdAt: new Date(), passwordChangedAt: new Date() });
    return email;
  }

  const attempt = (email: string, password: string) => new Client(t!.baseUrl).post('/api/auth/login', { email, password });

  it('refuses the 4th attempt on one account with 429 rate_limited, even with the right password', async () => {
    t = await startTestApp(db().database, strict);
    const email = await existingUser();
    for (let i = 0; i < 3; i++) expect((await attempt(email, 'wrong password')).status).toBe(401);

    const fourth = await attempt(email, testPassword);
    expect(fourth.status).toBe(429);
    expect(fourth.json.error.code).toBe('rate_limited');
    expect(fourth.json.error.message).toMatch(/account/);
    expect(fourth.headers.get('set-cookie')).toBeNull();
    // The account key ignores letter case.
    expect((await attempt(email.toUpperCase(), testPassword)).status).toBe(429);
  });

  it('lets other accounts log in while one account is locked', async () => {
    t = await startTestApp(db().database, { login: { maxPerIp: 100, maxPerAccount: 3, windowMs: 60_000 } });
    const locked = await existingUser();
    const other = await existingUser();
    for (let i = 0; i < 3; i++) await attempt(locked, 'wrong password');
    expect((await attempt(locked, testPassword)).status).toBe(429);
    expect((await attempt(other, testPassword)).status).toBe(200);
  });

  it('refuses a 6th attempt from one IP with 429, whichever accounts it tries', async () => {
    t = await startTestApp(db().database, strict);
    const real = await existingUser();
    for (let i = 0; i < 5; i++) expect((await attempt(uniqueEmail('probe'), 'some password')).status).toBe(401);

    const sixth = await attempt(real, testPassword);
    expect(sixth.status).toBe(429);
    expect(sixth.json.error.code).toBe('rate_limited');
    expect(sixth.json.error.message).toMatch(/network/);
  });

  it('answers an unknown email and a wrong password alike, in a similar time', async () => {
    t = await startTestApp(db().database, { login: relaxedLogin });
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
