import { and, eq, like, lte, ne } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, signUpStudent, startTestApp, type TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { helpConfig, makeDataDir, removeDir, waitUntil } from '../../../test/help';
import { schema } from '../../../test/schema';
import { ERASE_ACCOUNT_QUEUE } from './privacy.erasure';
import { ERASURE_SWEEP_QUEUE } from './privacy.jobs';
import { DAY, SetClock } from './privacy.testkit';

/**
 * Issue #20, erasure whose own job does not do it (decision 077): a job that fires before the grace period is over
 * does nothing, and the hourly sweep erases a request that is due and that no job ran; two runs at once erase once,
 * and a request a run holds can no longer be cancelled.
 */
describeEachBackend('privacy: the erasure sweep and early jobs', ({ db }) => {
  let t: TestApp;
  let dataDir: string;
  const clock = new SetClock(Date.now());
  const request = async (client: Client) => {
    const asked = await client.post('/api/privacy/erasure', {});
    expect(asked.status, asked.text).toBe(202);
    return asked.json.pending.id as string;
  };
  const statusOf = async (id: string) => (await t.app.database.db.select().from(schema.erasureRequests).where(eq(schema.erasureRequests.id, id)))[0]!;
  const jobOf = async (id: string) => (await t.app.database.db.select().from(schema.jobs).where(eq(schema.jobs.dedupeKey, `${ERASE_ACCOUNT_QUEUE.queue}:${id}`)))[0]!;

  beforeAll(async () => {
    dataDir = makeDataDir();
    t = await startTestApp(db().database, helpConfig(dataDir), clock);
  });
  afterAll(async () => {
    await t?.close();
    removeDir(dataDir);
  });

  it('a job that fires early does nothing; once due, the sweep erases the account its job never erased', async () => {
    const client = new Client(t.baseUrl);
    const { user } = await signUpStudent(client);
    const id = await request(client);
    // The job fires a day into the grace period (a node's clock ahead, or someone moved it).
    clock.advance(DAY);
    await t.app.database.db.update(schema.jobs).set({ runAt: clock.now() }).where(eq(schema.jobs.id, (await jobOf(id)).id));
    await waitUntil(async () => (await jobOf(id)).state === 'done', 'the early job to finish');
    expect(await statusOf(id)).toMatchObject({ status: 'pending', doneAt: null });
    expect((await client.get('/api/me')).status).toBe(200);
    expect(t.logs()).toMatch(/"event":"erasure_skipped"[^\n]*"reason":"grace_not_over"/);

    // Its own job is spent; past the grace period the next hourly sweep runs it.
    clock.advance(13 * DAY + 1000);
    await waitUntil(async () => (await statusOf(id)).status === 'done', 'the sweep to erase the due account', 30_000);
    expect((await client.get('/api/me')).status).toBe(401);
    const [account] = await t.app.database.db.select().from(schema.users).where(eq(schema.users.id, user.id));
    expect(account).toMatchObject({ displayName: 'Deleted user', disabled: true });
    const swept = await t.app.database.db.select().from(schema.jobs).where(like(schema.jobs.dedupeKey, `${ERASE_ACCOUNT_QUEUE.queue}:${id}:%`));
    expect(swept.map((j) => j.state)).toEqual(['done']);
    expect(t.logs()).toMatch(/"event":"erasure_sweep"[^\n]*"queued":1/);
  });

  it('two runs at once erase once; a request a run holds can no longer be cancelled', async () => {
    const client = new Client(t.baseUrl);
    await signUpStudent(client);
    const id = await request(client);
    const { erasure } = t.app.fastify.privacy!;
    // Held by a run (as while its erasers work): its own job, the user's cancel and a second run all leave it alone.
    const due = clock.now().getTime() + 14 * DAY + 1000;
    await t.app.database.db.update(schema.erasureRequests).set({ claimedUntil: new Date(due + 60_000) }).where(eq(schema.erasureRequests.id, id));
    clock.advance(14 * DAY + 1000);
    await waitUntil(async () => (await jobOf(id)).state === 'done', 'its own job to finish');
    // And the sweep that came due with the moved clock has run (it found the request held), so no run races the two below.
    const sweepsDue = () => t.app.database.db.select().from(schema.jobs).where(and(eq(schema.jobs.queue, ERASURE_SWEEP_QUEUE.queue), lte(schema.jobs.runAt, clock.now()), ne(schema.jobs.state, 'done')));
    await waitUntil(async () => (await sweepsDue()).length === 0, 'the due sweep to finish');
    expect(t.logs()).toMatch(new RegExp(`"event":"erasure_skipped"[^\\n]*"requestId":"${id}"[^\\n]*"reason":"running_elsewhere"`));
    expect((await client.post('/api/privacy/erasure/cancel', {})).status).toBe(409);
    expect(await erasure.run(id)).toBe('skipped');
    expect((await statusOf(id)).status).toBe('pending');
    // A run that crashed lets go when its claim runs out: then exactly one of two runs at once erases.
    await t.app.database.db.update(schema.erasureRequests).set({ claimedUntil: new Date(clock.now().getTime() - 1) }).where(eq(schema.erasureRequests.id, id));
    const outcomes = await Promise.all([erasure.run(id), erasure.run(id)]);
    expect(outcomes.sort()).toEqual(['erased', 'skipped']);
    expect(await statusOf(id)).toMatchObject({ status: 'done', claimedUntil: null });
  });
});
