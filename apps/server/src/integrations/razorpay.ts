import { createHash } from 'node:crypto';
import Razorpay from 'razorpay';
import { validatePaymentVerification } from 'razorpay/dist/utils/razorpay-utils';
import { cleanJson, cleanText } from '../platform/clean-text';
import { jsonNestingExceeds, MAX_JSON_DEPTH, parseJsonBytes } from '../platform/json';
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
 * Razorpay signs no timestamp and not the x-razorpay-event-id header, so a captured body can be re-posted under a
 * fresh id: the inbox also keys each event on the signed body's own identity (razorpayBodyKey).
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
      if (jsonNestingExceeds(raw)) throw new WebhookRejected(`The body nests JSON more than ${MAX_JSON_DEPTH} levels deep.`);
      let payload: Obj;
      try {
        payload = obj(parseJsonBytes(raw));
      } catch {
        throw new WebhookRejected('The body is not valid JSON.');
      }
      const type = str(payload.event);
      const created = unix(payload.created_at);
      if (payload.entity !== 'event' || !type || !created) throw new WebhookRejected('The body is not a Razorpay event (entity, event and created_at are required).');
      return { eventId, bodyKey: razorpayBodyKey(payload), type: cleanText(type), createdAt: created, payload: cleanJson(payload) };
    },
    normalize: normalizeRazorpayEvent,
  };
}

/**
 * A Razorpay event's identity in its signed body: its type, the ids of the entities it carries (in `contains` order)
 * and its created_at, e.g. `payment.captured:pay_Qh7TutUpiA0001:1785936827`. (The migration that added body keys
 * computes the same string in SQL for older rows.)
 */
export function razorpayBodyKey(body: Obj): string {
  const payload = obj(body.payload);
  const contains = Array.isArray(body.contains) ? body.contains.filter((c): c is string => typeof c === 'string') : Object.keys(payload).sort();
  const ids = contains.map((name) => str(obj(obj(payload[name]).entity).id) ?? '');
  return cleanText(`${str(body.event) ?? ''}:${ids.join(',')}:${String(body.created_at)}`);
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

/** Razorpay's script-free hosted checkout: our page POSTs this form to Razorpay, which shows its payment page. */
export const RAZORPAY_HOSTED_CHECKOUT_URL = 'https://api.razorpay.com/v1/checkout/embedded';

export interface HostedCheckoutFields {
  keyId: string;
  orderId: string;
  /** Shown on Razorpay's page: our name and what is paid for. */
  name: string;
  description: string;
  prefill: { name?: string | undefined; email?: string | undefined };
  /** Razorpay POSTs razorpay_payment_id, razorpay_order_id, razorpay_signature (or error[...]) here. */
  callbackUrl: string;
  cancelUrl: string;
}

const AUTO_SUBMIT = "document.getElementById('pay').submit();";
/**
 * The page's own Content-Security-Policy: only its one inline script (by hash), and forms may go to Razorpay only
 * (the site-wide policy's form-action 'self' would stop the hand-over).
 */
export const HOSTED_CHECKOUT_CSP =
  `default-src 'none'; script-src 'sha256-${createHash('sha256').update(AUTO_SUBMIT).digest('base64')}'; style-src 'unsafe-inline'; ` +
  "form-action https://api.razorpay.com https://*.razorpay.com; base-uri 'none'; frame-ancestors 'none'";

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * Our page that hands the student to Razorpay's hosted checkout: a plain form, submitted by a one-line inline script
 * (no third-party script), with a visible "Continue to Razorpay" button when scripts are off.
 */
export function hostedCheckoutPage(f: HostedCheckoutFields): string {
  const fields: [string, string | undefined][] = [
    ['key_id', f.keyId],
    ['order_id', f.orderId],
    ['name', f.name],
    ['description', f.description],
    ['prefill[name]', f.prefill.name],
    ['prefill[email]', f.prefill.email],
    ['callback_url', f.callbackUrl],
    ['cancel_url', f.cancelUrl],
  ];
  const inputs = fields.filter(([, v]) => v).map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v!)}">`).join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Continue to Razorpay</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:0 auto;padding:1.5rem;line-height:1.4}button{display:block;width:100%;padding:.9rem;font-size:1rem;border:0;border-radius:.5rem;background:#1d4ed8;color:#fff;cursor:pointer}</style>
</head><body><h1>${escapeHtml(f.description)}</h1><p>You pay on Razorpay's secure page.</p>
<form id="pay" method="post" action="${RAZORPAY_HOSTED_CHECKOUT_URL}">
${inputs}
<button type="submit">Continue to Razorpay</button>
</form>
<script>${AUTO_SUBMIT}</script>
</body></html>`;
}

/** The callback's signature: HMAC-SHA256 of `order_id|payment_id` with the key secret, checked by the official SDK. */
export function verifyPaymentSignature(keySecret: string, p: { orderId: string; paymentId: string; signature: string }): boolean {
  if (!/^[0-9a-f]{64}$/i.test(p.signature) || !p.orderId || !p.paymentId) return false;
  return validatePaymentVerification({ order_id: p.orderId, payment_id: p.paymentId }, p.signature.toLowerCase(), keySecret);
}

/**
 * One-time payments as Orders (paid on Razorpay's hosted checkout, reached through our own page at `payPageUrl`),
 * subscriptions and refunds through the official SDK.
 * The SDK sends no idempotency header (it drops every header but X-Razorpay-Account and Content-Type), and Razorpay
 * has none for orders: our checkout id travels as the order's `receipt` and in `notes`, and we dedupe on our side: the
 * checkout row (unique on our key) exists before the request, and a retry reuses the order stored as its providerRef.
 */
export function createRazorpayAdapter(
  rzp: Razorpay,
  opts: { planIdOf?: (input: CreateCheckoutInput) => string | null | undefined; payPageUrl?: (checkoutId: string) => string } = {},
): PaymentProviderAdapter {
  const api = rzp as unknown as {
    orders: { create(p: Obj): Promise<Obj>; fetch(id: string): Promise<Obj>; fetchPayments(id: string): Promise<Obj> };
    subscriptions: { create(p: Obj): Promise<Obj>; fetch(id: string): Promise<Obj> };
    payments: { refund(id: string, p: Obj): Promise<Obj>; fetch(id: string): Promise<Obj> };
  };
  // Our page for a checkout; by default on the origin of the return URL.
  const payPage = (input: CreateCheckoutInput) => opts.payPageUrl?.(input.checkoutId) ?? new URL(`/api/billing/razorpay/${input.checkoutId}`, input.successUrl).toString();
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
      // receipt: at most 40 characters, so our checkout id (one per idempotency key), not the longer key itself.
      const order = await api.orders.create({ amount: input.amountMinor, currency: input.currency.toUpperCase(), receipt: input.checkoutId.slice(0, 40), notes });
      return { ref: str(order.id)!, url: payPage(input) };
    },

    existingCheckoutUrl(input: CreateCheckoutInput, ref: string): string | null {
      // An order already made for this checkout is reused: Razorpay would make a second one for the same request.
      return input.purpose !== 'subscription' && ref.startsWith('order_') ? payPage(input) : null;
    },

    async refund(input: RefundInput): Promise<RefundResult> {
      const refund = await api.payments.refund(input.paymentRef, {
        amount: input.amountMinor,
        receipt: input.refundId,
        notes: { refund_id: input.refundId, idempotency_key: input.idempotencyKey.slice(0, 256), reason: input.reason.slice(0, 256) },
      });
      return { ref: str(refund.id)!, status: refund.status === 'processed' ? 'pending' : refund.status === 'failed' ? 'failed' : 'pending' };
    },

    async retrieveCheckout(ref: string): Promise<NormalizedEvent[]> {
      // Orders: the order and its payments; a captured one is read as its payment.captured event would be.
      // (Payment links made before orders are reconciled through their payments' webhooks only.)
      if (!ref.startsWith('order_')) return [];
      const order = await api.orders.fetch(ref);
      const payments = obj(await api.orders.fetchPayments(ref)).items;
      return (Array.isArray(payments) ? payments : [])
        .map(obj)
        .filter((p) => p.status === 'captured')
        .map((p) => normalizeRazorpayEvent({ entity: 'event', event: 'payment.captured', created_at: p.created_at, payload: { payment: { entity: p }, order: { entity: order } } }));
    },

    async retrieveSubscription(ref: string, now: Date): Promise<NormalizedEvent[]> {
      const sub = await api.subscriptions.fetch(ref);
      return [{ type: 'subscription.reconciled', at: now, subscription: subscriptionSnapshot(sub) }];
    },
  };
}
