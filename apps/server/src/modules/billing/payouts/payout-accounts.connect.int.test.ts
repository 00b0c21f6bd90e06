import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, signUpTutor } from '../../../../test/app';
import { describeEachBackend } from '../../../../test/db';
import { schema } from '../../../../test/schema';
import type { PaymentsConfig } from '../../../config';
import { createFakePayoutApi, type FakePayoutApi } from '../../../integrations/payouts/fake-payout-api';
import { signStripePayload } from '../../../integrations/stripe';
import { insertQuestion, makeUsers } from '../billing.test-support';
import { type BillingTestApp, settableClock, startBillingApp, STRIPE_SECRET } from '../payments/providers.testkit';
import { NO_ACCOUNT } from './payouts.service';

const T0 = new Date('2026-11-20T10:00:07Z');
const DAY = 86_400_000;
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

describeEachBackend('payout accounts: Stripe Connect onboarding, account.updated and transfers', ({ db }) => {
  let t: BillingTestApp;
  let api: FakePayoutApi;
  const clock = settableClock(T0);
  const rows = (tutorId: string) => t.app.database.db.select().from(schema.payoutAccounts).where(eq(schema.payoutAccounts.tutorId, tutorId));
  const deliver = async (d: { body: string; headers: Record<string, string> }) => {
    const res = await fetch(`${t.baseUrl}/webhooks/stripe`, { method: 'POST', body: d.body, headers: d.headers });
    await t.app.jobs.drain();
    return res.status;
  };

  beforeAll(async () => {
    api = createFakePayoutApi(clock);
    const baseUrl = await api.start();
    const payments: PaymentsConfig = {
      provider: 'stripe',
      stripe: { secretKey: 'sk_test_unused', webhookSecret: STRIPE_SECRET, host: '127.0.0.1', port: 9, protocol: 'http' },
      razorpay: null,
      payouts: { provider: 'stripe-connect', baseUrl, secretKey: 'sk_test_connect', country: 'US' },
    };
    t = await startBillingApp(db().database, { clock, payments });
  });
  afterAll(async () => {
    await t?.close();
    await api?.stop();
  });

  it('creates an Express account and an onboarding link; account.updated (signed, once) makes it active; an older event never wins', async () => {
    const client = new Client(t.baseUrl);
    const { user } = await signUpTutor(client);
    await t.app.database.db.update(schema.tutorProfiles).set({ approvalStatus: 'approved' }).where(eq(schema.tutorProfiles.userId, user.id));
    // A bank account is not how this server pays: a clear refusal, nothing written.
    const wrong = await client.put('/api/billing/tutor/payout-account', { kind: 'vpa', holderName: 'Asha Rao', vpa: 'asha@ybl' });
    expect(wrong.status).toBe(409);
    expect(wrong.json.error.message).toContain('through Stripe');
    expect(await rows(user.id)).toEqual([]);

    const from = api.seen.length;
    const res = await client.post('/api/billing/tutor/payout-account/stripe-onboarding');
    expect(res.status).toBe(200);
    expect(res.json.url).toMatch(/^https:\/\/connect\.stripe\.test\/setup\/e\/acct_/);
    expect(res.json.account).toMatchObject({ provider: 'stripe-connect', kind: 'connect', status: 'pending' });
    const [account, link] = api.seen.slice(from);
    expect(account).toMatchObject({ method: 'POST', path: '/v1/accounts', body: { type: 'express', country: 'US', 'capabilities[transfers][requested]': 'true', 'metadata[tutor_id]': user.id } });
    expect(account!.headers.authorization).toBe('Bearer sk_test_connect');
    expect(account!.headers['idempotency-key']).toBe(`connect-account:${user.id}`);
    const [row] = await rows(user.id);
    expect(link).toMatchObject({ path: '/v1/account_links', body: { account: row!.destination, type: 'account_onboarding', return_url: expect.stringContaining('/tutor/earnings?payouts=return') } });

    // Again (the link expired): the same account, a new link.
    expect((await client.post('/api/billing/tutor/payout-account/stripe-onboarding')).status).toBe(200);
    expect(api.seen.slice(from).filter((r) => r.path === '/v1/accounts')).toHaveLength(1);

    const old = api.accountUpdated(row!.destination, { details_submitted: true, requirements: { currently_due: ['individual.id_number'], past_due: ['individual.id_number'], disabled_reason: 'requirements.past_due' } }, { secret: STRIPE_SECRET, nowSeconds: seconds(T0) - 60 });
    const done = api.accountUpdated(row!.destination, { details_submitted: true, charges_enabled: true, payouts_enabled: true, requirements: { currently_due: [], past_due: [], disabled_reason: null } }, { secret: STRIPE_SECRET, nowSeconds: seconds(T0) });
    expect(await deliver(done)).toBe(200);
    expect((await rows(user.id))[0]).toMatchObject({ status: 'active', statusReason: null });
    expect((await client.get('/api/billing/tutor/payout-account')).json.account).toMatchObject({ status: 'active', provider: 'stripe-connect' });
    // The same delivery again is a duplicate; the older event (restricted) arrives late and changes nothing.
    expect(await deliver(done)).toBe(200);
    expect(await deliver(old)).toBe(200);
    expect((await rows(user.id))[0]).toMatchObject({ status: 'active' });
    const events = await t.app.database.db.select().from(schema.providerEvents).where(eq(schema.providerEvents.type, 'account.updated'));
    expect(events).toHaveLength(2);
    // A forged delivery is refused and stores nothing.
    const forged = api.accountUpdated(row!.destination, { payouts_enabled: false, requirements: { disabled_reason: 'rejected.fraud' } }, { secret: 'whsec_not_ours_0000000000', nowSeconds: seconds(T0) });
    expect(await deliver(forged)).toBe(400);
    expect((await rows(user.id))[0]).toMatchObject({ status: 'active' });

    // The payout run transfers to the connected account.
    const { student } = await makeUsers(t.app.database);
    const questionId = (await insertQuestion(t.app.database, student.id, new Date(T0.getTime() - 10 * DAY))).id;
    await t.app.database.db.transaction((tx) => t.app.fastify.billing.money.ledger.questionEarning(tx, { tutorId: user.id, questionId, amountMinor: 5000, currency: 'USD', at: new Date(T0.getTime() - 10 * DAY) }));
    const run = await t.app.fastify.billing.money.payouts.runPayouts(clock.now());
    const mine = run.payouts.filter((p) => p.tutorId === user.id);
    expect(mine).toMatchObject([{ adapter: 'stripe-connect', status: 'paid', currency: 'USD' }]);
    const transfer = api.seen.filter((r) => r.path === '/v1/transfers');
    expect(transfer.at(-1)!.body).toMatchObject({ destination: row!.destination, currency: 'usd', amount: String(mine[0]!.amountMinor) });
    expect(transfer.at(-1)!.headers['idempotency-key']).toBe(mine[0]!.idempotencyKey);
  });

  it('a restricted account is skipped by the payout run, its balance kept', async () => {
    const client = new Client(t.baseUrl);
    const { user } = await signUpTutor(client);
    await t.app.database.db.update(schema.tutorProfiles).set({ approvalStatus: 'approved' }).where(eq(schema.tutorProfiles.userId, user.id));
    await client.post('/api/billing/tutor/payout-account/stripe-onboarding');
    const [row] = await rows(user.id);
    clock.advance(1000);
    const restricted = api.accountUpdated(row!.destination, { details_submitted: true, payouts_enabled: false, requirements: { currently_due: [], past_due: ['external_account'], disabled_reason: 'requirements.past_due' } }, { secret: STRIPE_SECRET, nowSeconds: seconds(clock.now()) });
    expect(await deliver(restricted)).toBe(200);
    expect((await rows(user.id))[0]).toMatchObject({ status: 'restricted', statusReason: 'Stripe needs: external_account' });
    const { student } = await makeUsers(t.app.database);
    const at = new Date(T0.getTime() - 10 * DAY);
    const questionId = (await insertQuestion(t.app.database, student.id, at)).id;
    await t.app.database.db.transaction((tx) => t.app.fastify.billing.money.ledger.questionEarning(tx, { tutorId: user.id, questionId, amountMinor: 5000, currency: 'USD', at }));
    const run = await t.app.fastify.billing.money.payouts.runPayouts(clock.now());
    expect(run.skipped).toContainEqual({ tutorId: user.id, currency: 'USD', reason: NO_ACCOUNT });
    expect(run.payouts.filter((p) => p.tutorId === user.id)).toEqual([]);
  });
});

describeEachBackend("Stripe Connect's own webhook secret (STRIPE_CONNECT_WEBHOOK_SECRET)", ({ db }) => {
  const CONNECT_SECRET = 'whsec_test_connect_endpoint_9d41c2a7e05b';
  let t: BillingTestApp;
  let api: FakePayoutApi;
  const clock = settableClock(T0);
  const rows = (tutorId: string) => t.app.database.db.select().from(schema.payoutAccounts).where(eq(schema.payoutAccounts.tutorId, tutorId));
  const deliver = async (d: { body: string; headers: Record<string, string> }) => {
    const res = await fetch(`${t.baseUrl}/webhooks/stripe`, { method: 'POST', body: d.body, headers: d.headers });
    await t.app.jobs.drain();
    return { status: res.status, json: (await res.json()) as { received?: boolean; duplicate?: boolean; error?: { message: string } } };
  };
  const stored = async (eventId: string) => (await t.app.database.db.select().from(schema.providerEvents).where(eq(schema.providerEvents.eventId, eventId))).length;

  beforeAll(async () => {
    api = createFakePayoutApi(clock);
    const baseUrl = await api.start();
    const payments: PaymentsConfig = {
      provider: 'stripe',
      stripe: { secretKey: 'sk_test_unused', webhookSecret: STRIPE_SECRET, connectWebhookSecret: CONNECT_SECRET, host: '127.0.0.1', port: 9, protocol: 'http' },
      razorpay: null,
      payouts: { provider: 'stripe-connect', baseUrl, secretKey: 'sk_test_connect', country: 'US' },
    };
    t = await startBillingApp(db().database, { clock, payments });
  });
  afterAll(async () => {
    await t?.close();
    await api?.stop();
  });

  it('verifies Connect events under the Connect secret only (replays stay one event), and payment events under the payments secret only', async () => {
    const client = new Client(t.baseUrl);
    const { user } = await signUpTutor(client);
    await t.app.database.db.update(schema.tutorProfiles).set({ approvalStatus: 'approved' }).where(eq(schema.tutorProfiles.userId, user.id));
    expect((await client.post('/api/billing/tutor/payout-account/stripe-onboarding')).status).toBe(200);
    const [row] = await rows(user.id);
    const active = { details_submitted: true, charges_enabled: true, payouts_enabled: true, requirements: { currently_due: [], past_due: [], disabled_reason: null } };

    // Signed with the payments secret: refused, nothing stored, nothing changed.
    const wrong = api.accountUpdated(row!.destination, active, { secret: STRIPE_SECRET, nowSeconds: seconds(T0), eventId: 'evt_connect_wrong_secret' });
    const refused = await deliver(wrong);
    expect(refused.status).toBe(400);
    expect(refused.json.error!.message).toContain('STRIPE_CONNECT_WEBHOOK_SECRET');
    expect(await stored('evt_connect_wrong_secret')).toBe(0);
    expect((await rows(user.id))[0]).toMatchObject({ status: 'pending' });

    // Signed with the Connect secret: accepted once; the replay is a duplicate.
    const right = api.accountUpdated(row!.destination, active, { secret: CONNECT_SECRET, nowSeconds: seconds(T0), eventId: 'evt_connect_right_secret' });
    expect((await deliver(right)).json).toEqual({ received: true, duplicate: false });
    expect((await rows(user.id))[0]).toMatchObject({ status: 'active', statusReason: null });
    expect((await deliver(right)).json).toEqual({ received: true, duplicate: true });
    expect(await stored('evt_connect_right_secret')).toBe(1);

    // A payment event (no connected account) still verifies under the payments secret, and not under the Connect one.
    const payment = (id: string, secret: string) => {
      const body = JSON.stringify({ id, object: 'event', type: 'customer.created', created: seconds(T0), data: { object: { id: 'cus_connect_test', object: 'customer' } } });
      return { body, headers: { 'content-type': 'application/json', 'stripe-signature': signStripePayload(body, secret, seconds(T0)) } };
    };
    expect((await deliver(payment('evt_payment_payments_secret', STRIPE_SECRET))).status).toBe(200);
    expect((await deliver(payment('evt_payment_connect_secret', CONNECT_SECRET))).status).toBe(400);
    expect(await stored('evt_payment_payments_secret')).toBe(1);
    expect(await stored('evt_payment_connect_secret')).toBe(0);
  });
});
