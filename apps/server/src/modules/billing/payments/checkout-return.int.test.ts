import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, signUpStudent } from '../../../../test/app';
import { describeEachBackend } from '../../../../test/db';
import { schema } from '../../../../test/schema';
import { FAKE_PAY_RETURN_SECONDS } from './fake-pay.routes';
import { type BillingTestApp, ensurePlan, settableClock, startBillingApp } from './providers.testkit';

/** The URL a page's <meta http-equiv="refresh"> goes to, HTML-unescaped. */
const refreshTarget = (html: string) => html.match(/<meta http-equiv="refresh" content="(\d+);url=([^"]+)">/)?.slice(1).map((x) => x.replaceAll('&amp;', '&'));
const cancelLink = (html: string) => html.match(/<a href="([^"]+)" data-testid="fake-pay-cancel">/)?.[1]?.replaceAll('&amp;', '&');

/** Checkouts carry where the payment page returns to (own-site pages only), and the fake provider goes back there by itself. */
describeEachBackend('billing: checkout return URLs and the fake page returning to the app', ({ db }) => {
  let t: BillingTestApp;
  const clock = settableClock(new Date('2026-11-30T10:00:07.000Z'));
  let keys = 0;
  const key = () => `return-key-${++keys}-${clock.now().getTime()}`;

  beforeAll(async () => {
    t = await startBillingApp(db().database, { clock, payments: { provider: 'fake', stripe: null, razorpay: null } });
    await ensurePlan(db().database, 'pack10', 'credit_pack', { INR: 49900, USD: 900 });
  });
  afterAll(async () => {
    await t?.close();
  });

  const newStudent = async () => {
    const client = new Client(t.baseUrl);
    const { user } = await signUpStudent(client);
    return { client, id: user.id };
  };
  const pay = async (client: Client, checkoutId: string, outcome: 'succeed' | 'fail') => {
    const res = await client.request('POST', `/dev/fake-pay/${checkoutId}/${outcome}`, undefined, { 'content-type': 'application/x-www-form-urlencoded' });
    await t.app.jobs.drain();
    return res;
  };
  /** The server's own public URL (the origin its checkout pages live on). */
  const publicUrl = async (client: Client) => {
    const probe = await client.post('/api/billing/checkout', { planId: 'pack10', currency: 'USD', idempotencyKey: key() });
    return new URL(probe.json.url as string).origin;
  };
  const checkoutsOf = (studentId: string) => db().database.db.select().from(schema.checkouts).where(eq(schema.checkouts.studentId, studentId));

  it('returns to the page the checkout names (the ask form with its draft) after paying, by itself, with the checkout id', async () => {
    const s = await newStudent();
    const site = await publicUrl(s.client);
    const res = await s.client.post('/api/billing/checkout', { planId: 'pack10', currency: 'USD', idempotencyKey: key(), successUrl: '/student/ask?draft=1', cancelUrl: `${site}/student/ask?draft=1` });
    expect(res.status, res.text).toBe(201);
    const id = res.json.id as string;
    expect((await checkoutsOf(s.id)).find((c) => c.id === id)).toMatchObject({ successUrl: '/student/ask?draft=1', cancelUrl: `${site}/student/ask?draft=1` });

    const page = await s.client.get(`/dev/fake-pay/${id}`);
    expect(cancelLink(page.text)).toBe(`${site}/student/ask?draft=1&checkout=${id}&cancelled=1`);

    const paid = await pay(s.client, id, 'succeed');
    expect(paid.status).toBe(200);
    expect(paid.text).toContain('Payment successful');
    expect(refreshTarget(paid.text)).toEqual([String(FAKE_PAY_RETURN_SECONDS), `${site}/student/ask?draft=1&checkout=${id}`]);
    expect((await s.client.get(`/api/billing/checkouts/${id}`)).json.status).toBe('paid');
  });

  it('returns by itself after a failed payment too, to the return page that reports it; without URLs, to the billing return page', async () => {
    const s = await newStudent();
    const site = await publicUrl(s.client);
    const res = await s.client.post('/api/billing/checkout', { planId: 'pack10', currency: 'INR', idempotencyKey: key() });
    expect(res.status, res.text).toBe(201);
    const id = res.json.id as string;
    expect(cancelLink((await s.client.get(`/dev/fake-pay/${id}`)).text)).toBe(`${site}/billing/return?checkout=${id}&cancelled=1`);
    const failed = await pay(s.client, id, 'fail');
    expect(failed.text).toContain('The payment failed');
    expect(refreshTarget(failed.text)).toEqual([String(FAKE_PAY_RETURN_SECONDS), `${site}/billing/return?checkout=${id}`]);
    expect((await s.client.get(`/api/billing/checkouts/${id}`)).json.status).toBe('failed');
  });

  it('refuses return URLs off this site (no open redirect) with a clear error, and stores nothing', async () => {
    const s = await newStudent();
    const evil = ['https://evil.example/phish', '//evil.example/phish', '/\\evil.example', 'javascript:alert(1)', 'http://127.0.0.1:1/other-port', 'https://user:pw@evil.example/'];
    for (const url of evil) {
      for (const field of ['successUrl', 'cancelUrl'] as const) {
        const res = await s.client.post('/api/billing/checkout', { planId: 'pack10', currency: 'USD', idempotencyKey: key(), [field]: url });
        expect(res.status, `${field}=${url}`).toBe(400);
        expect(res.json.error).toMatchObject({ code: 'validation_failed', message: 'The return page must be a page of this site.', details: { fields: [{ path: field, message: 'must be a page of this site' }] } });
      }
    }
    expect(await checkoutsOf(s.id)).toEqual([]);
    // The same request on our own site goes through.
    expect((await s.client.post('/api/billing/checkout', { planId: 'pack10', currency: 'USD', idempotencyKey: key(), successUrl: '/student/ask' })).status).toBe(201);
  });
});
