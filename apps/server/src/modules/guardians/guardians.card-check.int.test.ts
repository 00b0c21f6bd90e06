import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FAKE_PAY_WEBHOOK_SECRET } from '../../integrations/fake-pay-provider';
import { signStripePayload } from '../../integrations/stripe';
import { Client, staffClient } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { schema } from '../../../test/schema';
import { declarationOf, guardianFromInvite, type GuardianWorld, inviteTokenSentTo, newWaNumber, signUpChild, startGuardianWorld } from './guardians.testkit';

let now = new Date('2026-06-01T06:30:00.000Z');
const clock = { now: () => now };
const TWELVE = '2014-03-10';

/** Issue #20, decision 086: a guardian consents by a small card charge through billing, refunded at once. */
describeEachBackend('guardians: consent by a refunded card check through billing', ({ db }) => {
  let w: GuardianWorld;
  beforeAll(async () => {
    w = await startGuardianWorld(db().database, clock, { trustProxy: true, payments: { provider: 'fake', stripe: null, razorpay: null } });
  });
  afterAll(async () => {
    await w?.close();
  });
  const q = () => db().database.db;

  /** A child in India with a guardian linked (not consented yet), and the declaration to sign. */
  async function family(country = 'IN') {
    const guardianWa = newWaNumber();
    const child = await signUpChild(w, { birthDate: TWELVE, country, guardianContact: `+${guardianWa}` });
    const token = await inviteTokenSentTo(w, guardianWa);
    const g = await guardianFromInvite(w, token);
    return { child, g, decl: await declarationOf(w, token) };
  }
  const start = (c: Client, childId: string, decl: { declarationVersion: string; declarationText: string }) =>
    c.post(`/api/guardian/children/${childId}/card-check`, { method: 'card_charge', fullName: 'Meera Iyer', agreed: true, ...decl }, { 'x-forwarded-for': '203.0.113.7' });
  const pay = async (checkoutId: string, outcome: 'succeed' | 'fail') => {
    const res = await new Client(w.t.baseUrl).request('POST', `/dev/fake-pay/${checkoutId}/${outcome}`, undefined, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(200);
    await w.t.app.jobs.drain();
  };
  const childView = async (g: Client, id: string) => ((await g.get('/api/guardian/children')).json.children as { id: string }[]).find((c) => c.id === id) as any;
  const evidenceOf = (studentId: string) => q().select().from(schema.guardianConsentEvidence).where(eq(schema.guardianConsentEvidence.studentId, studentId));
  const paymentsOf = (checkoutId: string) => q().select().from(schema.payments).where(eq(schema.payments.checkoutId, checkoutId));
  const refundsOf = async (checkoutId: string) => {
    const ids = (await paymentsOf(checkoutId)).map((p) => p.id);
    return ids.length ? q().select().from(schema.refunds).where(inArray(schema.refunds.paymentId, ids)) : [];
  };
  /** Every ledger entry of the payments of a checkout and their refunds, by account code. */
  const ledgerOf = async (checkoutId: string) => {
    const ids = (await paymentsOf(checkoutId)).map((p) => p.id);
    if (!ids.length) return [];
    return q()
      .select({ kind: schema.ledgerTransactions.kind, account: schema.ledgerAccounts.code, amountMinor: schema.ledgerEntries.amountMinor, currency: schema.ledgerEntries.currency })
      .from(schema.ledgerEntries)
      .innerJoin(schema.ledgerTransactions, eq(schema.ledgerEntries.transactionId, schema.ledgerTransactions.id))
      .innerJoin(schema.ledgerAccounts, eq(schema.ledgerEntries.accountId, schema.ledgerAccounts.id))
      .where(inArray(schema.ledgerTransactions.paymentId, ids));
  };
  /** The fake provider's completed-checkout event for a checkout, as it was delivered (the exact signed bytes). */
  const completedEvent = async (checkoutId: string) => {
    const rows = await q().select().from(schema.providerEvents).where(and(eq(schema.providerEvents.provider, 'fake'), eq(schema.providerEvents.type, 'checkout.session.completed')));
    const row = rows.find((r) => (r.payload as any).data.object.metadata.checkout_id === checkoutId);
    return Buffer.from(row!.rawBody).toString('utf8');
  };
  const deliver = async (body: string) => {
    const res = await new Client(w.t.baseUrl).request('POST', '/webhooks/stripe', body, { 'content-type': 'application/json', 'stripe-signature': signStripePayload(body, FAKE_PAY_WEBHOOK_SECRET, Math.floor(now.getTime() / 1000)) });
    expect(res.status, res.text).toBe(200);
    await w.t.app.jobs.drain();
    return res.json as { duplicate: boolean };
  };

  it('a paid card check records the consent (method, time, IP, exact text, payment id) and is refunded in full: no revenue, no commission, no earning', async () => {
    const { child, g, decl } = await family();
    expect((await childView(g.client, child.id)).cardCheck).toEqual({ price: { amountMinor: 1000, currency: 'INR' }, latest: null });
    const started = await start(g.client, child.id, decl);
    expect(started.status, started.text).toBe(201);
    expect(started.json).toMatchObject({ amountMinor: 1000, currency: 'INR', url: expect.stringContaining(`/dev/fake-pay/${started.json.checkoutId}`) });
    const checkoutId = started.json.checkoutId as string;
    const [checkout] = await q().select().from(schema.checkouts).where(eq(schema.checkouts.id, checkoutId));
    expect(checkout).toMatchObject({ purpose: 'consent', studentId: g.id, consentRequestId: started.json.cardCheckId, bookingId: null, planId: null, amountMinor: 1000 });
    expect(checkout!.successUrl).toContain(`/guardian?cardCheck=${started.json.cardCheckId}`);

    now = new Date('2026-06-01T06:35:00.000Z');
    await pay(checkoutId, 'succeed');
    const [payment] = await paymentsOf(checkoutId);
    expect(payment).toMatchObject({ amountMinor: 1000, refundedMinor: 1000, status: 'refunded', studentId: g.id });
    expect(await refundsOf(checkoutId)).toEqual([expect.objectContaining({ amountMinor: 1000, status: 'succeeded', paymentId: payment!.id })]);
    const evidence = await evidenceOf(child.id);
    expect(evidence).toEqual([
      expect.objectContaining({ method: 'card_charge', guardianId: g.id, at: now, ip: '203.0.113.7', textVersion: decl.declarationVersion, textAgreed: decl.declarationText, signedName: 'Meera Iyer', chargeRef: payment!.id, otpPhone: null }),
    ]);
    const view = await childView(g.client, child.id);
    expect(view).toMatchObject({ status: 'consented', consentAt: now.toISOString() });
    expect(view.cardCheck.latest).toMatchObject({ status: 'consented', amountMinor: 1000, currency: 'INR', refund: 'succeeded' });
    expect((await child.client.get('/api/me')).json).toMatchObject({ canAskOrBook: true });

    // The books: the charge into consent_checks, then its reversal; nothing to revenue or to any tutor.
    const entries = await ledgerOf(checkoutId);
    expect(entries.map((e) => `${e.kind} ${e.account} ${e.amountMinor}`).sort()).toEqual(['payment consent_checks -1000', 'payment provider_clearing:fake 1000', 'refund consent_checks 1000', 'refund provider_clearing:fake -1000']);
    // Finance's payment list shows it as a consent check, refunded.
    const finance = await staffClient(w.t, ['finance']);
    const listed = await finance.client.get(`/api/admin/billing/payments?studentEmail=${encodeURIComponent(g.email)}`);
    expect(listed.json.payments).toEqual([expect.objectContaining({ id: payment!.id, purpose: 'consent', amountMinor: 1000, refundedMinor: 1000, refundableMinor: 0, status: 'refunded' })]);
    const logs = w.t.logs().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logs).toContainEqual(expect.objectContaining({ event: 'guardian_consent_given', method: 'card_charge', studentId: child.id, paymentId: payment!.id }));
    expect(logs).toContainEqual(expect.objectContaining({ event: 'consent_check_refunded', paymentId: payment!.id, amountMinor: 1000 }));
    expect(logs).toContainEqual(expect.objectContaining({ event: 'payment_recorded', paymentId: payment!.id }));

    // Starting again once consented charges nothing.
    const again = await start(g.client, child.id, decl);
    expect(again.status).toBe(409);
  });

  it('a failed payment records nothing and the check can be tried again', async () => {
    const { child, g, decl } = await family('US');
    const started = await start(g.client, child.id, decl);
    expect(started.json).toMatchObject({ amountMinor: 50, currency: 'USD' });
    await pay(started.json.checkoutId, 'fail');
    expect(await evidenceOf(child.id)).toEqual([]);
    expect(await paymentsOf(started.json.checkoutId)).toEqual([]);
    const view = await childView(g.client, child.id);
    expect(view).toMatchObject({ status: 'pending', consentAt: null });
    expect(view.cardCheck.latest).toMatchObject({ status: 'failed', refund: null });
    expect((await child.client.get('/api/me')).json).toMatchObject({ canAskOrBook: false });
    expect(w.t.logs()).toContain('"event":"guardian_card_check_failed"');
  });

  it('a replayed webhook changes nothing; a second payment for the same check is refunded and records nothing new', async () => {
    const { child, g, decl } = await family();
    const started = await start(g.client, child.id, decl);
    const checkoutId = started.json.checkoutId as string;
    await pay(checkoutId, 'succeed');
    const before = { evidence: await evidenceOf(child.id), refunds: await refundsOf(checkoutId), ledger: await ledgerOf(checkoutId) };
    expect(before.evidence).toHaveLength(1);

    const body = await completedEvent(checkoutId);
    expect((await deliver(body)).duplicate).toBe(true);
    expect(await evidenceOf(child.id)).toEqual(before.evidence);
    expect(await refundsOf(checkoutId)).toEqual(before.refunds);
    expect((await ledgerOf(checkoutId)).length).toBe(before.ledger.length);

    // The same checkout paid a second time (another event, another payment): refunded in full, no new evidence.
    const second = JSON.parse(body) as { id: string; data: { object: { payment_intent: string } } };
    second.id = `evt_second_${checkoutId.slice(0, 8)}`;
    second.data.object.payment_intent = `pi_second_${checkoutId.slice(0, 8)}`;
    expect((await deliver(JSON.stringify(second))).duplicate).toBe(false);
    const payments = await paymentsOf(checkoutId);
    expect(payments).toHaveLength(2);
    expect(payments.every((p) => p.status === 'refunded' && p.refundedMinor === 1000)).toBe(true);
    expect(await evidenceOf(child.id)).toEqual(before.evidence);
    expect((await childView(g.client, child.id)).cardCheck.latest).toMatchObject({ status: 'consented', refund: 'succeeded' });
    expect(w.t.logs()).toContain('"reason":"already_consented"');
  });

  it('a student cannot start a card check for themselves, and a guardian of another child cannot start one: nothing is made', async () => {
    const a = await family();
    const b = await family();
    const own = await start(a.child.client, a.child.id, a.decl);
    expect(own.status).toBe(403);
    const other = await start(a.g.client, b.child.id, b.decl);
    expect(other.status).toBe(404);
    const made = await q().select().from(schema.checkouts).where(inArray(schema.checkouts.studentId, [a.child.id, a.g.id, b.g.id]));
    expect(made).toEqual([]);
    expect(await evidenceOf(b.child.id)).toEqual([]);
    const unsigned = await a.g.client.post(`/api/guardian/children/${a.child.id}/card-check`, { method: 'card_charge', fullName: 'Meera Iyer', agreed: true, ...a.decl, declarationText: `${a.decl.declarationText} more` });
    expect(unsigned.status).toBe(409);
  });
});
