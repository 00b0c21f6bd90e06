import Razorpay from 'razorpay';
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

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const unix = (v: unknown): Date | undefined => (num(v) !== undefined ? new Date(num(v)! * 1000) : undefined);
const entity = (payload: Obj, name: string): Obj | undefined => {
  const e = obj(obj(payload[name]).entity);
  return Object.keys(e).length ? e : undefined;
};

/**
 * X-Razorpay-Signature (hex HMAC-SHA256 of the raw body) checked with the official SDK's validateWebhookSignature.
 * Razorpay signs no timestamp, so replays are stopped by the inbox's key: the x-razorpay-event-id header.
 * (The SDK compares with ===, not in constant time; we check the header's shape first so only a 64-hex value reaches it.)
 */
export function razorpayVerifier(secret: string): WebhookVerifier {
  return {
    provider: 'razorpay',
    verify(raw, headers): VerifiedDelivery {
      const signature = headers['x-razorpay-signature'];
      const eventId = headers['x-razorpay-event-id'];
      if (typeof signature !== 'string' || !signature) throw new WebhookRejected('The X-Razorpay-Signature header is missing.');
      if (typeof eventId !== 'string' || !eventId) throw new WebhookRejected('The x-razorpay-event-id header is missing.');
      if (!/^[0-9a-f]{64}$/i.test(signature) || !Razorpay.validateWebhookSignature(raw.toString('utf8'), signature.toLowerCase(), secret)) {
        throw new WebhookRejected('The X-Razorpay-Signature does not match the body (a wrong secret, or the body was changed or re-serialised).');
      }
      let payload: Obj;
      try {
        payload = obj(JSON.parse(raw.toString('utf8')));
      } catch {
        throw new WebhookRejected('The body is not valid JSON.');
      }
      const type = str(payload.event);
      const created = unix(payload.created_at);
      if (payload.entity !== 'event' || !type || !created) throw new WebhookRejected('The body is not a Razorpay event (entity, event and created_at are required).');
      return { eventId, type, createdAt: created, payload };
    },
    normalize: normalizeRazorpayEvent,
  };
}

const subscriptionStatus: Record<string, SnapshotStatus> = {
  created: 'incomplete',
  authenticated: 'incomplete',
  active: 'active',
  resumed: 'active',
  pending: 'past_due',
  halted: 'unpaid',
  cancelled: 'canceled',
  completed: 'ended',
  expired: 'canceled',
  paused: 'paused',
};

function subscriptionSnapshot(sub: Obj): NonNullable<NormalizedEvent['subscription']> {
  return {
    ref: str(sub.id)!,
    status: subscriptionStatus[str(sub.status) ?? ''] ?? 'other',
    periodStart: unix(sub.current_start),
    periodEnd: unix(sub.current_end),
    customerRef: str(sub.customer_id),
    refs: refsFrom(sub.notes),
  };
}

function paymentOf(p: Obj, extra: { checkoutRef?: string | undefined; subscriptionRef?: string | undefined; notes?: unknown }): NonNullable<NormalizedEvent['payment']> {
  // notes is [] when empty and an object otherwise (documented quirk); the order's or link's notes fill the gaps.
  const refs = { ...refsFrom(extra.notes), ...stripUndefined(refsFrom(p.notes)) };
  return {
    ref: str(p.id)!,
    amountMinor: num(p.amount) ?? 0,
    currency: (str(p.currency) ?? '').toUpperCase(),
    checkoutRef: extra.checkoutRef ?? str(p.order_id),
    subscriptionRef: extra.subscriptionRef,
    aliases: [str(p.order_id), str(p.invoice_id)].filter((x): x is string => !!x),
    refs,
  };
}
const stripUndefined = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/** A Razorpay webhook body (snapshots of the entities it contains) → what billing acts on. */
export function normalizeRazorpayEvent(body: Obj): NormalizedEvent {
  const type = str(body.event) ?? 'unknown';
  const at = unix(body.created_at) ?? new Date(0);
  const payload = obj(body.payload);
  const payment = entity(payload, 'payment');
  const sub = entity(payload, 'subscription');
  switch (type) {
    case 'payment.captured':
    case 'order.paid': {
      if (!payment) return { type, at, ignored: 'no_payment' };
      const order = entity(payload, 'order');
      const p = paymentOf(payment, { notes: order?.notes });
      // A subscription's payments arrive as subscription.charged; its orders are not our checkouts.
      if (str(payment.invoice_id) && !p.refs.checkoutId) return { type, at, ignored: 'subscription_payment' };
      return { type, at, payment: p, ...(p.checkoutRef ? { checkout: { ref: p.checkoutRef, status: 'paid' as const, refs: p.refs } } : {}) };
    }
    case 'payment_link.paid': {
      const link = entity(payload, 'payment_link');
      if (!payment || !link) return { type, at, ignored: 'no_payment' };
      const p = paymentOf(payment, { checkoutRef: str(link.id), notes: link.notes });
      return { type, at, payment: p, checkout: { ref: str(link.id)!, status: 'paid', refs: p.refs } };
    }
    case 'payment.failed': {
      // Razorpay may capture the same payment later (a late authorisation): the checkout stays open until then.
      return { type, at, ignored: 'payment_failed_may_be_retried' };
    }
    case 'subscription.charged': {
      if (!sub || !payment) return { type, at, ignored: 'no_subscription' };
      const snapshot = subscriptionSnapshot(sub);
      return { type, at, subscription: snapshot, payment: paymentOf(payment, { subscriptionRef: snapshot.ref, notes: sub.notes }) };
    }
    case 'subscription.authenticated':
    case 'subscription.activated':
    case 'subscription.pending':
    case 'subscription.halted':
    case 'subscription.cancelled':
    case 'subscription.completed':
    case 'subscription.paused':
    case 'subscription.resumed':
    case 'subscription.updated':
      return sub ? { type, at, subscription: subscriptionSnapshot(sub) } : { type, at, ignored: 'no_subscription' };
    case 'refund.processed': {
      const refund = entity(payload, 'refund');
      if (!refund) return { type, at, ignored: 'no_refund' };
      const notes = obj(refund.notes);
      return {
        type,
        at,
        refund: {
          ref: str(refund.id),
          paymentRefs: [str(refund.payment_id)].filter((x): x is string => !!x),
          amountMinor: num(refund.amount) ?? 0,
          currency: (str(refund.currency) ?? '').toUpperCase(),
          idempotencyKey: str(notes.idempotency_key) ?? str(refund.receipt),
        },
      };
    }
    default:
      return { type, at, ignored: 'unknown_type' };
  }
}

export interface RazorpayClientOptions {
  keyId: string;
  keySecret: string;
  /**
   * The SDK has no base-URL option (it is fixed to https://api.razorpay.com); tests set the base URL of its
   * HTTP client (`api.rq`, an axios instance) to a local fake speaking Razorpay's wire format.
   */
  baseUrl?: string | undefined;
}

export function createRazorpayClient(opts: RazorpayClientOptions): Razorpay {
  const client = new Razorpay({ key_id: opts.keyId, key_secret: opts.keySecret });
  if (opts.baseUrl) (client as unknown as { api: { rq: { defaults: { baseURL: string } } } }).api.rq.defaults.baseURL = opts.baseUrl;
  return client;
}

/**
 * Orders (payment links for a hosted page), subscriptions and refunds through the official SDK.
 * The SDK sends no idempotency header (it drops every header but X-Razorpay-Account and Content-Type), so our
 * key travels as `reference_id` / `receipt` and in `notes`, and we dedupe on our side: the checkout or refund row
 * (unique on our key) exists before the request, and a retry reuses its provider object.
 */
export function createRazorpayAdapter(rzp: Razorpay, opts: { planIdOf?: (input: CreateCheckoutInput) => string | null | undefined } = {}): PaymentProviderAdapter {
  const api = rzp as unknown as {
    paymentLink: { create(p: Obj): Promise<Obj> };
    subscriptions: { create(p: Obj): Promise<Obj>; fetch(id: string): Promise<Obj> };
    payments: { refund(id: string, p: Obj): Promise<Obj>; fetch(id: string): Promise<Obj> };
  };
  return {
    name: 'razorpay',
    async createCheckout(input: CreateCheckoutInput): Promise<CreatedCheckout> {
      const notes = { ...metadataOf(input), idempotency_key: input.idempotencyKey.slice(0, 256) };
      if (input.purpose === 'subscription') {
        const planId = input.providerPriceId ?? opts.planIdOf?.(input);
        if (!planId) throw new Error(`No Razorpay plan is configured for ${input.planId} in ${input.currency}`);
        const sub = await api.subscriptions.create({ plan_id: planId, total_count: 120, quantity: 1, customer_notify: 1, notes });
        return { ref: str(sub.id)!, url: str(sub.short_url)! };
      }
      // Razorpay refuses a second payment link with the same reference_id: a provider-side guard for our key.
      const link = await api.paymentLink.create({
        amount: input.amountMinor,
        currency: input.currency.toUpperCase(),
        description: input.description,
        reference_id: input.checkoutId,
        notes,
        callback_url: input.successUrl,
        callback_method: 'get',
      });
      return { ref: str(link.id)!, url: str(link.short_url)! };
    },

    async refund(input: RefundInput): Promise<RefundResult> {
      const refund = await api.payments.refund(input.paymentRef, {
        amount: input.amountMinor,
        receipt: input.refundId,
        notes: { refund_id: input.refundId, idempotency_key: input.idempotencyKey.slice(0, 256), reason: input.reason.slice(0, 256) },
      });
      return { ref: str(refund.id)!, status: refund.status === 'processed' ? 'pending' : refund.status === 'failed' ? 'failed' : 'pending' };
    },

    async retrieveCheckout(): Promise<NormalizedEvent[]> {
      // Payment links are reconciled through their payments' webhooks; nothing to ask here yet.
      return [];
    },

    async retrieveSubscription(ref: string, now: Date): Promise<NormalizedEvent[]> {
      const sub = await api.subscriptions.fetch(ref);
      return [{ type: 'subscription.reconciled', at: now, subscription: subscriptionSnapshot(sub) }];
    },
  };
}
