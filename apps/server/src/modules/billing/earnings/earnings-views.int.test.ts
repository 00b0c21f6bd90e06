import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminClient, type Client, startTestApp, type TestApp } from '../../../../test/app';
import { describeEachBackend } from '../../../../test/db';
import { askQuestion, helpConfig, type HelpUser, makeDataDir, makeStudent, makeTutor, removeDir, whenOffered } from '../../../../test/help';
import { schema } from '../../../../test/schema';

const billingOn = { commissionBps: 2000, payoutHoldDays: 7, payoutMinMinor: { INR: 50000 }, enforceEntitlements: true };
const plan = { id: 'views-monthly', name: 'Views monthly', kind: 'subscription', questions: 5, trialDays: 0, graceDays: 3, prices: [{ currency: 'INR', amountMinor: 19900 }, { currency: 'USD', amountMinor: 499 }] };
const DAY = 86_400_000;

/**
 * Issue #14: a tutor's earnings come from the ledger only. Help kept its own copy (tutor_earnings) for "today", and a
 * refund reversed only the ledger, so after a refund "today" still showed the earning the balance no longer held.
 * Each view a tutor has of their money must tell the same story: today (the home card), the week (the statement over
 * the last seven days) and the balance.
 */
describeEachBackend('billing: a tutor’s today, week and balance agree, before and after a refund', ({ db }) => {
  let t: TestApp;
  let dataDir: string;
  let admin: Client;
  let keys = 0;
  const key = () => `views-${++keys}-${Date.now()}`;

  beforeAll(async () => {
    dataDir = makeDataDir();
    t = await startTestApp(db().database, { ...helpConfig(dataDir), billing: billingOn, payments: { provider: 'fake', stripe: null, razorpay: null } } as never);
    admin = (await adminClient(t)).client;
    expect((await admin.post('/api/admin/billing/plans', plan)).status).toBeLessThan(300);
  });
  afterAll(async () => {
    await t?.close();
    removeDir(dataDir);
  });

  /** A student's plan, a question of theirs answered by a fresh tutor: the payment and the tutor. */
  const answered = async () => {
    const student = await makeStudent(t);
    const checkout = await student.client.post('/api/billing/checkout', { planId: plan.id, currency: 'INR', idempotencyKey: key() });
    expect(checkout.status, checkout.text).toBe(201);
    expect((await student.client.request('POST', `/dev/fake-pay/${checkout.json.id}/succeed`, undefined, { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(200);
    await t.app.jobs.drain();
    const [payment] = await t.app.database.db.select().from(schema.payments).where(eq(schema.payments.checkoutId, checkout.json.id));
    const tutor = await makeTutor(t, { subjects: [{ subjectId: 'maths', level: 'grade-9-10' }], notifyWhenOffline: true });
    const q = await askQuestion(t, student, 'maths', 'grade-9-10');
    await whenOffered(tutor, q.id);
    expect((await tutor.client.post(`/api/help/questions/${q.id}/accept`)).status).toBe(200);
    expect((await tutor.client.post(`/api/help/questions/${q.id}/answered`)).status).toBe(200);
    return { payment: payment!, tutor };
  };

  /** The three views, in INR: what today earned, what the week's statement moved, what is owed now. */
  const views = async (tutor: HelpUser) => {
    const today = (await tutor.client.get('/api/help/tutor/today')).json as { answeredToday: number; earningsToday: { currency: string; amountMinor: number }[] };
    const zone = ((await tutor.client.get('/api/me')).json as { timeZone: string }).timeZone;
    const localDate = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
    const now = new Date();
    const week = await tutor.client.get(`/api/billing/tutor/statement?from=${localDate(new Date(now.getTime() - 6 * DAY))}&to=${localDate(now)}`);
    expect(week.status, week.text).toBe(200);
    const inr = (week.json.currencies as { currency: string; openingMinor: number; closingMinor: number; lines: { amountMinor: number }[] }[]).find((c) => c.currency === 'INR');
    const balance = ((await tutor.client.get('/api/billing/tutor/balance')).json.balances as { currency: string; payableMinor: number; onHoldMinor: number }[]).find((b) => b.currency === 'INR');
    return {
      answeredToday: today.answeredToday,
      today: today.earningsToday.filter((e) => e.currency === 'INR').reduce((n, e) => n + e.amountMinor, 0),
      week: inr ? inr.closingMinor - inr.openingMinor : 0,
      weekLines: inr?.lines.map((l) => l.amountMinor) ?? [],
      owed: balance ? balance.payableMinor + balance.onHoldMinor : 0,
    };
  };

  it('a refunded answered question: today, the week and the balance all drop to nothing, and the question still counts as answered', async () => {
    const { payment, tutor } = await answered();
    expect(await views(tutor)).toEqual({ answeredToday: 1, today: 4000, week: 4000, weekLines: [4000], owed: 4000 });

    const refund = await admin.post(`/api/admin/payments/${payment.id}/refund`, { reason: 'charged by mistake', idempotencyKey: key() });
    expect(refund.status, refund.text).toBe(201);
    expect(await views(tutor)).toEqual({ answeredToday: 1, today: 0, week: 0, weekLines: [4000, -4000], owed: 0 });
  });

  it('a partial refund: today, the week and the balance keep the same share', async () => {
    const { payment, tutor } = await answered();
    const half = await admin.post(`/api/admin/payments/${payment.id}/refund`, { amountMinor: 9950, reason: 'half', idempotencyKey: key() });
    expect(half.status, half.text).toBe(201);
    expect(await views(tutor)).toEqual({ answeredToday: 1, today: 2000, week: 2000, weekLines: [4000, -2000], owed: 2000 });
  });
});
