import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signUpStudent, startTestApp, type TestApp, Client } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { makeDataDir, removeDir } from '../../../test/help';
import { schema } from '../../../test/schema';
import { LOGIN_RETENTION_EVERY_MS, LOGIN_RETENTION_QUEUE } from './identity.retention';

/** A clock the test sets by hand: the rows' times and the sweep both read it. */
class SetClock {
  constructor(private t: number) {}
  now = () => new Date(this.t);
  set(at: Date) {
    this.t = at.getTime();
  }
}
const DAY = 86_400_000;

/** Decision 020: expired log-in links are deleted a day after they expired; failed log-ins go by the daily retention job (decision 073). */
describeEachBackend('identity: the hourly sweep of expired log-in links', ({ db }) => {
  let t: TestApp;
  let dataDir: string;
  const clock = new SetClock(Date.parse('2026-12-07T09:30:00.000Z'));

  beforeAll(async () => {
    dataDir = makeDataDir();
    // Jobs run only when the test drains them, at the test's clock.
    t = await startTestApp(db().database, { dataDir }, clock, { manualJobs: true });
  });
  afterAll(async () => {
    await t?.close();
    removeDir(dataDir);
  });

  it('deletes links expired over a day ago, keeps the rest, and runs every hour', async () => {
    const sql = db().database.db;
    const now = clock.now().getTime();
    const student = new Client(t.baseUrl);
    const { user: { id: userId } } = await signUpStudent(student);
    const account = `retention-${now}@example.test`;
    await sql.insert(schema.failedLogins).values([
      { account, ip: '203.0.113.1', at: new Date(now - 31 * DAY) },
      { account, ip: '203.0.113.2', at: new Date(now - 31 * DAY), clearedAt: new Date(now - 30.5 * DAY) },
      { account, ip: '203.0.113.3', at: new Date(now - 29 * DAY) },
      { account, ip: '203.0.113.4', at: new Date(now - 60_000) },
    ]);
    const link = (name: string, expiresAt: number) => ({ tokenHash: `${name}-${now}`, userId, redirectPath: '/', expiresAt: new Date(expiresAt), createdAt: new Date(expiresAt - 600_000) });
    await sql.insert(schema.loginLinks).values([link('old', now - 2 * DAY), link('recent', now - 3_600_000), link('live', now + 600_000)]);

    await t.app.jobs.drain();

    const ips = (await sql.select({ ip: schema.failedLogins.ip }).from(schema.failedLogins).where(eq(schema.failedLogins.account, account))).map((r) => r.ip).sort();
    // The daily retention job, drained with it, deletes failed log-ins older than 30 days (retention.int.test.ts).
    expect(ips).toEqual(['203.0.113.3', '203.0.113.4']);
    const links = (await sql.select({ tokenHash: schema.loginLinks.tokenHash }).from(schema.loginLinks).where(inArray(schema.loginLinks.tokenHash, [`old-${now}`, `recent-${now}`, `live-${now}`]))).map((r) => r.tokenHash).sort();
    expect(links).toEqual([`live-${now}`, `recent-${now}`]);
    expect(t.logs()).toContain('"event":"login_links_pruned"');

    // The run queued the next one, an hour on, and nothing else is due before it.
    const queued = await sql.select().from(schema.jobs).where(eq(schema.jobs.queue, LOGIN_RETENTION_QUEUE.queue));
    const next = queued.filter((j) => j.state === 'queued').map((j) => j.runAt.getTime());
    expect(next).toEqual([Math.floor(now / LOGIN_RETENTION_EVERY_MS) * LOGIN_RETENTION_EVERY_MS + LOGIN_RETENTION_EVERY_MS]);
  });
});
