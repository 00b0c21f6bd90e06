import type { AdminPaymentsPage, AdminPaymentsQuery, CheckoutBody, CheckoutView, RefundBody, RefundView } from '@tutorline/contracts';
import type { Clock } from '../../../platform/clock';
import { AppError, badRequest, conflict, notFound } from '../../../platform/errors';
import { providerDown, providerNotSetUp } from '../billing.http';
import type { Logger } from '../../../platform/logger';
import { type Fail, fail, ok, type Result, unreachable } from '../../../platform/result';
import { type AuthUser, requireGuardianConsent } from '../../identity';
import { recordAudit } from '../../audit';
import type { Provider } from '../billing.ports';
import { bookingById, classSeat, seriesBookings, userContacts, userEmail, userIdsWithEmailContaining } from '../billing.reads';
import type { PaymentProviderAdapter } from './providers';
import { type CheckoutRow, isUuid, type ProviderRepo, type RefundRow } from './payments.repo';
import type { WebhooksService } from './webhooks.service';
import { weeksCovered } from '../bookings/bookings.rules';
import { checkoutReturnUrls } from './checkout.rules';

export interface CheckoutDeps {
  repo: ProviderRepo;
  /** The card check's amount per currency, in minor units (BILLING_CONSENT_CHECK_MINOR, decision 086). */
  consentCheckMinor: Record<string, number>;
  webhooks: WebhooksService;
  clock: Clock;
  logger: Logger;
  adapters: Partial<Record<Provider, PaymentProviderAdapter>>;
  defaultProvider: Provider;
  publicUrl: string;
}

export function checkoutView(c: CheckoutRow, url: string | null): CheckoutView {
  return {
    id: c.id,
    purpose: c.purpose,
    planId: c.planId,
    bookingId: c.bookingId,
    classEnrolmentId: c.classEnrolmentId,
    provider: c.provider,
    amountMinor: c.amountMinor,
    currency: c.currency,
    status: c.status,
    url,
    createdAt: c.createdAt.toISOString(),
  };
}

export function refundView(r: RefundRow): RefundView {
  return {
    id: r.id,
    paymentId: r.paymentId,
    provider: r.provider,
    amountMinor: r.amountMinor,
    currency: r.currency,
    status: r.status,
    reason: r.reason,
    createdAt: r.createdAt.toISOString(),
    settledAt: r.settledAt?.toISOString() ?? null,
  };
}

/** A keyset cursor over payments (paid_at desc, id desc): opaque to clients. */
export function encodePaymentsCursor(paidAt: Date, id: string): string {
  return Buffer.from(`${paidAt.toISOString()}|${id}`).toString('base64url');
}
export function decodePaymentsCursor(cursor: string): { paidAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const paidAt = new Date(at ?? '');
  if (!id || !isUuid(id) || Number.isNaN(paidAt.getTime())) throw badRequest('That page link is not valid; start from the first page.', [{ path: 'cursor', message: 'is not valid' }]);
  return { paidAt, id };
}

/**
 * Where the payment page sends the student back: the own-site pages the checkout was made with (checked then), else
 * a booked lesson to /lessons/paid (it follows the booking) and plans to /billing/return; each names the checkout.
 */
export function returnUrls(c: Pick<CheckoutRow, 'id' | 'purpose' | 'successUrl' | 'cancelUrl'>, publicUrl: string): { successUrl: string; cancelUrl: string } {
  const urls = checkoutReturnUrls({ checkoutId: c.id, purpose: c.purpose, successUrl: c.successUrl ?? undefined, cancelUrl: c.cancelUrl ?? undefined }, publicUrl);
  // Stored URLs were checked when the checkout was made; should one no longer pass (the site moved), use the defaults.
  return urls.ok ? urls : (checkoutReturnUrls({ checkoutId: c.id, purpose: c.purpose }, publicUrl) as { successUrl: string; cancelUrl: string });
}

/**
 * Why a refund was not requested (decision 039; billing.http.ts words each reason): no such payment, the key names
 * another payment's refund, nothing or less than asked is left, the provider is not set up here or is not answering.
 */
export type RefundFailure =
  | Fail<'not_found' | 'key_reused' | 'fully_refunded' | 'provider_unavailable'>
  | Fail<'too_much', { remaining: number }>
  | Fail<'provider_not_configured', { provider: Provider }>;

/**
 * What a refund job does with an automatic refund the checkout service refused: nothing left to refund ends it
 * (logged; the caller returns), anything that may pass later (the provider down, an admin refund still pending, a
 * provider not set up yet) throws, so the durable job runs again. Shared by bookings, class seats and consent checks.
 */
export function endOrRetryRefusedRefund(logger: Logger, r: RefundFailure, about: { paymentId: string } & Record<string, string | undefined>): void {
  switch (r.reason) {
    case 'fully_refunded':
      logger.info({ event: 'automatic_refund_not_needed', ...about, reason: r.reason }, 'the payment was already refunded in full');
      return;
    case 'provider_unavailable':
    case 'too_much':
    case 'provider_not_configured':
    case 'not_found':
    case 'key_reused':
      throw new Error(`automatic refund of payment ${about.paymentId} refused (${r.reason}); the job will try again`);
    default:
      unreachable(r);
  }
}

/** Starting a payment (a plan, a credit pack, a held booking) and refunding one; every provider request carries our key. */
export function createCheckoutService(deps: CheckoutDeps) {
  const { repo, clock, logger } = deps;

  function adapterFor(provider: Provider): PaymentProviderAdapter {
    const a = deps.adapters[provider];
    if (!a) throw providerNotSetUp(provider);
    return a;
  }

  return {
    async create(caller: AuthUser, body: CheckoutBody): Promise<{ checkout: CheckoutView; created: boolean }> {
      const now = clock.now();
      requireGuardianConsent(caller, now, 'buy');
      const provider = body.provider ?? deps.defaultProvider;
      const adapter = adapterFor(provider);
      // Return pages are checked before anything is stored: only pages of this site (no open redirect).
      const asked = checkoutReturnUrls({ checkoutId: 'new', purpose: 'planId' in body ? 'plan' : 'bookingId' in body ? 'booking' : 'class', successUrl: body.successUrl, cancelUrl: body.cancelUrl }, deps.publicUrl);
      if (!asked.ok) throw badRequest('The return page must be a page of this site.', [{ path: asked.field, message: 'must be a page of this site' }]);
      const returnTo = { successUrl: body.successUrl ?? null, cancelUrl: body.cancelUrl ?? null };
      let row: Omit<CheckoutRow, 'id' | 'createdAt' | 'completedAt' | 'status' | 'providerRef'>;
      let description: string;
      let providerPriceId: string | null = null;
      let trialDays = 0;
      if ('planId' in body) {
        const found = await repo.planWithPrice(body.planId, body.currency);
        if (!found) throw notFound(`A ${body.currency} price for that plan`);
        if (found.plan.kind === 'subscription' && (await repo.liveSubscriptionOf(caller.id, found.plan.id))) throw conflict('You already have this plan.');
        row = { studentId: caller.id, purpose: found.plan.kind, planId: found.plan.id, bookingId: null, classEnrolmentId: null, consentRequestId: null, currency: body.currency, amountMinor: found.price.amountMinor, provider, idempotencyKey: body.idempotencyKey, ...returnTo };
        description = found.plan.name;
        providerPriceId = provider === 'stripe' ? found.price.stripePriceId : provider === 'razorpay' ? found.price.razorpayPlanId : null;
        trialDays = found.plan.kind === 'subscription' ? found.plan.trialDays : 0;
      } else if ('classEnrolmentId' in body) {
        // A group class's seat, held for the learner while they pay (issue #15); someone else's reads as missing.
        const seat = await classSeat(repo.db, body.classEnrolmentId);
        if (!seat || seat.studentId !== caller.id) throw notFound('That class seat');
        if (seat.status !== 'held' || !seat.heldUntil || seat.heldUntil <= now) {
          throw new AppError(409, 'hold_expired', seat.status === 'enrolled' ? 'This seat is already paid.' : 'The time to pay for this seat ran out. Please enrol again.');
        }
        if (seat.priceMinor <= 0) throw conflict('This class is free.');
        row = { studentId: caller.id, purpose: 'class', planId: null, bookingId: null, classEnrolmentId: seat.enrolmentId, consentRequestId: null, currency: seat.currency, amountMinor: seat.priceMinor, provider, idempotencyKey: body.idempotencyKey, ...returnTo };
        description = `Class: ${seat.title}`;
      } else {
        const booking = await bookingById(repo.db, body.bookingId);
        // Someone else's booking reads exactly like a missing one (decision 020).
        if (!booking || booking.studentId !== caller.id) throw notFound('That booking');
        if (booking.status !== 'held' || !booking.heldUntil || booking.heldUntil <= now) {
          throw new AppError(409, 'hold_expired', booking.status === 'confirmed' ? 'This booking is already paid.' : 'The time to pay for this booking ran out. Please book again.');
        }
        // Weekly lessons are paid in one checkout: every week of the series still held for the student (weeksCovered).
        const weeks = booking.seriesId ? weeksCovered(booking, await seriesBookings(repo.db, booking.seriesId), caller.id, now) : [booking];
        const amountMinor = weeks.reduce((sum, b) => sum + b.priceMinor, 0);
        if (amountMinor <= 0) throw conflict('This booking has no price to pay.');
        row = { studentId: caller.id, purpose: 'booking', planId: null, bookingId: booking.id, classEnrolmentId: null, consentRequestId: null, currency: booking.currency, amountMinor, provider, idempotencyKey: body.idempotencyKey, ...returnTo };
        description = weeks.length > 1 ? `${weeks.length} weekly lessons` : 'Booked lesson';
      }

      const inserted = await repo.insertCheckout(repo.db, { ...row, createdAt: now });
      const checkout = inserted ?? (await repo.findCheckoutByKey(caller.id, body.idempotencyKey))!;
      if (!inserted && (checkout.planId !== row.planId || checkout.bookingId !== row.bookingId || checkout.classEnrolmentId !== row.classEnrolmentId || checkout.provider !== row.provider || checkout.currency !== row.currency)) {
        throw conflict('That idempotency key was already used for a different checkout.');
      }
      if (checkout.status !== 'open') return { checkout: checkoutView(checkout, null), created: false };
      return openWithProvider(checkout, !!inserted, { adapter, description, providerPriceId, trialDays });
    },

    /**
     * A guardian's card check (decision 086): a checkout of purpose 'consent' for the consent request guardians made,
     * paid by the guardian, for the small amount billing's config sets per currency. One checkout per request.
     */
    /** What a card check charges (and refunds) in a currency, or null when that currency has none configured. */
    consentCheckAmount: (currency: string): number | null => deps.consentCheckMinor[currency] ?? null,

    async createConsentCheck(input: { payerId: string; consentRequestId: string; currency: string; successUrl: string; cancelUrl: string }): Promise<Result<{ checkout: CheckoutView; created: boolean }, Fail<'currency_not_supported'> | Fail<'bad_return_url'>>> {
      const amountMinor = deps.consentCheckMinor[input.currency];
      if (!amountMinor) return fail('currency_not_supported');
      const provider = deps.defaultProvider;
      const adapter = adapterFor(provider);
      if (!checkoutReturnUrls({ checkoutId: 'new', purpose: 'consent', successUrl: input.successUrl, cancelUrl: input.cancelUrl }, deps.publicUrl).ok) return fail('bad_return_url');
      const idempotencyKey = `consent:${input.consentRequestId}`;
      const row = { studentId: input.payerId, purpose: 'consent' as const, planId: null, bookingId: null, classEnrolmentId: null, consentRequestId: input.consentRequestId, currency: input.currency, amountMinor, provider, idempotencyKey, successUrl: input.successUrl, cancelUrl: input.cancelUrl };
      const inserted = await repo.insertCheckout(repo.db, { ...row, createdAt: clock.now() });
      const checkout = inserted ?? (await repo.findCheckoutByKey(input.payerId, idempotencyKey))!;
      if (checkout.status !== 'open') return ok({ checkout: checkoutView(checkout, null), created: false });
      return ok(await openWithProvider(checkout, !!inserted, { adapter, description: 'Guardian consent check (refunded at once)', providerPriceId: null, trialDays: 0 }));
    },

    async get(caller: AuthUser, id: string): Promise<CheckoutView> {
      const c = await repo.findCheckout(repo.db, id);
      if (!c || (c.studentId !== caller.id && caller.role !== 'admin')) throw notFound('That checkout');
      return checkoutView(c, null);
    },

    /** Admins' recent payments, newest first, optionally of students whose email contains `studentEmail`. */
    async payments(query: AdminPaymentsQuery): Promise<AdminPaymentsPage> {
      const after = query.cursor ? decodePaymentsCursor(query.cursor) : undefined;
      // The students whose email matches are identity's to find; their payments are ours.
      const studentIds = query.studentEmail ? await userIdsWithEmailContaining(repo.db, query.studentEmail) : undefined;
      const rows = studentIds?.length === 0 ? [] : await repo.recentPayments({ studentIds, after, limit: query.limit + 1 });
      const contacts = new Map((await userContacts(repo.db, rows.map((r) => r.payment.studentId))).map((c) => [c.id, c]));
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      return {
        payments: page.map((r) => ({
          id: r.payment.id,
          provider: r.payment.provider,
          studentId: r.payment.studentId,
          studentEmail: contacts.get(r.payment.studentId)?.email ?? '',
          studentName: contacts.get(r.payment.studentId)?.displayName ?? '',
          purpose: r.purpose ?? null,
          planId: r.planId ?? null,
          planName: r.planName ?? null,
          amountMinor: r.payment.amountMinor,
          currency: r.payment.currency,
          refundedMinor: r.payment.refundedMinor,
          pendingRefundMinor: r.pendingRefundMinor,
          refundableMinor: Math.max(0, r.payment.amountMinor - r.payment.refundedMinor - r.pendingRefundMinor),
          status: r.payment.status,
          paidAt: r.payment.paidAt.toISOString(),
        })),
        nextCursor: rows.length > query.limit && last ? encodePaymentsCursor(last.payment.paidAt, last.payment.id) : null,
      };
    },

    /** Admin refund: one refund row per key, the provider asked with our key; settled by its webhook (the fake: now). */
    refund: (actor: { id: string; role: string }, paymentId: string, body: RefundBody) => refundAs(actor, paymentId, body),

    /** A refund nobody asked for by hand (a booking paid but not confirmable): the same path, requested by the system. */
    refundAutomatically: (paymentId: string, body: RefundBody) => refundAs(null, paymentId, body),
  };

  /** Asks the provider for the checkout's page; a retry reaches it again with the same key (Stripe and the fake answer with the same object). */
  async function openWithProvider(checkout: CheckoutRow, inserted: boolean, o: { adapter: PaymentProviderAdapter; description: string; providerPriceId: string | null; trialDays: number }): Promise<{ checkout: CheckoutView; created: boolean }> {
    const { adapter, description, providerPriceId, trialDays } = o;
    const provider = checkout.provider;
    const caller = { id: checkout.studentId };
    let made;
    try {
      const request = {
        checkoutId: checkout.id,
        idempotencyKey: `checkout:${checkout.id}`,
        purpose: checkout.purpose,
        studentId: caller.id,
        email: await userEmail(repo.db, caller.id),
        planId: checkout.planId ?? undefined,
        bookingId: checkout.bookingId ?? undefined,
        description,
        amountMinor: checkout.amountMinor,
        currency: checkout.currency,
        providerPriceId,
        trialDays,
        ...returnUrls(checkout, deps.publicUrl),
      };
      const existing = checkout.providerRef ? adapter.existingCheckoutUrl?.(request, checkout.providerRef) : null;
      made = existing ? { ref: checkout.providerRef!, url: existing } : await adapter.createCheckout(request);
    } catch (err) {
      logger.error({ event: 'checkout_provider_failed', checkoutId: checkout.id, provider, err }, 'the provider refused or did not answer a checkout');
      throw providerDown();
    }
    if (!checkout.providerRef) await repo.setCheckoutRef(checkout.id, made.ref);
    if (inserted) logger.info({ event: 'checkout_created', checkoutId: checkout.id, studentId: caller.id, provider, purpose: checkout.purpose, planId: checkout.planId, bookingId: checkout.bookingId, classEnrolmentId: checkout.classEnrolmentId, consentRequestId: checkout.consentRequestId, amountMinor: checkout.amountMinor, currency: checkout.currency }, 'checkout started');
    return { checkout: checkoutView({ ...checkout, providerRef: checkout.providerRef ?? made.ref }, made.url), created: !!inserted };
  }

  async function refundAs(actor: { id: string; role: string } | null, paymentId: string, body: RefundBody): Promise<Result<{ refund: RefundView; created: boolean }, RefundFailure>> {
    const now = clock.now();
    const payment = await repo.findPayment(paymentId);
    if (!payment) return fail('not_found');
    const existing = await repo.findRefundByKey(repo.db, body.idempotencyKey);
    if (existing) {
      if (existing.paymentId !== paymentId) return fail('key_reused');
      return ok({ refund: refundView(existing), created: false });
    }
    const open = (await repo.refundsOf(paymentId)).filter((r) => r.status === 'requested').reduce((s, r) => s + r.amountMinor, 0);
    const remaining = payment.amountMinor - payment.refundedMinor - open;
    const amount = body.amountMinor ?? remaining;
    if (remaining <= 0) return fail('fully_refunded');
    if (amount > remaining) return fail('too_much', { remaining });
    const adapter = deps.adapters[payment.provider];
    if (!adapter) return fail('provider_not_configured', { provider: payment.provider });
    const adminId = actor?.id ?? null;
    const values = { paymentId, provider: payment.provider, amountMinor: amount, currency: payment.currency, status: 'requested' as const, reason: body.reason, requestedBy: adminId, idempotencyKey: body.idempotencyKey, createdAt: now };
    // A staff refund and its audit row commit together; a refund the system asks for is not a staff action and keeps
    // its single insert (it may run while its caller's own transaction is open).
    const refund = !actor
      ? await repo.insertRefund(repo.db, values)
      : await repo.db.transaction(async (tx) => {
          const row = await repo.insertRefund(tx, values);
          if (row) {
            await recordAudit(tx, now, {
              actor,
              action: 'payment.refund',
              object: { type: 'payment', id: paymentId },
              reason: body.reason,
              before: { refundedMinor: payment.refundedMinor, pendingRefundMinor: open },
              after: { refundId: row.id, amountMinor: amount, currency: payment.currency, status: row.status },
            });
          }
          return row;
        });
    if (!refund) return ok({ refund: refundView((await repo.findRefundByKey(repo.db, body.idempotencyKey))!), created: false });
    logger.info({ event: 'refund_requested', refundId: refund.id, paymentId, amountMinor: amount, currency: payment.currency, adminId }, 'refund requested');
    let result;
    try {
      result = await adapter.refund({ refundId: refund.id, idempotencyKey: refund.idempotencyKey, paymentRef: payment.providerPaymentId, amountMinor: amount, currency: payment.currency, reason: body.reason });
    } catch (err) {
      logger.error({ event: 'refund_provider_failed', refundId: refund.id, paymentId, err }, 'the provider refused or did not answer a refund');
      return fail('provider_unavailable');
    }
    if (result.status === 'failed') {
      const failed = await repo.updateRefund(repo.db, refund.id, { status: 'failed', providerRefundId: result.ref });
      logger.warn({ event: 'refund_failed', refundId: refund.id, paymentId }, 'the provider refused the refund');
      return ok({ refund: refundView(failed), created: true });
    }
    if (result.status === 'succeeded') {
      const settled = await repo.db.transaction(async (tx) => {
        const r = await repo.lockRefundByKey(tx, refund.idempotencyKey);
        const p = await repo.lockPayment(tx, paymentId);
        if (r!.status === 'requested') await deps.webhooks.settleRefund(tx, payment.provider, r!, p!, { at: now, providerRefundId: result.ref, providerEventId: null });
        return (await repo.findRefundByKey(tx, refund.idempotencyKey))!;
      });
      return ok({ refund: refundView(settled), created: true });
    }
    const pending = await repo.updateRefund(repo.db, refund.id, { providerRefundId: result.ref });
    return ok({ refund: refundView(pending), created: true });
  }
}
export type CheckoutService = ReturnType<typeof createCheckoutService>;
