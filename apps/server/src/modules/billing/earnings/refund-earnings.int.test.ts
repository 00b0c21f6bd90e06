import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminClient, type Client, startTestApp, type TestApp } from '../../../../test/app';
import { describeEachBackend } from '../../../../test/db';
import { askQuestion, helpConfig, type HelpUser, makeDataDir, makeStudent, makeTutor, removeDir, whenOffered } from '../../../../test/help';
import { schema } from '../../../../test/schema';

const billingOn = { commissionBps: 2000, payoutHoldDays: 7, payoutMinMinor: { INR: 50000, USD: 1000 }, enforceEntitlements: true };
const pack = { id: 'refund-pack-3', name: 'Refund pack 3', kind: 'credit_pack', questions: 3, trialDays: 0, graceDays: 0, prices: [{ currency: 'INR', amountMinor: 9000 }, { currency: 'USD', amountMinor: 299 }] };
const plan = { id: 'refund-monthly', name: 'Refund monthly', kind: 'subscription', questions: 5, trialDays: 0, graceDays: 3, prices: [{ currency: 'INR', amountMinor: 19900 }, { currency: 'USD', amountMinor: 499 }] };

/** A refund of a subscription payment takes back the earnings of the questions it paid for (earnings.ts), by reversing entries only. */
describeEachBackend('billing: refunds reverse the tutor earnings of the questions the payment paid for', ({ db }) => {
  let t: TestApp;
  let dataDir: string;
  let admin: Client;
  let keys = 0;
  const key = () => `refund-earnings-${++keys}-${Date.now()}`;

  beforeAll(async () => {
    dataDir = makeDataDir();
    t = await startTestApp(db().database, { ...helpConfig(dataDir), billing: billingOn, payments: { provider: 'fake', stripe: null, razorpay: null } } as never);
    admin = (await adminClient(t)).client;
    expect((await admin.post('/api/admin/billing/plans', plan)).status).toBeLessThan(300);
    expect((await admin.post('/api/admin/billing/plans', pack)).status).toBeLessThan(300);
  });
  afterAll(async () => {
    await t?.close();
    removeDir(dataDir);
  });

  const entryCounts = async () => {
    const [e] = await t.app.database.db.select({ n: sql<number>`count(*)::int`, s: sql<string>`coalesce(sum(${schema.ledgerEntries.amountMinor}), 0)::text` }).from(schema.ledgerEntries);
    return e!;
  };
  const unbalanced = async () => {
    const r = await t.app.database.db.execute(sql`select count(*)::int as n from (select transaction_id from ledger_entries group by transaction_id, currency having sum(amount_minor) <> 0) u`);
    return Number((r as unknown as { rows: { n: number }[] }).rows[0]!.n);
  };
  const payable = async (tutor: { client: Client }) => {
    const res = await tutor.client.get('/api/billing/tutor/balance');
    expect(res.status).toBe(200);
    // Owed: payable now plus on hold (each amount is in exactly one of them).
    const b = (res.json.balances as { currency: string; payableMinor: number; onHoldMinor: number }[]).find((x) => x.currency === 'INR');
    return b ? b.payableMinor + b.onHoldMinor : 0;
  };
  /** The admin's revenue report, INR, summed over all months (the fake provider stamps payments with the wall clock). */
  const revenueRow = async () => {
    const rows = (await admin.get('/api/admin/billing/revenue?from=2000-01-01&to=2100-01-01')).json.rows as Record<string, number | string>[];
    const sum = (k: string) => rows.filter((r) => r.currency === 'INR').reduce((n, r) => n + Number(r[k]), 0);
    return { receivedMinor: sum('receivedMinor'), refundedMinor: sum('refundedMinor'), revenueMinor: sum('revenueMinor'), tutorEarningsMinor: sum('tutorEarningsMinor') };
  };

  const buy = async (student: HelpUser, planId: string) => {
    const checkout = await student.client.post('/api/billing/checkout', { planId, currency: 'INR', idempotencyKey: key() });
    expect(checkout.status, checkout.text).toBe(201);
    expect((await student.client.request('POST', `/dev/fake-pay/${checkout.json.id}/succeed`, undefined, { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(200);
    await t.app.jobs.drain();
    const [payment] = await t.app.database.db.select().from(schema.payments).where(eq(schema.payments.checkoutId, checkout.json.id));
    return payment!;
  };
  const answerOne = async (student: HelpUser, tutor: HelpUser) => {
    const q = await askQuestion(t, student, 'maths', 'grade-9-10');
    await whenOffered(tutor, q.id);
    expect((await tutor.client.post(`/api/help/questions/${q.id}/accept`)).status).toBe(200);
    expect((await tutor.client.post(`/api/help/questions/${q.id}/answered`)).status).toBe(200);
    return q.id as string;
  };
  const buyAnswerOne = async () => {
    const student = await makeStudent(t);
    const payment = await buy(student, plan.id);
    expect((await student.client.get('/api/billing/me')).json).toMatchObject({ status: 'active', canAsk: true });
    const tutor = await makeTutor(t, { subjects: [{ subjectId: 'maths', level: 'grade-9-10' }], notifyWhenOffline: true });
    const questionId = await answerOne(student, tutor);
    return { student, tutor, payment, questionId };
  };

  it('a full refund takes the earning back in the refund transaction: payable to zero, revenue reversed, all balanced, nothing rewritten', async () => {
    const before = await revenueRow();
    const { student, tutor, payment, questionId } = await buyAnswerOne();
    expect(await payable(tutor)).toBe(4000);
    const [earning] = await t.app.database.db.select().from(schema.ledgerTransactions).where(eq(schema.ledgerTransactions.idempotencyKey, `earning:question:${questionId}`));
    // Linked to its question and to the payment that paid for it (typed links, #14), paid to its tutor.
    expect(earning!).toMatchObject({ questionId, paymentId: payment.id, data: { tutorId: tutor.id } });
    const snapshot = await t.app.database.db.select().from(schema.ledgerEntries);
    const mid = await revenueRow();
    expect(mid.receivedMinor - before.receivedMinor).toBe(19900);
    expect(mid.tutorEarningsMinor - before.tutorEarningsMinor).toBe(4000);

    const refund = await admin.post(`/api/admin/payments/${payment.id}/refund`, { reason: 'charged by mistake', idempotencyKey: key() });
    expect(refund.status, refund.text).toBe(201);
    expect(refund.json).toMatchObject({ status: 'succeeded', amountMinor: 19900 });
    expect(await payable(tutor)).toBe(0);
    const after = await revenueRow();
    expect(after.refundedMinor - before.refundedMinor).toBe(19900);
    expect(after.revenueMinor - before.revenueMinor).toBe(0);
    expect(after.tutorEarningsMinor - before.tutorEarningsMinor).toBe(0);

    // One refund transaction reverses the payment and the earning; the original rows are untouched.
    const [posted] = await t.app.database.db.select().from(schema.ledgerTransactions).where(eq(schema.ledgerTransactions.idempotencyKey, `refund:${refund.json.id}`));
    expect(posted!.data).toMatchObject({ earningsReversed: [{ transactionId: earning!.id, tutorId: tutor.id, questionId }] });
    const now = await t.app.database.db.select().from(schema.ledgerEntries).where(inArray(schema.ledgerEntries.id, snapshot.map((e) => e.id)));
    expect(now).toEqual(snapshot);
    expect(await unbalanced()).toBe(0);
    expect((await entryCounts()).s).toBe('0');
    expect((await student.client.get('/api/billing/me')).json).toMatchObject({ status: 'refunded', canAsk: false });
  });

  it('a partial refund takes back the same share of the earning; the rest of the refund takes back the rest', async () => {
    const { tutor, payment } = await buyAnswerOne();
    expect(await payable(tutor)).toBe(4000);
    const half = await admin.post(`/api/admin/payments/${payment.id}/refund`, { amountMinor: 9950, reason: 'half', idempotencyKey: key() });
    expect(half.status, half.text).toBe(201);
    expect(await payable(tutor)).toBe(2000);
    const rest = await admin.post(`/api/admin/payments/${payment.id}/refund`, { amountMinor: 9950, reason: 'the rest', idempotencyKey: key() });
    expect(rest.status, rest.text).toBe(201);
    expect(await payable(tutor)).toBe(0);
    expect(await unbalanced()).toBe(0);
  });

  it('an earning not paid for by the refunded payment stays: another student’s question', async () => {
    const a = await buyAnswerOne();
    const b = await buyAnswerOne();
    expect(await payable(a.tutor)).toBe(4000);
    expect((await admin.post(`/api/admin/payments/${b.payment.id}/refund`, { reason: 'b only', idempotencyKey: key() })).status).toBe(201);
    expect(await payable(a.tutor)).toBe(4000);
    expect(await payable(b.tutor)).toBe(0);
  });

  it('a pack refund reverses the earnings of the questions its credits paid for (oldest credits first), not those a grant paid for', async () => {
    const student = await makeStudent(t);
    const tutor = await makeTutor(t, { subjects: [{ subjectId: 'maths', level: 'grade-9-10' }], notifyWhenOffline: true });
    await t.app.database.db.transaction((tx) => t.app.billing.ledger.grantCredits(tx, student.id, 1, `goodwill:${student.id}`, 'Goodwill credit', new Date(Date.now() - 60_000)));
    const payment = await buy(student, pack.id);
    expect((await student.client.get('/api/billing/me')).json).toMatchObject({ credits: 4 });
    const fromGrant = await answerOne(student, tutor);
    const fromPack = await answerOne(student, tutor);
    const funded = async (questionId: string) =>
      (await t.app.database.db.select().from(schema.ledgerTransactions).where(eq(schema.ledgerTransactions.idempotencyKey, `earning:question:${questionId}`)))[0]!.paymentId ?? undefined;
    expect(await funded(fromGrant)).toBeUndefined();
    expect(await funded(fromPack)).toBe(payment.id);
    expect(await payable(tutor)).toBe(8000);

    const refund = await admin.post(`/api/admin/payments/${payment.id}/refund`, { reason: 'pack refunded', idempotencyKey: key() });
    expect(refund.status, refund.text).toBe(201);
    // The pack's earning goes back; the grant's stays. The pack's two unused credits are taken back (one was used).
    expect(await payable(tutor)).toBe(4000);
    expect((await student.client.get('/api/billing/me')).json).toMatchObject({ credits: 0 });
    expect(await unbalanced()).toBe(0);
  });
});
