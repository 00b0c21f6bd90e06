import Stripe from 'stripe';
import { readConnectAccount } from './payouts/accounts';
import { cleanJson, cleanText } from '../platform/clean-text';
import { jsonNestingExceeds, MAX_JSON_DEPTH } from '../platform/json';
import {
  type CreateCheckoutInput,
  type CreatedCheckout,
  metadataOf,
  type NormalizedEvent,
  type PaymentProviderAdapter,
  type RefundInput,
  type RefundResult,
  refsFrom,
  type SnapshotStatus,
  type VerifiedDelivery,
  type WebhookVerifier,
  WebhookRejected,
} from './payments';

/** What an event id may look like: printable ASCII (Stripe's are `evt_` and letters and digits). */
const EVENT_ID = /^[\x21-\x7e]{1,255}$/;

/** Stripe's default and documented tolerance for the signed timestamp. */
export const STRIPE_TOLERANCE_SECONDS = 300;

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const unix = (v: unknown): Date | undefined => (num(v) !== undefined ? new Date(num(v)! * 1000) : undefined);
/** An expandable field: an id, or the expanded object's id. */
const idOf = (v: unknown): string | undefined => str(v) ?? str(obj(v).id);

/** A Stripe Connect event: about a connected account (Stripe sets `account` on those), or the account's own update. */
export function isConnectEvent(event: { account?: unknown; type?: unknown }): boolean {
  return (typeof event.account === 'string' && event.account !== '') || event.type === 'account.updated';
}

/** What the body says it is, before its signature is checked: only to pick the secret it must verify under. */
function claimsConnect(raw: Buffer): boolean {
  try {
    return isConnectEvent(obj(JSON.parse(raw.toString('utf8'))));
  } catch {
    return false; // constructEvent says why
  }
}

/**
 * Checks a delivery with the official SDK's constructEvent on the raw bytes (5-minute tolerance). The clock is ours:
 * constructEvent takes the receive time (ms) as its last parameter. The SDK accepts timestamps in the future; we
 * also refuse one more than the tolerance ahead.
 *
 * `connectSecret` (STRIPE_CONNECT_WEBHOOK_SECRET): a Connect endpoint has a signing secret of its own. When set, a
 * Connect event verifies only under it and any other event only under `secret`; the body's claim picks the secret,
 * and the signature then proves the claim (the kind is part of the signed body).
 */
export function stripeVerifier(secret: string, provider: 'stripe' | 'fake' = 'stripe', connectSecret?: string): WebhookVerifier {
  return {
    provider,
    verify(raw, headers, now): VerifiedDelivery {
      const header = headers['stripe-signature'];
      if (typeof header !== 'string' || !header) throw new WebhookRejected('The Stripe-Signature header is missing.');
      // The route refuses this before parsing too; the SDK's JSON.parse must never see it whoever calls.
      if (jsonNestingExceeds(raw)) throw new WebhookRejected(`The body nests JSON more than ${MAX_JSON_DEPTH} levels deep.`);
      const connect = connectSecret !== undefined && claimsConnect(raw);
      let event: Stripe.Event;
      try {
        event = Stripe.webhooks.constructEvent(raw, header, connect ? connectSecret : secret, STRIPE_TOLERANCE_SECONDS, undefined, now.getTime());
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        if (/tolerance/i.test(message)) throw new WebhookRejected('The Stripe-Signature timestamp is too old (more than 5 minutes).');
        if (/matching the expected signature/i.test(message) && connect) throw new WebhookRejected("The Stripe-Signature does not match this Connect event under the Connect endpoint's secret (STRIPE_CONNECT_WEBHOOK_SECRET).");
        if (/matching the expected signature/i.test(message)) throw new WebhookRejected('The Stripe-Signature does not match the body (a wrong secret, or the body was changed or re-serialised).');
        if (/extract timestamp|expected scheme/i.test(message)) throw new WebhookRejected('The Stripe-Signature header is malformed.');
        throw new WebhookRejected('The body is not a Stripe event.');
      }
      const t = Number(/(?:^|,)t=(\d+)/.exec(header)?.[1]);
      if (t * 1000 - now.getTime() > STRIPE_TOLERANCE_SECONDS * 1000) throw new WebhookRejected('The Stripe-Signature timestamp is in the future.');
      const parsed = event as unknown as Obj;
      if (!str(parsed.id) || !str(parsed.type) || num(parsed.created) === undefined) throw new WebhookRejected('The body is not a Stripe event (id, type and created are required).');
      if (!EVENT_ID.test(event.id)) throw new WebhookRejected('The body is not a Stripe event (its id is not an event id).');
      // Stripe's event id is part of the signed body: it is the body's identity too.
      return { eventId: event.id, bodyKey: event.id, type: cleanText(event.type), createdAt: new Date(event.created * 1000), payload: cleanJson(parsed) };
    },
    normalize: normalizeStripeEvent,
  };
}

const subscriptionStatus: Record<string, SnapshotStatus> = {
  incomplete: 'incomplete',
  incomplete_expired: 'canceled',
  trialing: 'trialing',
  active: 'active',
  past_due: 'past_due',
  unpaid: 'unpaid',
  canceled: 'canceled',
  paused: 'paused',
};

function subscriptionSnapshot(sub: Obj, deleted: boolean): NonNullable<NormalizedEvent['subscription']> {
  const item = obj((obj(sub.items).data as unknown[] | undefined)?.[0]);
  const cancelAtPeriodEnd = sub.cancel_at_period_end === true;
  const status: SnapshotStatus = deleted ? (cancelAtPeriodEnd ? 'ended' : 'canceled') : (subscriptionStatus[str(sub.status) ?? ''] ?? 'other');
  return {
    ref: str(sub.id)!,
    status,
    cancelAtPeriodEnd,
    periodStart: unix(item.current_period_start) ?? unix(sub.current_period_start),
    periodEnd: unix(item.current_period_end) ?? unix(sub.current_period_end),
    customerRef: idOf(sub.customer),
    refs: refsFrom(sub.metadata),
  };
}

/** The subscription an invoice belongs to: `parent.subscription_details` since 2025-03-31.basil, `subscription` before. */
function invoiceSubscription(invoice: Obj): { ref: string | undefined; meta: unknown } {
  const details = obj(obj(invoice.parent).subscription_details);
  return { ref: idOf(details.subscription) ?? idOf(invoice.subscription), meta: details.metadata ?? invoice.subscription_details ?? invoice.metadata };
}

/** A Stripe Event (snapshot of one object) → what billing acts on. */
export function normalizeStripeEvent(event: Obj): NormalizedEvent {
  const type = str(event.type) ?? 'unknown';
  const at = unix(event.created) ?? new Date(0);
  const o = obj(obj(event.data).object);
  switch (type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
    case 'checkout.session.async_payment_failed':
    case 'checkout.session.expired': {
      const refs = { ...refsFrom(o.metadata) };
      refs.studentId ??= str(o.client_reference_id);
      const paid = o.payment_status === 'paid' || o.payment_status === 'no_payment_required';
      const status = type === 'checkout.session.expired' ? 'expired' : type === 'checkout.session.async_payment_failed' ? 'failed' : paid ? 'paid' : 'open';
      const out: NormalizedEvent = { type, at, checkout: { ref: str(o.id)!, status, subscriptionRef: idOf(o.subscription), customerRef: idOf(o.customer), refs } };
      // One-time payments are settled here; subscription invoices by invoice.paid.
      if (o.mode === 'payment' && o.payment_status === 'paid') {
        const pi = idOf(o.payment_intent);
        out.payment = { ref: pi ?? str(o.id)!, amountMinor: num(o.amount_total) ?? 0, currency: (str(o.currency) ?? '').toUpperCase(), checkoutRef: str(o.id), refs };
      }
      return out;
    }
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted':
    case 'customer.subscription.paused':
    case 'customer.subscription.resumed':
      return { type, at, subscription: subscriptionSnapshot(o, type === 'customer.subscription.deleted') };
    case 'invoice.paid':
    case 'invoice.payment_succeeded': {
      const sub = invoiceSubscription(o);
      const amount = num(o.amount_paid) ?? 0;
      // A zero invoice (a trial's first) moves no money and pays for nothing yet.
      if (amount <= 0) return { type, at, ignored: 'zero_amount_invoice' };
      return { type, at, payment: { ref: str(o.id)!, amountMinor: amount, currency: (str(o.currency) ?? '').toUpperCase(), subscriptionRef: sub.ref, refs: refsFrom(sub.meta) } };
    }
    case 'invoice.payment_failed': {
      const sub = invoiceSubscription(o);
      return { type, at, paymentFailed: { invoiceRef: str(o.id)!, subscriptionRef: sub.ref, refs: refsFrom(sub.meta) } };
    }
    case 'charge.refunded': {
      const refs = [str(o.id), idOf(o.payment_intent), idOf(o.invoice)].filter((x): x is string => !!x);
      return {
        type,
        at,
        refund: {
          paymentRefs: refs,
          totalRefundedMinor: num(o.amount_refunded) ?? 0,
          currency: (str(o.currency) ?? '').toUpperCase(),
          idempotencyKey: str(obj(event.request).idempotency_key),
        },
      };
    }
    case 'account.updated':
      return { type, at, connectAccount: readConnectAccount(o) };
    default:
      return { type, at, ignored: 'unknown_type' };
  }
}

export interface StripeClientOptions {
  secretKey: string;
  /** Tests point the SDK at a local fake speaking Stripe's wire format. */
  host?: string | undefined;
  port?: number | undefined;
  protocol?: 'http' | 'https' | undefined;
}

export function createStripeClient(opts: StripeClientOptions): Stripe {
  return new Stripe(opts.secretKey, {
    maxNetworkRetries: 2,
    timeout: 20_000,
    ...(opts.host ? { host: opts.host } : {}),
    ...(opts.port ? { port: opts.port } : {}),
    ...(opts.protocol ? { protocol: opts.protocol } : {}),
  });
}

/** Checkout, refunds and reconciliation through the official SDK; every write carries our idempotency key. */
export function createStripeAdapter(stripe: Stripe): PaymentProviderAdapter {
  return {
    name: 'stripe',
    async createCheckout(input: CreateCheckoutInput): Promise<CreatedCheckout> {
      const metadata = metadataOf(input);
      const currency = input.currency.toLowerCase();
      const common = {
        client_reference_id: input.studentId,
        metadata,
        success_url: input.successUrl,
        cancel_url: input.cancelUrl,
        ...(input.email ? { customer_email: input.email } : {}),
      };
      const session =
        input.purpose === 'subscription'
          ? await stripe.checkout.sessions.create(
              {
                ...common,
                mode: 'subscription',
                line_items: [
                  input.providerPriceId
                    ? { price: input.providerPriceId, quantity: 1 }
                    : { price_data: { currency, unit_amount: input.amountMinor, recurring: { interval: 'month' }, product_data: { name: input.description } }, quantity: 1 },
                ],
                subscription_data: { metadata, ...(input.trialDays ? { trial_period_days: input.trialDays } : {}) },
              },
              { idempotencyKey: input.idempotencyKey },
            )
          : await stripe.checkout.sessions.create(
              {
                ...common,
                mode: 'payment',
                line_items: [{ price_data: { currency, unit_amount: input.amountMinor, product_data: { name: input.description } }, quantity: 1 }],
                payment_intent_data: { metadata },
              },
              { idempotencyKey: input.idempotencyKey },
            );
      if (!session.url) throw new Error('Stripe returned a Checkout Session without a URL');
      return { ref: session.id, url: session.url };
    },

    async refund(input: RefundInput): Promise<RefundResult> {
      let paymentIntent = input.paymentRef;
      if (input.paymentRef.startsWith('in_')) {
        // A subscription invoice: its PaymentIntent is on the invoice's payments (2025-03-31.basil and later).
        const list = await stripe.invoicePayments.list({ invoice: input.paymentRef, limit: 10 });
        const paid = list.data.find((p) => p.status === 'paid') ?? list.data[0];
        const pi = paid ? idOf(obj(paid.payment).payment_intent) : undefined;
        if (!pi) throw new Error(`Stripe has no payment for invoice ${input.paymentRef}`);
        paymentIntent = pi;
      }
      const refund = await stripe.refunds.create(
        { payment_intent: paymentIntent, amount: input.amountMinor, metadata: { refund_id: input.refundId, reason: input.reason.slice(0, 400) } },
        { idempotencyKey: input.idempotencyKey },
      );
      // Settled by charge.refunded (matched on our idempotency key), whatever the immediate status.
      return { ref: refund.id, status: refund.status === 'failed' || refund.status === 'canceled' ? 'failed' : 'pending' };
    },

    async retrieveCheckout(ref: string, now: Date): Promise<NormalizedEvent[]> {
      const session = await stripe.checkout.sessions.retrieve(ref);
      const at = now;
      const type = session.status === 'expired' ? 'checkout.session.expired' : 'checkout.session.completed';
      if (session.status === 'open') return [];
      const events = [normalizeStripeEvent({ type, created: Math.floor(at.getTime() / 1000), data: { object: session } })];
      const subRef = idOf(session.subscription);
      if (subRef) events.push(...(await this.retrieveSubscription(subRef, now)));
      return events;
    },

    async retrieveSubscription(ref: string, now: Date): Promise<NormalizedEvent[]> {
      const sub = await stripe.subscriptions.retrieve(ref);
      const created = Math.floor(now.getTime() / 1000);
      const invoices = await stripe.invoices.list({ subscription: ref, status: 'paid', limit: 10 });
      return [
        // Payments first (they exist whatever the state), then the subscription's current state.
        ...invoices.data.map((inv) => normalizeStripeEvent({ type: 'invoice.paid', created: inv.status_transitions?.paid_at ?? created, data: { object: inv } })),
        normalizeStripeEvent({ type: 'customer.subscription.updated', created, data: { object: sub } }),
      ];
    },
  };
}

/** Signs a body as Stripe does (the SDK's own test helper), for the fake provider and tests. */
export function signStripePayload(payload: string, secret: string, timestampSeconds: number): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: timestampSeconds });
}
