import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminClient, type Client, startTestApp, type TestApp } from '../../../../test/app';
import { describeEachBackend } from '../../../../test/db';
import { askQuestion, helpConfig, type HelpUser, makeDataDir, makeStudent, makeTutor, removeDir, whenOffered } from '../../../../test/help';
import { schema } from '../../../../test/schema';
import { settableClock } from '../payments/providers.testkit';

const DAY = 86_400_000;
const billingOn = {
  commissionBps: 2000,
  payoutHoldDays: 7,
  payoutMinMinor: { INR: 100, USD: 100, EUR: 10 },
  enforceEntitlements: true,
  fx: { rates: [{ from: 'EUR', to: 'INR', rate: '90.50' }], source: 'test reference rates 2026-11-30' },
};
const pack = {
  id: 'currency-pack-5',
  name: 'Currency pack 5',
  kind: 'credit_pack',
  questions: 5,
  trialDays: 0,
  graceDays: 0,
  prices: [
    { currency: 'INR', amountMinor: 40000 },
    { currency: 'USD', amountMinor: 500 },
    { currency: 'EUR', amountMinor: 450 },
  ],
};

/**
 * Issue #13.3: a question's earning is in the currency of the money that paid for it (the INR row once showed ₹80 of
 * pay for questions paid in USD); a conversion keeps its rate and source on the ledger transaction; every revenue row
 * reconciles; a tutor's balance shows each amount once (it showed the same amount as payable and as on hold).
 */
describeEachBackend('billing: earnings in the currency that paid, reconciled revenue, a balance that counts once', ({ db }) => {
  let t: TestApp;
  let dataDir: string;
  let admin: Client;
  let tutor: HelpUser;
  let keys = 0;
  const key = () => `currency-${++keys}-${Date.now()}`;
  const clock = settableClock(new Date('2026-11-30T09:00:00.000Z'));

  beforeAll(async () => {
    dataDir = makeDataDir();
    t = await startTestApp(db().database, { ...helpConfig(dataDir), billing: billingOn, payments: { provider: 'fake', stripe: null, razorpay: null } } as never, clock, { manualJobs: true });
    admin = (await adminClient(t)).client;
    expect((await admin.post('/api/admin/billing/plans', pack)).status).toBeLessThan(300);
    // An Indian tutor: their profile currency is INR, and the rate table has INR and USD rates for every subject.
    tutor = await makeTutor(t, { subjects: [{ subjectId: 'maths', level: 'grade-9-10' }, { subjectId: 'physics', level: 'grade-11-12' }], notifyWhenOffline: true });
  });
  afterAll(async () => {
    await t?.close();
    removeDir(dataDir);
  });

  const buyPack = async (student: HelpUser, currency: string) => {
    const checkout = await student.client.post('/api/billing/checkout', { planId: pack.id, currency, idempotencyKey: key() });
    expect(checkout.status, checkout.text).toBe(201);
    await student.client.request('POST', `/dev/fake-pay/${checkout.json.id}/succeed`, undefined, { 'content-type': 'application/x-www-form-urlencoded' });
    await t.app.jobs.drain();
    const [payment] = await t.app.database.db.select().from(schema.payments).where(eq(schema.payments.checkoutId, checkout.json.id));
    return payment!;
  };
  const answer = async (student: HelpUser, subjectId: string, level: string) => {
    const q = await askQuestion(t, student, subjectId, level);
    // Jobs run by hand here: the first wave offers the question to the tutor, who may claim only what was offered (decision 024).
    await t.app.jobs.drain();
    await whenOffered(tutor, q.id);
    expect((await tutor.client.post(`/api/help/questions/${q.id}/accept`)).status).toBe(200);
    expect((await tutor.client.post(`/api/help/questions/${q.id}/answered`)).status).toBe(200);
    const [earning] = await t.app.database.db.select().from(schema.ledgerTransactions).where(eq(schema.ledgerTransactions.idempotencyKey, `earning:question:${q.id}`));
    const entries = await t.app.database.db.select().from(schema.ledgerEntries).where(eq(schema.ledgerEntries.transactionId, earning!.id));
    return { id: q.id as string, earning: earning!, currencies: [...new Set(entries.map((e) => e.currency))] };
  };
  const revenue = async () => (await admin.get('/api/admin/billing/revenue?from=2026-01-01&to=2027-12-31')).json.rows as Record<string, number | string>[];
  const balance = async () => (await tutor.client.get('/api/billing/tutor/balance')).json.balances as { currency: string; payableMinor: number; onHoldMinor: number; inTransitMinor: number; paidMinor: number }[];

  it('a question paid in USD earns the subject’s USD rate in USD, not the tutor’s INR rate; the INR row gets nothing', async () => {
    const student = await makeStudent(t);
    const payment = await buyPack(student, 'USD');
    const q = await answer(student, 'maths', 'grade-9-10');
    expect(q.currencies).toEqual(['USD']);
    expect(q.earning).toMatchObject({ fxFromCurrency: null, fxRate: null, fxSource: null, paymentId: payment.id });
    // The tutor's "today" is in the same currency as the ledger.
    expect((await tutor.client.get('/api/help/tutor/today')).json).toMatchObject({ earningsToday: [{ currency: 'USD', amountMinor: 150 }] });
    const rows = await revenue();
    expect(rows.filter((r) => r.currency === 'INR')).toEqual([]);
    expect(rows.filter((r) => r.currency === 'USD')).toEqual([{ month: '2026-11', currency: 'USD', receivedMinor: 500, refundedMinor: 0, revenueMinor: 350, commissionMinor: 0, tutorEarningsMinor: 150, deferredMinor: 0 }]);
  });

  it('a question paid in EUR (no EUR rate) converts the tutor’s INR rate at the configured rate, recorded on the transaction', async () => {
    const student = await makeStudent(t);
    await buyPack(student, 'EUR');
    const q = await answer(student, 'physics', 'grade-11-12');
    // Physics pays ₹45.00 (4500); 1 EUR = 90.50 INR, so 1 INR = 0.011049723757 EUR: 4500 × that = 49.72 → 50 cents.
    expect(q.currencies).toEqual(['EUR']);
    expect(q.earning).toMatchObject({ fxFromCurrency: 'INR', fxFromAmountMinor: 4500, fxSource: 'test reference rates 2026-11-30' });
    expect(Number(q.earning.fxRate)).toBeCloseTo(1 / 90.5, 12);
    const [payable] = await t.app.database.db
      .select()
      .from(schema.ledgerEntries)
      .innerJoin(schema.ledgerAccounts, eq(schema.ledgerAccounts.id, schema.ledgerEntries.accountId))
      .where(and(eq(schema.ledgerEntries.transactionId, q.earning.id), eq(schema.ledgerAccounts.code, `tutor_payable:${tutor.id}`)));
    expect(payable!.ledger_entries).toMatchObject({ amountMinor: -50, currency: 'EUR' });
    const rows = await revenue();
    expect(rows.filter((r) => r.currency === 'EUR')).toEqual([{ month: '2026-11', currency: 'EUR', receivedMinor: 450, refundedMinor: 0, revenueMinor: 400, commissionMinor: 0, tutorEarningsMinor: 50, deferredMinor: 0 }]);
    for (const r of rows) {
      expect(Number(r.receivedMinor) - Number(r.refundedMinor), `${r.month} ${r.currency}`).toBe(Number(r.revenueMinor) + Number(r.commissionMinor) + Number(r.tutorEarningsMinor) + Number(r.deferredMinor));
    }
  });

  it('the balance shows each amount once: on hold while the hold runs, then payable, then in transit', async () => {
    expect(await balance()).toEqual([
      { currency: 'EUR', payableMinor: 0, onHoldMinor: 50, inTransitMinor: 0, paidMinor: 0 },
      { currency: 'USD', payableMinor: 0, onHoldMinor: 150, inTransitMinor: 0, paidMinor: 0 },
    ]);
    const student = await makeStudent(t);
    await buyPack(student, 'USD');
    clock.advance(8 * DAY);
    expect(await balance()).toEqual([
      { currency: 'EUR', payableMinor: 50, onHoldMinor: 0, inTransitMinor: 0, paidMinor: 0 },
      { currency: 'USD', payableMinor: 150, onHoldMinor: 0, inTransitMinor: 0, paidMinor: 0 },
    ]);
    // A new earning is on hold on its own, while the daily payout run (due now) sends what is past the hold.
    await answer(student, 'maths', 'grade-9-10');
    await t.app.jobs.drain();
    expect(await balance()).toEqual([
      { currency: 'EUR', payableMinor: 0, onHoldMinor: 0, inTransitMinor: 50, paidMinor: 0 },
      { currency: 'USD', payableMinor: 0, onHoldMinor: 150, inTransitMinor: 150, paidMinor: 0 },
    ]);
  });
});
