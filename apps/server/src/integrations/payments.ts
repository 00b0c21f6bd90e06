/** Structurally the same as modules/billing's Provider and PaymentPurpose (integrations import no module). */
export type Provider = 'stripe' | 'razorpay' | 'fake';
export type PaymentPurpose = 'subscription' | 'credit_pack' | 'booking' | 'class' | 'consent';

/** A provider's view of a subscription, in one vocabulary for Stripe and Razorpay. */
export type SnapshotStatus = 'incomplete' | 'trialing' | 'active' | 'past_due' | 'unpaid' | 'canceled' | 'ended' | 'paused' | 'other';

/**
 * Payments (issue #7): what every payment provider adapter (Stripe, Razorpay, the fake) offers the billing module. Adapters speak the
 * provider's wire format; the module sees only these shapes.
 */

/** Our ids, carried in the provider object's metadata/notes so events can be tied back to them. */
export interface OurRefs {
  checkoutId?: string | undefined;
  studentId?: string | undefined;
  planId?: string | undefined;
  bookingId?: string | undefined;
  purpose?: PaymentPurpose | undefined;
}

/** One provider event (or a reconciliation snapshot), reduced to what billing acts on. Every part is optional. */
export interface NormalizedEvent {
  /** The provider's type ('invoice.paid', 'subscription.charged', …). */
  type: string;
  /** The provider's creation time of the event: the ordering key. */
  at: Date;
  /** Nothing here that we act on ('ignored:<why>'). */
  ignored?: string;
  checkout?: { ref: string; status: 'paid' | 'failed' | 'expired' | 'open'; subscriptionRef?: string | undefined; customerRef?: string | undefined; refs: OurRefs };
  subscription?: {
    ref: string;
    status: SnapshotStatus;
    cancelAtPeriodEnd?: boolean | undefined;
    periodStart?: Date | undefined;
    periodEnd?: Date | undefined;
    customerRef?: string | undefined;
    refs: OurRefs;
  };
  /** Money received: one payments row per ref, however many events mention it. */
  payment?: {
    ref: string;
    amountMinor: number;
    currency: string;
    /** The checkout it paid (provider ref), if any. */
    checkoutRef?: string | undefined;
    subscriptionRef?: string | undefined;
    /** Other ids the provider may later refer to this payment by (a Stripe PaymentIntent, a Razorpay order). */
    aliases?: string[] | undefined;
    refs: OurRefs;
  };
  /** A Stripe Connect account changed (account.updated): where a tutor is paid, and whether Stripe lets it receive payouts. */
  connectAccount?: { id: string; chargesEnabled: boolean; payoutsEnabled: boolean; detailsSubmitted: boolean; disabledReason: string | null; currentlyDue: string[]; pastDue: string[] };
  /** An invoice of a subscription failed to collect. */
  paymentFailed?: { invoiceRef: string; subscriptionRef?: string | undefined; checkoutRef?: string | undefined; refs: OurRefs };
  /** Money back (settled). */
  refund?: {
    /** The provider's refund id, when the event names one. */
    ref?: string | undefined;
    /** Ids that may name the refunded payment (charge, PaymentIntent, invoice, Razorpay payment). */
    paymentRefs: string[];
    /** This refund's amount, or (Stripe charge.refunded) the payment's total refunded so far. */
    amountMinor?: number | undefined;
    totalRefundedMinor?: number | undefined;
    currency: string;
    /** The idempotency key of the request that caused it (ours, when we asked). */
    idempotencyKey?: string | undefined;
  };
}

export interface CreateCheckoutInput {
  checkoutId: string;
  idempotencyKey: string;
  purpose: PaymentPurpose;
  studentId: string;
  email?: string | undefined;
  planId?: string | undefined;
  bookingId?: string | undefined;
  description: string;
  amountMinor: number;
  currency: string;
  /** Subscriptions: the provider's price/plan id when synced; trial days. */
  providerPriceId?: string | null | undefined;
  trialDays?: number | undefined;
  successUrl: string;
  cancelUrl: string;
}

export interface CreatedCheckout {
  /** The provider's id: Stripe Checkout Session, Razorpay order or subscription, fake session. */
  ref: string;
  /** Where the student pays. */
  url: string;
}

export interface RefundInput {
  refundId: string;
  idempotencyKey: string;
  paymentRef: string;
  amountMinor: number;
  currency: string;
  reason: string;
}

export interface RefundResult {
  ref: string;
  /** 'succeeded' settles now (the fake); 'pending' waits for the refund webhook. */
  status: 'pending' | 'succeeded' | 'failed';
}

export interface PaymentProviderAdapter {
  readonly name: Provider;
  createCheckout(input: CreateCheckoutInput): Promise<CreatedCheckout>;
  /**
   * A provider without idempotency keys (Razorpay orders): the URL to pay an object already made for this checkout
   * (its stored ref), so a retry does not make another; null to create as usual.
   */
  existingCheckoutUrl?(input: CreateCheckoutInput, ref: string): string | null;
  refund(input: RefundInput): Promise<RefundResult>;
  /** Reconciliation: the provider's current view of a checkout / subscription as events to apply (forward-only). */
  retrieveCheckout(ref: string, now: Date): Promise<NormalizedEvent[]>;
  retrieveSubscription(ref: string, now: Date): Promise<NormalizedEvent[]>;
}

/** Verifies a webhook delivery on its raw bytes and reduces it to an inbox row; throws WebhookRejected. */
export interface WebhookVerifier {
  readonly provider: Provider;
  verify(raw: Buffer, headers: Record<string, string | string[] | undefined>, now: Date): VerifiedDelivery;
  normalize(payload: Record<string, unknown>): NormalizedEvent;
}

export interface VerifiedDelivery {
  eventId: string;
  /** The event's identity read from the signed body (unique per provider in the inbox): a replay under another id is caught. */
  bodyKey: string;
  type: string;
  createdAt: Date;
  /** The parsed body with its text cleaned (platform/clean-text.ts), ready for jsonb. */
  payload: Record<string, unknown>;
}

/** A delivery we refuse: 400 with this message, nothing stored. */
export class WebhookRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookRejected';
  }
}

/** Metadata/notes → our ids. Our own keys first; the fixtures' names (platform_student_id, plan_code) as well. */
export function refsFrom(meta: unknown): OurRefs {
  const m = meta && typeof meta === 'object' && !Array.isArray(meta) ? (meta as Record<string, unknown>) : {};
  const s = (k: string) => (typeof m[k] === 'string' && m[k] ? (m[k] as string) : undefined);
  const purpose = s('purpose');
  return {
    checkoutId: s('checkout_id'),
    studentId: s('student_id') ?? s('platform_student_id'),
    planId: s('plan_id') ?? s('plan_code'),
    bookingId: s('booking_id'),
    purpose: purpose === 'subscription' || purpose === 'credit_pack' || purpose === 'booking' || purpose === 'class' || purpose === 'consent' ? purpose : undefined,
  };
}

/** Our ids as provider metadata (string values only: both providers require it). */
export function metadataOf(input: Pick<CreateCheckoutInput, 'checkoutId' | 'studentId' | 'planId' | 'bookingId' | 'purpose'>): Record<string, string> {
  return {
    checkout_id: input.checkoutId,
    student_id: input.studentId,
    purpose: input.purpose,
    ...(input.planId ? { plan_id: input.planId } : {}),
    ...(input.bookingId ? { booking_id: input.bookingId } : {}),
  };
}
