import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminClient, Client, startTestApp, type TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { askQuestion, helpConfig, type HelpUser, makeDataDir, makeStudent, makeTutor, removeDir, uploadPhoto, waitUntil, whenOffered } from '../../../test/help';
import { schema } from '../../../test/schema';
import { insertPayment, insertRefund } from './billing.test-support';

const billingOn = { commissionBps: 2000, payoutHoldDays: 7, payoutMinMinor: { INR: 50000, USD: 1000 }, enforceEntitlements: true };
const monthly = { id: 'test-monthly-2', name: 'Test monthly 2', kind: 'subscription', questions: 2, trialDays: 0, graceDays: 3, prices: [{ currency: 'INR', amountMinor: 19900 }, { currency: 'USD', amountMinor: 499 }] };
const pack = { id: 'test-pack-5', name: 'Pack of 5', kind: 'credit_pack', questions: 5, prices: [{ currency: 'INR', amountMinor: 14900 }, { currency: 'USD', amountMinor: 299 }] };

describeEachBackend('billing, the money side over HTTP: entitlements, earnings, balances, reports, plans', ({ db }) => {
  let t: TestApp;
  let dataDir: string;
  let admin: Client;

  const ask = async (student: HelpUser) => {
    const photoId = await uploadPhoto(t, student.client);
    return student.client.post('/api/help/questions', { requestId: randomUUID(), subjectId: 'maths', level: 'grade-9-10', text: 'x?', photoIds: [photoId] });
  };
  const subscribe = async (studentId: string, questions = monthly.id) =>
    t.app.database.db.insert(schema.subscriptions).values({ studentId, planId: questions, currency: 'INR', status: 'active', provider: 'fake', currentPeriodStart: new Date(Date.now() - 86_400_000), currentPeriodEnd: new Date('2030-01-15T12:00:00Z'), createdAt: new Date(), updatedAt: new Date() });

  beforeAll(async () => {
    dataDir = makeDataDir();
    t = await startTestApp(db().database, { ...helpConfig(dataDir, { expiryMinutes: 0.05 }), billing: billingOn });
    admin = (await adminClient(t)).client;
    // Someone teaches maths (offline, so never notified): a question nobody teaches would close at once, giving its credit back.
    await makeTutor(t, { subjects: [{ subjectId: 'maths', level: 'grade-9-10' }], online: false });
  });
  afterAll(async () => {
    await t?.close();
    removeDir(dataDir);
  });

  it('admins create and change plans with INR and USD prices in minor units; bad input changes nothing', async () => {
    const noUsd = await admin.post('/api/admin/billing/plans', { ...monthly, prices: [{ currency: 'INR', amountMinor: 19900 }] });
    expect(noUsd.status).toBe(400);
    expect(noUsd.text).toMatch(/INR and USD/);
    expect((await admin.post('/api/admin/billing/plans', { ...monthly, prices: [{ currency: 'INR', amountMinor: 199.5 }, { currency: 'USD', amountMinor: 4 }] })).status).toBe(400);
    expect((await admin.get('/api/admin/billing/plans')).json).toEqual([]);
    const created = await admin.post('/api/admin/billing/plans', monthly);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ id: monthly.id, questions: 2, active: true, prices: [{ currency: 'INR', amountMinor: 19900, active: true }, { currency: 'USD', amountMinor: 499, active: true }] });
    expect((await admin.post('/api/admin/billing/plans', monthly)).status).toBe(409);
    expect((await admin.post('/api/admin/billing/plans', pack)).status).toBe(201);
    const { id: _id, ...rest } = pack;
    const changed = await admin.put(`/api/admin/billing/plans/${pack.id}`, { ...rest, name: 'Pack of five', prices: [...pack.prices, { currency: 'EUR', amountMinor: 279 }] });
    expect(changed.status).toBe(200);
    expect(changed.json.name).toBe('Pack of five');
    expect(changed.json.prices.map((p: { currency: string }) => p.currency)).toEqual(['EUR', 'INR', 'USD']);
    expect((await admin.put('/api/admin/billing/plans/nope', rest)).status).toBe(404);
    const student = await makeStudent(t);
    expect((await student.client.get('/api/admin/billing/plans')).status).toBe(403);
  });

  it('a student without a plan or credits is refused with the next step, and no question is created', async () => {
    const student = await makeStudent(t);
    const me = await student.client.get('/api/billing/me');
    expect(me.json).toMatchObject({ plan: null, status: 'none', canAsk: false, questionsLeft: 0, credits: 0, enforced: true, next: 'You have no plan or question credits. Choose a plan, or buy a pack of 5 questions.' });
    const res = await ask(student);
    expect(res.status).toBe(403);
    expect(res.json.error).toMatchObject({ code: 'payment_required', message: me.json.next, details: { reason: 'entitlement' } });
    expect(await t.app.database.db.select().from(schema.questions).where(eq(schema.questions.studentId, student.id))).toHaveLength(0);
  });

  it("uses the plan's included questions, refuses the third with the renewal date, and gives one back on cancel", async () => {
    const student = await makeStudent(t);
    await subscribe(student.id);
    const q1 = await askQuestion(t, student, 'maths', 'grade-9-10');
    await askQuestion(t, student, 'maths', 'grade-9-10');
    expect((await student.client.get('/api/billing/me')).json).toMatchObject({ status: 'active', plan: { id: monthly.id }, questionsLeft: 0, canAsk: false });
    const third = await ask(student);
    expect(third.status).toBe(403);
    expect(third.json.error.message).toBe("Your plan's 2 questions for this month are used. Buy a pack of 5 questions or wait until 15 Jan.");
    expect((await student.client.post(`/api/help/questions/${q1.id}/cancel`)).status).toBe(200);
    expect((await student.client.get('/api/billing/me')).json).toMatchObject({ questionsLeft: 1, canAsk: true });
  });

  it('a credit is used by asking and comes back when the question expires unanswered', async () => {
    const student = await makeStudent(t);
    await t.app.database.db.transaction((tx) => t.app.billing.ledger.grantCredits(tx, student.id, 1, `test:${student.id}`, 'test credits', new Date()));
    const q = await askQuestion(t, student, 'maths', 'grade-9-10');
    expect((await student.client.get('/api/billing/me')).json).toMatchObject({ credits: 0, canAsk: false });
    await waitUntil(async () => (await student.client.get(`/api/help/questions/${q.id}`)).json.status === 'expired', 'the question to expire');
    expect((await student.client.get('/api/billing/me')).json).toMatchObject({ credits: 1, canAsk: true });
  });

  it('an answered question posts the tutor earning; balance, statement (JSON and CSV) show it; a refund shows in revenue', async () => {
    const student = await makeStudent(t);
    await subscribe(student.id);
    const tutor = await makeTutor(t, { subjects: [{ subjectId: 'maths', level: 'grade-9-10' }], notifyWhenOffline: true });
    const q = await askQuestion(t, student, 'maths', 'grade-9-10');
    await whenOffered(tutor, q.id);
    expect((await tutor.client.post(`/api/help/questions/${q.id}/accept`)).status).toBe(200);
    expect((await tutor.client.post(`/api/help/questions/${q.id}/answered`)).status).toBe(200);
    const balance = await tutor.client.get('/api/billing/tutor/balance');
    expect(balance.status).toBe(200);
    // Each amount once (issue #13): earned today, so all of it is on hold and none of it payable yet.
    expect(balance.json).toMatchObject({ balances: [{ currency: 'INR', payableMinor: 0, onHoldMinor: 4000, inTransitMinor: 0, paidMinor: 0 }], holdDays: 7 });
    const statement = await tutor.client.get('/api/billing/tutor/statement');
    expect(statement.json.currencies).toEqual([{ currency: 'INR', openingMinor: 0, closingMinor: 4000, lines: [expect.objectContaining({ kind: 'earning', description: 'Answered question', amountMinor: 4000, balanceMinor: 4000 })] }]);
    const csv = await tutor.client.get('/api/billing/tutor/statement?format=csv');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.text.split('\r\n')).toEqual(['date,currency,kind,description,amount,balance', expect.stringMatching(/^\d{4}-.*Z,INR,earning,Answered question,40\.00,40\.00$/), '']);
    expect((await tutor.client.get('/api/billing/tutor/statement?from=2026-13-01')).status).toBe(400);

    // money in and a partial refund: the admin's revenue report
    const p = await insertPayment(t.app.database, student.id, 19900, 'INR', new Date());
    await t.app.database.db.transaction((tx) => t.app.billing.ledgerPort.paymentReceived(tx, { paymentId: p.id, studentId: student.id, provider: 'fake', amountMinor: 19900, currency: 'INR', purpose: 'subscription', at: new Date() }));
    const r = await insertRefund(t.app.database, p.id, 9950);
    await t.app.database.db.transaction((tx) => t.app.billing.ledgerPort.refundSettled(tx, { refundId: r.id, paymentId: p.id, amountMinor: 9950, currency: 'INR', at: new Date() }));
    const month = new Date().toISOString().slice(0, 7);
    const revenue = await admin.get('/api/admin/billing/revenue');
    // Reconciles (decision 029): 19900 − 9950 = 5950 revenue (the half kept, less the 4000 question earning) + 4000.
    expect(revenue.json.rows).toEqual([{ month, currency: 'INR', receivedMinor: 19900, refundedMinor: 9950, revenueMinor: 5950, commissionMinor: 0, tutorEarningsMinor: 4000, deferredMinor: 0 }]);
    const revenueCsv = await admin.get('/api/admin/billing/revenue?format=csv');
    expect(revenueCsv.text).toBe(`month,currency,received,refunded,revenue,commission,tutor_earnings,deferred\r\n${month},INR,199.00,99.50,59.50,0.00,40.00,0.00\r\n`);
    expect((await tutor.client.get('/api/admin/billing/revenue')).status).toBe(403);
    expect((await student.client.get('/api/billing/tutor/balance')).status).toBe(403);
  });
});
