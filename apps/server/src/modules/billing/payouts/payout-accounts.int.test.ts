import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, signUpTutor, staffClient, type TestApp } from '../../../../test/app';
import { describeEachBackend } from '../../../../test/db';
import { schema } from '../../../../test/schema';
import type { PaymentsConfig } from '../../../config';
import { createFakePayoutApi, type FakePayoutApi } from '../../../integrations/payouts/fake-payout-api';
import { insertQuestion, makeUsers } from '../billing.test-support';
import { type BillingTestApp, settableClock, startBillingApp } from '../payments/providers.testkit';
import { NO_ACCOUNT, NOT_CONFIGURED } from './payouts.service';

const T0 = new Date('2026-11-20T10:00:07Z');
const DAY = 86_400_000;

/** An approved tutor, logged in. */
async function approvedTutor(t: BillingTestApp) {
  const client = new Client(t.baseUrl);
  const { user } = await signUpTutor(client);
  await t.app.database.db.update(schema.tutorProfiles).set({ approvalStatus: 'approved' }).where(eq(schema.tutorProfiles.userId, user.id));
  return { client, id: user.id };
}

/** A question earning for the tutor, old enough to be past the hold period. */
async function earn(t: BillingTestApp, tutorId: string, amountMinor: number, at: Date) {
  const { student } = await makeUsers(t.app.database);
  const questionId = (await insertQuestion(t.app.database, student.id, at)).id;
  await t.app.database.db.transaction((tx) => t.app.fastify.billing.money.ledger.questionEarning(tx, { tutorId, questionId, amountMinor, currency: 'INR', at }));
}
const payable = async (t: BillingTestApp, tutorId: string) => -(await t.app.fastify.billing.money.ledger.repo.balance(t.app.database.db, `tutor_payable:${tutorId}`, 'INR')) || 0;
const accountRows = (t: BillingTestApp, tutorId: string) => t.app.database.db.select().from(schema.payoutAccounts).where(eq(schema.payoutAccounts.tutorId, tutorId));
const auditRows = (t: BillingTestApp) => t.app.database.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, 'payout_account.read'));

describeEachBackend('payout accounts: RazorpayX contact and fund account, the payout job, finance', ({ db }) => {
  let t: BillingTestApp;
  let api: FakePayoutApi;
  const clock = settableClock(T0);

  beforeAll(async () => {
    api = createFakePayoutApi(clock);
    const baseUrl = await api.start();
    const payments: PaymentsConfig = {
      provider: 'fake',
      stripe: null,
      razorpay: null,
      payouts: { provider: 'razorpayx', baseUrl, keyId: 'rzp_test_payouts', keySecret: 'rzp_test_payouts_secret', accountNumber: '7878780080316316' },
    };
    t = await startBillingApp(db().database, { clock, payments });
  });
  afterAll(async () => {
    await t?.close();
    await api?.stop();
  });

  it('refuses a bad IFSC, a bad UPI ID and a tutor not yet approved with clear errors, writing nothing and calling nobody', async () => {
    const tutor = await approvedTutor(t);
    const calls = api.seen.length;
    const badIfsc = await tutor.client.put('/api/billing/tutor/payout-account', { kind: 'bank_account', holderName: 'Asha Rao', ifsc: 'HDFC1234567', accountNumber: '000123456789' });
    expect(badIfsc.status).toBe(400);
    expect(badIfsc.json.error.details.fields).toEqual([expect.objectContaining({ path: 'body.ifsc', message: expect.stringContaining('must be an IFSC code') })]);
    const badVpa = await tutor.client.put('/api/billing/tutor/payout-account', { kind: 'vpa', holderName: 'Asha Rao', vpa: 'asha at okhdfc' });
    expect(badVpa.status).toBe(400);
    expect(badVpa.json.error.details.fields).toEqual([expect.objectContaining({ path: 'body.vpa', message: 'must be a UPI ID like name@bank' })]);
    const shortNumber = await tutor.client.put('/api/billing/tutor/payout-account', { kind: 'bank_account', holderName: 'Asha Rao', ifsc: 'HDFC0001234', accountNumber: '12345' });
    expect(shortNumber.status).toBe(400);
    const pending = new Client(t.baseUrl);
    await signUpTutor(pending);
    const notApproved = await pending.put('/api/billing/tutor/payout-account', { kind: 'vpa', holderName: 'Asha Rao', vpa: 'asha.rao@okhdfc' });
    expect(notApproved.status).toBe(403);
    expect(notApproved.json.error.message).toContain('Only an approved tutor');
    expect(api.seen.length).toBe(calls);
    expect(await accountRows(t, tutor.id)).toEqual([]);
    expect((await tutor.client.get('/api/billing/tutor/payout-account')).json).toEqual({ provider: 'razorpayx', account: null });
  });

  it('adds a UPI ID (a contact, then a vpa fund account), changes it to a bank account on the same contact, and logs only the masked form', async () => {
    const tutor = await approvedTutor(t);
    const from = api.seen.length;
    const upi = await tutor.client.put('/api/billing/tutor/payout-account', { kind: 'vpa', holderName: 'Asha Rao', vpa: 'asha.rao@okhdfc' });
    expect(upi.status).toBe(200);
    expect(upi.json).toMatchObject({ provider: 'razorpayx', kind: 'vpa', status: 'active', display: 'as•••••o@okhdfc' });
    const [contact, fundAccount] = api.seen.slice(from);
    expect(contact).toMatchObject({ method: 'POST', path: '/v1/contacts', body: { name: 'Asha Rao', type: 'vendor', reference_id: tutor.id } });
    expect(contact!.headers.authorization).toBe(`Basic ${Buffer.from('rzp_test_payouts:rzp_test_payouts_secret').toString('base64')}`);
    const contactId = [...api.objects.values()].find((o) => o.entity === 'contact' && o.reference_id === tutor.id)!.id;
    expect(fundAccount).toMatchObject({ method: 'POST', path: '/v1/fund_accounts', body: { contact_id: contactId, account_type: 'vpa', vpa: { address: 'asha.rao@okhdfc' } } });
    const [row] = await accountRows(t, tutor.id);
    expect(row).toMatchObject({ provider: 'razorpayx', providerContactId: contactId, status: 'active', destination: expect.stringMatching(/^fa_/) });

    const bank = await tutor.client.put('/api/billing/tutor/payout-account', { kind: 'bank_account', holderName: 'Asha Rao', ifsc: 'hdfc0001234', accountNumber: '000123456789' });
    expect(bank.status).toBe(200);
    expect(bank.json).toMatchObject({ kind: 'bank_account', display: '•••• 6789', status: 'active' });
    const after = api.seen.slice(from + 2);
    expect(after.map((r) => r.path)).toEqual(['/v1/fund_accounts']);
    expect(after[0]!.body).toMatchObject({ contact_id: contactId, account_type: 'bank_account', bank_account: { name: 'Asha Rao', ifsc: 'HDFC0001234', account_number: '000123456789' } });
    const rows = await accountRows(t, tutor.id);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain('000123456789');
    expect(t.logs()).toContain('"event":"payout_account_changed"');
    expect(t.logs()).not.toContain('000123456789');
    expect(t.logs()).not.toContain('asha.rao@okhdfc');
  });

  it("passes on the provider's refusal and keeps the old account", async () => {
    const tutor = await approvedTutor(t);
    await tutor.client.put('/api/billing/tutor/payout-account', { kind: 'vpa', holderName: 'Asha Rao', vpa: 'asha@ybl' });
    const before = await accountRows(t, tutor.id);
    api.failNext(400, { error: { code: 'BAD_REQUEST_ERROR', description: 'Invalid VPA. Please enter a valid Virtual Payment Address', field: 'address' } });
    const refused = await tutor.client.put('/api/billing/tutor/payout-account', { kind: 'vpa', holderName: 'Asha Rao', vpa: 'nobody@ybl' });
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toBe('The payout provider refused these details: Invalid VPA. Please enter a valid Virtual Payment Address');
    expect(await accountRows(t, tutor.id)).toEqual(before);
  });

  it("lets a tutor see and write only their own account; finance and admin read (audited), support and tutors are refused", async () => {
    const a = await approvedTutor(t);
    const b = await approvedTutor(t);
    await a.client.put('/api/billing/tutor/payout-account', { kind: 'vpa', holderName: 'Asha Rao', vpa: 'asha@ybl' });
    expect((await b.client.get('/api/billing/tutor/payout-account')).json.account).toBeNull();
    expect((await b.client.get(`/api/admin/billing/payout-accounts/${a.id}`)).status).toBe(403);
    expect((await b.client.get('/api/admin/billing/payout-accounts')).status).toBe(403);
    const support = await staffClient(t as unknown as TestApp, ['support']);
    const supportRead = await support.client.get(`/api/admin/billing/payout-accounts/${a.id}`);
    expect(supportRead.status).toBe(403);
    expect(supportRead.json.error.message).toContain('This needs one of the staff roles: finance');
    const audits = (await auditRows(t)).length;
    const finance = await staffClient(t as unknown as TestApp, ['finance']);
    const list = await finance.client.get('/api/admin/billing/payout-accounts');
    expect(list.status).toBe(200);
    expect(list.json.provider).toBe('razorpayx');
    expect(list.json.tutors.find((r: { tutorId: string }) => r.tutorId === a.id)).toMatchObject({ account: { status: 'active', display: 'a•••••@ybl' } });
    const detail = await finance.client.get(`/api/admin/billing/payout-accounts/${a.id}`);
    expect(detail.status).toBe(200);
    expect(detail.json).toMatchObject({ tutorId: a.id, account: { provider: 'razorpayx', status: 'active' } });
    const admin = await staffClient(t as unknown as TestApp, ['admin']);
    expect((await admin.client.get(`/api/admin/billing/payout-accounts/${b.id}`)).json.account).toBeNull();
    const rows = await auditRows(t);
    expect(rows).toHaveLength(audits + 2);
    expect(rows.find((r) => r.objectId === a.id)).toMatchObject({ actorId: finance.user.id, actorRole: 'finance', objectType: 'tutor' });
  });

  it('pays the active fund account, skips a tutor without one, and a payout the provider reverses comes back to the balance with its reason', async () => {
    const paid = await approvedTutor(t);
    const unpaid = await approvedTutor(t);
    await paid.client.put('/api/billing/tutor/payout-account', { kind: 'vpa', holderName: 'Asha Rao', vpa: 'asha@ybl' });
    const [account] = await accountRows(t, paid.id);
    await earn(t, paid.id, 60000, new Date(T0.getTime() - 10 * DAY));
    await earn(t, unpaid.id, 70000, new Date(T0.getTime() - 10 * DAY));
    const owedPaid = await payable(t, paid.id);
    const owedUnpaid = await payable(t, unpaid.id);
    const run = await t.app.fastify.billing.money.payouts.runPayouts(clock.now());
    expect(run.skipped).toContainEqual({ tutorId: unpaid.id, currency: 'INR', reason: NO_ACCOUNT });
    const mine = run.payouts.filter((p) => p.tutorId === paid.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ adapter: 'razorpayx', status: 'in_transit', amountMinor: owedPaid });
    expect(run.payouts.filter((p) => p.tutorId === unpaid.id)).toEqual([]);
    const sent = api.seen.filter((r) => r.path === '/v1/payouts' && r.body.reference_id === mine[0]!.idempotencyKey);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toMatchObject({ fund_account_id: account!.destination, account_number: '7878780080316316', amount: owedPaid, currency: 'INR' });
    expect(await payable(t, paid.id)).toBe(0);
    expect(await payable(t, unpaid.id)).toBe(owedUnpaid);
    expect(t.logs()).toContain('"event":"payout_skipped_no_account"');

    api.failPayout(mine[0]!.providerPayoutId!, 'Beneficiary bank was offline');
    await t.app.fastify.billing.money.payouts.refreshStatuses(new Date(T0.getTime() - DAY));
    const [failed] = await t.app.database.db.select().from(schema.payouts).where(eq(schema.payouts.id, mine[0]!.id));
    expect(failed).toMatchObject({ status: 'failed', failureReason: 'Beneficiary bank was offline' });
    expect(await payable(t, paid.id)).toBe(owedPaid);
    const finance = await staffClient(t as unknown as TestApp, ['finance']);
    const detail = await finance.client.get(`/api/admin/billing/payout-accounts/${paid.id}`);
    expect(detail.json.lastPayouts[0]).toMatchObject({ status: 'failed', failureReason: 'Beneficiary bank was offline', amountMinor: owedPaid });
  });
});

describeEachBackend('payouts off (PAYOUT_PROVIDER none, production\'s default): the product says so end to end', ({ db }) => {
  let t: BillingTestApp;
  const clock = settableClock(T0);
  beforeAll(async () => {
    t = await startBillingApp(db().database, { clock, payments: { provider: 'fake', stripe: null, razorpay: null, payouts: { provider: 'none', defaulted: true } } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("answers the tutor's account routes with not_configured, writing nothing; finance sees payouts are off", async () => {
    const tutor = await approvedTutor(t);
    const mine = await tutor.client.get('/api/billing/tutor/payout-account');
    expect(mine.status).toBe(409);
    expect(mine.json.error).toMatchObject({ code: 'not_configured', message: expect.stringContaining('Payouts are not set up on this server yet') });
    for (const res of [await tutor.client.put('/api/billing/tutor/payout-account', { kind: 'vpa', holderName: 'Asha Rao', vpa: 'asha@ybl' }), await tutor.client.post('/api/billing/tutor/payout-account/stripe-onboarding', {})]) {
      expect(res.status).toBe(409);
      expect(res.json.error.code).toBe('not_configured');
    }
    expect(await accountRows(t, tutor.id)).toEqual([]);
    const finance = await staffClient(t as unknown as TestApp, ['finance']);
    expect((await finance.client.get('/api/admin/billing/payout-accounts')).json).toMatchObject({ provider: 'none' });
  });

  it('the payout run pays nobody: each payable tutor is skipped with its reason, and the balance stays whole', async () => {
    const tutor = await approvedTutor(t);
    await earn(t, tutor.id, 70000, new Date(T0.getTime() - 10 * DAY));
    const owed = await payable(t, tutor.id);
    const run = await t.app.fastify.billing.money.payouts.runPayouts(clock.now());
    expect(run.payouts).toEqual([]);
    expect(run.skipped).toContainEqual({ tutorId: tutor.id, currency: 'INR', reason: NOT_CONFIGURED });
    expect(await payable(t, tutor.id)).toBe(owed);
    expect(await t.app.database.db.select().from(schema.payouts).where(eq(schema.payouts.tutorId, tutor.id))).toEqual([]);
    expect(t.logs()).toContain(`"event":"payout_skipped_not_configured","runId":"${run.runId}","tutorId":"${tutor.id}"`);
  });
});
