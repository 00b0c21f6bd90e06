import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminClient, Client, signUpStudent } from '../../../../test/app';
import { describeEachBackend } from '../../../../test/db';
import { schema } from '../../../../test/schema';
import { type BillingTestApp, ensurePlan, settableClock, startBillingApp } from './providers.testkit';

/** What the web pages list: plans on sale for students, recent payments for admins (to refund from). */
describeEachBackend('billing: plans on sale and admins\' recent payments', ({ db }) => {
  let t: BillingTestApp;
  const clock = settableClock(new Date('2026-12-01T09:00:00.000Z'));
  let keys = 0;
  const key = () => `lists-key-${++keys}-${Date.now()}`;

  beforeAll(async () => {
    t = await startBillingApp(db().database, { clock, payments: { provider: 'fake', stripe: null, razorpay: null } });
    await ensurePlan(db().database, 'lists-plus');
    await ensurePlan(db().database, 'lists-pack', 'credit_pack', { INR: 29900, USD: 599 });
    await ensurePlan(db().database, 'lists-retired');
    await db().database.db.update(schema.billingPlans).set({ active: false }).where(eq(schema.billingPlans.id, 'lists-retired'));
    await ensurePlan(db().database, 'lists-usd-only', 'credit_pack', { INR: 100, USD: 200 });
    await db().database.db.update(schema.billingPrices).set({ active: false }).where(eq(schema.billingPrices.planId, 'lists-usd-only'));
  });
  afterAll(async () => {
    await t?.close();
  });

  const newStudent = async () => {
    const client = new Client(t.baseUrl);
    const { user, email } = await signUpStudent(client);
    return { client, id: user.id, email };
  };
  const buy = async (s: { client: Client }, planId: string, currency: string) => {
    const res = await s.client.post('/api/billing/checkout', { planId, currency, idempotencyKey: key() });
    expect(res.status, res.text).toBe(201);
    await s.client.request('POST', `/dev/fake-pay/${res.json.id}/succeed`, undefined, { 'content-type': 'application/x-www-form-urlencoded' });
    await t.app.jobs.drain();
    clock.advance(60_000);
    return res.json.id as string;
  };

  it("the fake payment page's buttons work from a browser, which posts the form with Origin: null", async () => {
    const s = await newStudent();
    const res = await s.client.post('/api/billing/checkout', { planId: 'lists-pack', currency: 'USD', idempotencyKey: key() });
    const paid = await s.client.request('POST', `/dev/fake-pay/${res.json.id}/succeed`, undefined, { 'content-type': 'application/x-www-form-urlencoded', origin: 'null' });
    expect(paid.status, paid.text).toBe(200);
    await t.app.jobs.drain();
    expect((await s.client.get(`/api/billing/checkouts/${res.json.id}`)).json.status).toBe('paid');
  });

  it('students see active plans with their active prices only', async () => {
    const s = await newStudent();
    const res = await s.client.get('/api/billing/plans');
    expect(res.status, res.text).toBe(200);
    const ids = (res.json as { id: string }[]).map((p) => p.id);
    expect(ids).toEqual(expect.arrayContaining(['lists-plus', 'lists-pack']));
    expect(ids).not.toContain('lists-retired');
    expect(ids).not.toContain('lists-usd-only');
    const pack = (res.json as { id: string; kind: string; prices: { currency: string; amountMinor: number }[] }[]).find((p) => p.id === 'lists-pack')!;
    expect(pack.kind).toBe('credit_pack');
    expect(pack.prices.map((p) => [p.currency, p.amountMinor])).toEqual([['INR', 29900], ['USD', 599]]);
    expect((await new Client(t.baseUrl).get('/api/billing/plans')).status).toBe(401);
  });

  it('admins list recent payments newest first, by student email, page by page, with what can still be refunded', async () => {
    const s = await newStudent();
    await buy(s, 'lists-pack', 'INR');
    await buy(s, 'lists-pack', 'USD');
    await buy(s, 'lists-plus', 'USD');
    const other = await newStudent();
    await buy(other, 'lists-pack', 'INR');
    const { client: admin } = await adminClient(t as never);

    const first = await admin.get(`/api/admin/billing/payments?studentEmail=${encodeURIComponent(s.email.toUpperCase())}&limit=2`);
    expect(first.status, first.text).toBe(200);
    expect(first.json.payments.map((p: { planId: string; currency: string }) => `${p.planId}/${p.currency}`)).toEqual(['lists-plus/USD', 'lists-pack/USD']);
    expect(first.json.payments[0]).toMatchObject({ studentEmail: s.email, purpose: 'subscription', planName: 'Plan lists-plus', amountMinor: 2900, refundedMinor: 0, refundableMinor: 2900, status: 'succeeded' });
    expect(first.json.nextCursor).toEqual(expect.any(String));
    const second = await admin.get(`/api/admin/billing/payments?studentEmail=${encodeURIComponent(s.email)}&limit=2&cursor=${first.json.nextCursor}`);
    expect(second.json.payments.map((p: { planId: string; currency: string }) => `${p.planId}/${p.currency}`)).toEqual(['lists-pack/INR']);
    expect(second.json.nextCursor).toBeNull();

    const inr = second.json.payments[0];
    const refund = await admin.post(`/api/admin/payments/${inr.id}/refund`, { amountMinor: 10000, reason: 'unanswered', idempotencyKey: key() });
    expect(refund.status, refund.text).toBe(201);
    const after = await admin.get(`/api/admin/billing/payments?studentEmail=${encodeURIComponent(s.email)}`);
    expect(after.json.payments.find((p: { id: string }) => p.id === inr.id)).toMatchObject({ refundedMinor: 10000, refundableMinor: 19900, status: 'partially_refunded' });

    const all = await admin.get('/api/admin/billing/payments?limit=100');
    const emails = new Set(all.json.payments.map((p: { studentEmail: string }) => p.studentEmail));
    expect(emails.has(s.email) && emails.has(other.email)).toBe(true);
    const times = all.json.payments.map((p: { paidAt: string }) => p.paidAt);
    expect([...times].sort().reverse()).toEqual(times);

    expect((await admin.get('/api/admin/billing/payments?cursor=not-a-cursor')).status).toBe(400);
    expect((await admin.get('/api/admin/billing/payments?studentEmail=%25')).json.payments).toEqual([]);
    expect((await s.client.get('/api/admin/billing/payments')).status).toBe(403);
  });
});
