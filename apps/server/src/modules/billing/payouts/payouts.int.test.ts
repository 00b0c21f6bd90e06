import { and, eq } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from '../../../../test/db';
import { createFakePayouts, type FakePayouts } from '../../../integrations/payouts';
import { type Tx } from '../../../platform/db';
import { schema } from '../../../../test/schema';
import { createLogger } from '../../../platform/logger';
import { insertQuestion, makeUsers } from '../billing.test-support';
import { createLedgerRepo } from '../ledger/ledger.repo';
import { createLedgerService, type LedgerService } from '../ledger/ledger.service';
import { createPayoutsRepo } from './payouts.repo';
import { createPayoutsService, NOT_CONFIGURED } from './payouts.service';

const logger = createLogger('silent');
const DAY = 86_400_000;
const day0 = new Date('2026-11-01T00:00:00Z');
const dayN = (n: number) => new Date(day0.getTime() + n * DAY);

describeEachBackend('payouts: runs, hold period, minimums, statuses and crash safety', ({ db }) => {
  let ledger: LedgerService;
  let now = dayN(0);
  const clock = { now: () => now };
  const tx = <T>(fn: (t: Tx) => Promise<T>) => db().database.db.transaction(fn);
  const payable = async (tutorId: string, currency = 'INR') => 0 - (await ledger.repo.balance(db().database.db, `tutor_payable:${tutorId}`, currency)) || 0;
  let student: string;
  /** An answered question's earning (the ledger links it to a question, here one of a test student's). */
  const earn = async (tutorId: string, amountMinor: number, at: Date, currency = 'INR') => {
    const questionId = (await insertQuestion(db().database, student)).id;
    return tx((t) => ledger.questionEarning(t, { tutorId, questionId, amountMinor, currency, at }));
  };
  const service = (adapter: FakePayouts | null, minimums: Record<string, number> = { INR: 50000, USD: 1000 }, log = logger) =>
    createPayoutsService({ repo: createPayoutsRepo(db().database.db), ledger, adapter, clock, logger: log, holdDays: 7, minimums, destinationOf: (id) => `fa_${id}` });
  const payoutsOf = (tutorId: string) => db().database.db.select().from(schema.payouts).where(eq(schema.payouts.tutorId, tutorId));
  const runs = () => db().database.db.select().from(schema.payoutRuns);

  beforeAll(async () => {
    ledger = createLedgerService({ repo: createLedgerRepo(db().database.db), clock, logger, commissionBps: 2000 });
    student = (await makeUsers(db().database)).student.id;
  });

  it('pays payables at or above the minimum, counting only earnings older than the hold period', async () => {
    const a = (await makeUsers(db().database)).tutor;
    const b = (await makeUsers(db().database)).tutor;
    const c = (await makeUsers(db().database)).tutor;
    await earn(a.id, 30000, dayN(0));
    await earn(a.id, 30000, dayN(0.5));
    await earn(a.id, 9000, dayN(5)); // inside the hold period on day 8
    await earn(b.id, 40000, dayN(0)); // below the INR minimum
    await earn(c.id, 2000, dayN(0), 'USD');
    const fake = createFakePayouts();
    now = dayN(8);
    const result = await service(fake).runPayouts(now);
    expect(result.resumed).toBe(false);
    expect((await payoutsOf(a.id)).map((p) => [p.amountMinor, p.currency, p.status])).toEqual([[60000, 'INR', 'in_transit']]);
    expect(await payoutsOf(b.id)).toEqual([]);
    expect((await payoutsOf(c.id)).map((p) => [p.amountMinor, p.currency])).toEqual([[2000, 'USD']]);
    expect(await payable(a.id)).toBe(9000);
    expect(await payable(c.id, 'USD')).toBe(0);
    expect([...fake.created.values()].map((p) => p.destination).sort()).toEqual([`fa_${a.id}`, `fa_${c.id}`].sort());
    // a second run at once pays nothing twice
    const again = await service(fake).runPayouts(dayN(8));
    expect(again.payouts).toEqual([]);
    expect(await payoutsOf(a.id)).toHaveLength(1);
  });

  it('a run killed while sending resumes: one payout per payable, one provider payout per key', async () => {
    const tutors = await Promise.all([1, 2, 3].map(async () => (await makeUsers(db().database)).tutor));
    for (const tutor of tutors) await earn(tutor.id, 70000, dayN(10));
    const fake = createFakePayouts();
    let sends = 0;
    fake.beforeSend = () => {
      if (++sends === 2) throw new Error('killed');
    };
    now = dayN(20);
    await expect(service(fake).runPayouts(now)).rejects.toThrow('killed');
    const open = (await runs()).filter((r) => r.status === 'running');
    expect(open).toHaveLength(1);
    // crash after the provider created the payout but before we recorded it
    fake.beforeSend = null;
    let crashedAfterCreate = false;
    fake.afterCreate = () => {
      if (!crashedAfterCreate) {
        crashedAfterCreate = true;
        throw new Error('killed after create');
      }
    };
    await expect(service(fake).runPayouts(dayN(20))).rejects.toThrow('killed after create');
    fake.afterCreate = null;
    const resumed = await service(fake).runPayouts(dayN(21));
    expect(resumed.resumed).toBe(true);
    expect(resumed.runId).toBe(open[0]!.id);
    expect((await runs()).filter((r) => r.status === 'running')).toHaveLength(0);
    for (const tutor of tutors) {
      const rows = await payoutsOf(tutor.id);
      expect(rows.map((p) => [p.amountMinor, p.status])).toEqual([[70000, 'in_transit']]);
      expect(await payable(tutor.id)).toBe(0);
      const posted = await ledger.repo.findByKey(db().database.db, `payout:${rows[0]!.id}`);
      expect(posted).toBeDefined();
    }
    expect(fake.created.size).toBe(3);
    expect(new Set(fake.calls.map((c) => c.idempotencyKey)).size).toBe(3);
  });

  it('a run killed between creating payouts resumes and creates the rest once', async () => {
    const tutors = await Promise.all([1, 2].map(async () => (await makeUsers(db().database)).tutor));
    // EUR: only these two tutors have EUR payables, so the second EUR minimum read is the second payout.
    for (const tutor of tutors) await earn(tutor.id, 80000, dayN(30), 'EUR');
    let reads = 0;
    const minimums = new Proxy({ INR: 50000, USD: 1000, EUR: 1000 } as Record<string, number>, {
      get(target, key) {
        if (key === 'EUR' && ++reads === 2) throw new Error('killed between payouts');
        return target[key as string];
      },
    });
    const fake = createFakePayouts();
    now = dayN(40);
    await expect(service(fake, minimums).runPayouts(now)).rejects.toThrow('killed between payouts');
    const created = (await Promise.all(tutors.map((tu) => payoutsOf(tu.id)))).flat();
    expect(created).toHaveLength(1);
    expect(fake.calls).toHaveLength(0);
    const resumed = await service(fake, { INR: 50000, USD: 1000, EUR: 1000 }).runPayouts(dayN(40));
    expect(resumed.resumed).toBe(true);
    for (const tutor of tutors) expect((await payoutsOf(tutor.id)).map((p) => p.amountMinor)).toEqual([80000]);
    expect(fake.created.size).toBe(2);
  });

  it('failed payouts are reversed (the money is payable again, with the reason); paid ones stay paid', async () => {
    const rejected = (await makeUsers(db().database)).tutor;
    await earn(rejected.id, 55000, dayN(50));
    const fake = createFakePayouts();
    fake.rejectNext = 'invalid fund account';
    now = dayN(60);
    const svc = service(fake);
    await svc.runPayouts(now);
    const [failed] = await payoutsOf(rejected.id);
    expect(failed).toMatchObject({ status: 'failed', failureReason: 'invalid fund account' });
    expect(await payable(rejected.id)).toBe(55000);
    const reversal = await ledger.repo.findReversalOf(db().database.db, (await ledger.repo.findByKey(db().database.db, `payout:${failed!.id}`))!.id);
    expect(reversal?.description).toMatch(/payout failed: invalid fund account/);

    // later provider statuses: one fails after being in transit, the other arrives
    const x = (await makeUsers(db().database)).tutor;
    const y = (await makeUsers(db().database)).tutor;
    await earn(x.id, 60000, dayN(55));
    await earn(y.id, 61000, dayN(55));
    now = dayN(70);
    await svc.runPayouts(now);
    const [px] = await payoutsOf(x.id);
    const [py] = await payoutsOf(y.id);
    fake.setStatus(px!.providerPayoutId!, 'failed', 'beneficiary bank offline');
    fake.setStatus(py!.providerPayoutId!, 'paid');
    await svc.refreshStatuses(dayN(70));
    await svc.refreshStatuses(dayN(70)); // applying twice changes nothing
    expect((await payoutsOf(x.id))[0]).toMatchObject({ status: 'failed', failureReason: 'beneficiary bank offline' });
    expect((await payoutsOf(y.id))[0]).toMatchObject({ status: 'paid' });
    expect(await payable(x.id)).toBe(60000);
    expect(await payable(y.id)).toBe(0);
    // never backwards from paid
    await svc.applyStatus(py!.id, 'failed', null, 'late failure');
    expect((await payoutsOf(y.id))[0]!.status).toBe('paid');
    // the rejected tutor is paid in the next run (55000 + nothing new)
    now = dayN(71);
    await svc.runPayouts(now);
    const rows = await db().database.db.select().from(schema.payouts).where(and(eq(schema.payouts.tutorId, rejected.id), eq(schema.payouts.status, 'in_transit')));
    expect(rows.map((p) => p.amountMinor)).toEqual([55000]);
  });

  it('payouts off (PAYOUT_PROVIDER none): a run pays nobody, skips and logs each payable tutor with its reason, and takes nothing', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = createLogger('info', { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
    // A payout made (pending) just before payouts were turned off: the send crashed and the run stayed open.
    const earlier = (await makeUsers(db().database)).tutor;
    await earn(earlier.id, 52000, dayN(80));
    const fake = createFakePayouts();
    fake.beforeSend = () => {
      throw new Error('killed');
    };
    now = dayN(90);
    await expect(service(fake).runPayouts(now)).rejects.toThrow('killed');
    expect(await payable(earlier.id)).toBe(0);

    const waiting = (await makeUsers(db().database)).tutor;
    await earn(waiting.id, 75000, dayN(80));
    const resumed = await service(null, undefined, log).runPayouts(now);
    // The open run's payouts (other tests' tutors' too) fail back to the balance; nobody else gets a payout row.
    expect(resumed.payouts.find((p) => p.tutorId === earlier.id)).toMatchObject({ status: 'failed', failureReason: NOT_CONFIGURED });
    expect(resumed.payouts.every((p) => p.status === 'failed' && p.tutorId !== waiting.id)).toBe(true);
    expect(await payable(earlier.id)).toBe(52000);
    const off = await service(null, undefined, log).runPayouts(dayN(91));
    expect(off.payouts).toEqual([]);
    expect(off.skipped).toContainEqual({ tutorId: waiting.id, currency: 'INR', reason: 'payouts are not set up on this server' });
    expect(off.skipped.every((s) => s.reason === NOT_CONFIGURED)).toBe(true);
    expect(await payoutsOf(waiting.id)).toEqual([]);
    expect(await payable(waiting.id)).toBe(75000);
    expect(lines).toContainEqual(expect.objectContaining({ event: 'payout_skipped_not_configured', runId: off.runId, tutorId: waiting.id, currency: 'INR', amountMinor: 75000, reason: NOT_CONFIGURED }));
    expect(fake.created.size).toBe(0);
    // Statuses are not asked of a provider there is not.
    await service(null, undefined, log).refreshStatuses(dayN(0));
  });

  it('the books still balance', async () => {
    const audit = await ledger.repo.audit(db().database.db);
    expect(audit.unbalanced).toBe(0);
    for (const t of audit.totals) expect(t.total).toBe(0);
  });
});
