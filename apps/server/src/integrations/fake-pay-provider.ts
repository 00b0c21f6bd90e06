import { randomBytes } from 'node:crypto';
import type { Clock } from '../platform/clock';
import {
  type CreateCheckoutInput,
  type CreatedCheckout,
  metadataOf,
  type NormalizedEvent,
  type PaymentProviderAdapter,
  type RefundInput,
  type RefundResult,
} from './payments';
import { normalizeStripeEvent, signStripePayload } from './stripe';

/** The fake's signing secret for `npm start` (development only; never a real Stripe secret). */
export const FAKE_PAY_WEBHOOK_SECRET = 'whsec_fake_provider_development_only_0000';

type Obj = Record<string, unknown>;
const id = (prefix: string) => `${prefix}_fake_${randomBytes(9).toString('hex')}`;

interface FakeSession {
  id: string;
  input: CreateCheckoutInput;
  status: 'open' | 'complete' | 'expired';
  paymentStatus: 'paid' | 'unpaid';
  subscriptionId: string | null;
  paymentIntent: string | null;
  customer: string;
  created: number;
}
interface FakeSubscription {
  id: string;
  status: 'incomplete' | 'trialing' | 'active' | 'past_due' | 'unpaid' | 'canceled';
  metadata: Record<string, string>;
  customer: string;
  currency: string;
  amountMinor: number;
  periodStart: number;
  periodEnd: number;
  invoices: { id: string; status: 'paid' | 'open'; amount: number; paidAt: number | null; created: number }[];
  created: number;
}

/**
 * A payment provider for `npm start` and tests. Its checkout URL is our own page (/dev/fake-pay/:checkoutId);
 * paying there makes it emit Stripe-shaped events (checkout.session.*, customer.subscription.*, invoice.*) signed with
 * the Stripe-Signature scheme by the official SDK's helper and POSTed to our /webhooks/stripe: the real pipeline.
 * Its objects live in memory (a restart forgets them; the fake is for demos and tests).
 */
export function createFakePayProvider(opts: {
  clock: Clock;
  publicUrl: string;
  secret?: string;
  /** Delivers a signed webhook (the app injects it into /webhooks/stripe). */
  deliver: (body: string, headers: Record<string, string>) => Promise<{ status: number }>;
}) {
  const secret = opts.secret ?? FAKE_PAY_WEBHOOK_SECRET;
  const sessions = new Map<string, FakeSession>();
  const byCheckout = new Map<string, string>();
  const subs = new Map<string, FakeSubscription>();
  /** Tests drop deliveries to prove reconciliation. */
  let dropping = 0;
  const sent: { id: string; type: string; status: number | 'dropped' }[] = [];
  const nowS = () => Math.floor(opts.clock.now().getTime() / 1000);

  function sessionObject(s: FakeSession): Obj {
    const metadata = metadataOf(s.input);
    return {
      id: s.id,
      object: 'checkout.session',
      mode: s.input.purpose === 'subscription' ? 'subscription' : 'payment',
      status: s.status,
      payment_status: s.paymentStatus,
      amount_total: s.input.amountMinor,
      currency: s.input.currency.toLowerCase(),
      client_reference_id: s.input.studentId,
      customer: s.customer,
      metadata,
      subscription: s.subscriptionId,
      payment_intent: s.paymentIntent,
      created: s.created,
      url: `${opts.publicUrl}/dev/fake-pay/${s.input.checkoutId}`,
    };
  }
  function subscriptionObject(sub: FakeSubscription): Obj {
    return {
      id: sub.id,
      object: 'subscription',
      status: sub.status,
      customer: sub.customer,
      currency: sub.currency.toLowerCase(),
      cancel_at_period_end: false,
      metadata: sub.metadata,
      created: sub.created,
      items: { object: 'list', data: [{ id: id('si'), current_period_start: sub.periodStart, current_period_end: sub.periodEnd }] },
    };
  }
  function invoiceObject(sub: FakeSubscription, inv: FakeSubscription['invoices'][number], failed = false): Obj {
    return {
      id: inv.id,
      object: 'invoice',
      status: failed ? 'open' : inv.status,
      amount_due: inv.amount,
      amount_paid: failed ? 0 : inv.status === 'paid' ? inv.amount : 0,
      currency: sub.currency.toLowerCase(),
      customer: sub.customer,
      created: inv.created,
      parent: { type: 'subscription_details', subscription_details: { subscription: sub.id, metadata: sub.metadata } },
      status_transitions: { paid_at: inv.paidAt },
    };
  }

  async function emit(type: string, object: Obj, created = nowS()) {
    const event = { id: id('evt'), object: 'event', api_version: '2026-07-29.dahlia', created, data: { object }, livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, type };
    if (dropping > 0) {
      dropping--;
      sent.push({ id: event.id, type, status: 'dropped' });
      return event.id;
    }
    const body = `${JSON.stringify(event, null, 2)}\n`;
    const res = await opts.deliver(body, { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signStripePayload(body, secret, nowS()) });
    sent.push({ id: event.id, type, status: res.status });
    return event.id;
  }

  const adapter: PaymentProviderAdapter & {
    /** The page's buttons: the student pays, or the payment fails. */
    complete(checkoutId: string, outcome: 'succeed' | 'fail'): Promise<'paid' | 'failed' | 'already_paid' | 'unknown'>;
    /** The next period of a subscription: renewed, or its invoice fails (past_due); 'unpaid' when retries give up. */
    renew(subscriptionRef: string, outcome: 'succeed' | 'fail' | 'give_up'): Promise<void>;
    dropNextDeliveries(n: number): void;
    readonly sent: typeof sent;
    readonly secret: string;
  } = {
    name: 'fake',
    secret,
    sent,
    dropNextDeliveries(n: number) {
      dropping = n;
    },

    async createCheckout(input: CreateCheckoutInput): Promise<CreatedCheckout> {
      const existing = byCheckout.get(input.checkoutId);
      const s = existing ? sessions.get(existing)! : { id: id('cs'), input, status: 'open' as const, paymentStatus: 'unpaid' as const, subscriptionId: null, paymentIntent: null, customer: id('cus'), created: nowS() };
      sessions.set(s.id, s);
      byCheckout.set(input.checkoutId, s.id);
      return { ref: s.id, url: `${opts.publicUrl}/dev/fake-pay/${input.checkoutId}` };
    },

    async complete(checkoutId, outcome) {
      const sid = byCheckout.get(checkoutId);
      const s = sid ? sessions.get(sid) : undefined;
      if (!s) return 'unknown';
      if (s.paymentStatus === 'paid') return 'already_paid';
      const t = nowS();
      if (s.input.purpose === 'subscription') {
        const trial = (s.input.trialDays ?? 0) > 0;
        const sub: FakeSubscription = {
          id: id('sub'),
          status: outcome === 'succeed' ? (trial ? 'trialing' : 'active') : 'incomplete',
          metadata: metadataOf(s.input),
          customer: s.customer,
          currency: s.input.currency,
          amountMinor: s.input.amountMinor,
          periodStart: t,
          periodEnd: t + (trial ? s.input.trialDays! : 30) * 86_400,
          invoices: [],
          created: t,
        };
        subs.set(sub.id, sub);
        s.subscriptionId = sub.id;
        const inv = { id: id('in'), status: outcome === 'succeed' ? ('paid' as const) : ('open' as const), amount: trial ? 0 : s.input.amountMinor, paidAt: outcome === 'succeed' ? t : null, created: t };
        sub.invoices.push(inv);
        if (outcome === 'succeed') {
          s.status = 'complete';
          s.paymentStatus = 'paid';
          await emit('customer.subscription.created', subscriptionObject(sub), t);
          await emit('invoice.paid', invoiceObject(sub, inv), t);
          await emit('checkout.session.completed', sessionObject(s), t);
          return 'paid';
        }
        await emit('customer.subscription.created', subscriptionObject(sub), t);
        await emit('invoice.payment_failed', invoiceObject(sub, inv, true), t);
        await emit('checkout.session.async_payment_failed', sessionObject(s), t);
        return 'failed';
      }
      if (outcome === 'succeed') {
        s.status = 'complete';
        s.paymentStatus = 'paid';
        s.paymentIntent = id('pi');
        await emit('checkout.session.completed', sessionObject(s), t);
        return 'paid';
      }
      await emit('checkout.session.async_payment_failed', sessionObject(s), t);
      return 'failed';
    },

    async renew(subscriptionRef, outcome) {
      const sub = subs.get(subscriptionRef);
      if (!sub) throw new Error(`fake provider: no subscription ${subscriptionRef}`);
      const t = nowS();
      if (outcome === 'give_up') {
        sub.status = 'unpaid';
        await emit('customer.subscription.updated', subscriptionObject(sub), t);
        return;
      }
      const inv = { id: id('in'), status: outcome === 'succeed' ? ('paid' as const) : ('open' as const), amount: sub.amountMinor, paidAt: outcome === 'succeed' ? t : null, created: t };
      sub.invoices.push(inv);
      sub.periodStart = t;
      sub.periodEnd = t + 30 * 86_400;
      sub.status = outcome === 'succeed' ? 'active' : 'past_due';
      await emit(outcome === 'succeed' ? 'invoice.paid' : 'invoice.payment_failed', invoiceObject(sub, inv, outcome !== 'succeed'), t);
      await emit('customer.subscription.updated', subscriptionObject(sub), t);
    },

    async refund(input: RefundInput): Promise<RefundResult> {
      // Settles at once: no refund webhook from the fake.
      return { ref: `re_fake_${input.refundId.replace(/-/g, '').slice(0, 20)}`, status: 'succeeded' };
    },

    async retrieveCheckout(ref: string, now: Date): Promise<NormalizedEvent[]> {
      const s = sessions.get(ref);
      if (!s || s.status === 'open') return [];
      const events: NormalizedEvent[] = [];
      if (s.subscriptionId) events.push(...(await adapter.retrieveSubscription(s.subscriptionId, now)));
      events.push(normalizeStripeEvent({ type: s.status === 'expired' ? 'checkout.session.expired' : 'checkout.session.completed', created: Math.floor(now.getTime() / 1000), data: { object: sessionObject(s) } }));
      return events;
    },

    async retrieveSubscription(ref: string, now: Date): Promise<NormalizedEvent[]> {
      const sub = subs.get(ref);
      if (!sub) return [];
      const created = Math.floor(now.getTime() / 1000);
      return [
        ...sub.invoices.filter((i) => i.status === 'paid').map((i) => normalizeStripeEvent({ type: 'invoice.paid', created: i.paidAt ?? created, data: { object: invoiceObject(sub, i) } })),
        normalizeStripeEvent({ type: 'customer.subscription.updated', created, data: { object: subscriptionObject(sub) } }),
      ];
    },
  };
  return adapter;
}
export type FakePayProvider = ReturnType<typeof createFakePayProvider>;
