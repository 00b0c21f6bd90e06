import type { Clock } from '../../../platform/clock';
import type { Db, Tx } from '../../../platform/db';
import { z } from 'zod';
import { defineJob, type JobRunner, PERIODIC_JOBS_KEPT_MS, pruneFinishedRuns } from '../../../platform/jobs';
import type { Logger } from '../../../platform/logger';
import type { Result } from '../../../platform/result';
import type { ConfirmHoldFailure, ReleaseHoldFailure } from '../../scheduling';
import type { LedgerPort, PaymentPurpose, Provider } from '../billing.ports';
import { userExists } from '../billing.reads';
import { type NormalizedEvent, type OurRefs, type WebhookVerifier } from './providers';
import { type CheckoutRow, type ProviderRepo, type SubscriptionRow } from './payments.repo';
import { snapshotEvent, type SubscriptionEvent, type SubscriptionState } from '../subscriptions/subscriptions.rules';
import type { SubscriptionsService, TransitionContext } from '../subscriptions/subscriptions.service';
import { grantsEntitlement, queueEntitlementGranted } from '../entitlements/entitlements.events';

/** One stored provider event to process. */
export const WEBHOOK_QUEUE = defineJob('billing.webhook', z.object({ provider: z.enum(['stripe', 'razorpay', 'fake'] satisfies Provider[]), eventId: z.string() }));
export const WEBHOOK_SWEEP_QUEUE = defineJob('billing.webhook_sweep', z.object({}));
/** A booking's payment settled or failed (handled in bookings/bookings.service.ts). */
export const BOOKING_PAYMENT_QUEUE = defineJob('billing.booking_payment', z.object({ bookingId: z.string(), checkoutId: z.string().optional(), outcome: z.enum(['paid', 'failed']) }));
/** An inbox row still unprocessed this long after it arrived is picked up by the sweep (its job was lost). */
export const WEBHOOK_SWEEP_AFTER_MS = 60_000;

/** A group class seat's payment settled or failed (handled in classes/class-money.ts, issue #15). */
export const CLASS_SEAT_PAYMENT_QUEUE = defineJob('billing.class_seat_payment', z.object({ enrolmentId: z.string(), checkoutId: z.string(), outcome: z.enum(['paid', 'failed']) }));
/** A guardian's card check was paid (one job per payment) or failed (handled in consent/consent-checks.ts, decision 086). */
export const CONSENT_CHECK_QUEUE = defineJob('billing.consent_check', z.object({ checkoutId: z.string(), paymentId: z.string().optional(), outcome: z.enum(['paid', 'failed']) }));

/** What billing asks scheduling once a booking's payment settles or fails (after the payment's commit): typed refusals, decision 039. */
export interface BookingPayments {
  confirmHeld(bookingId: string, now: Date): Promise<Result<unknown, ConfirmHoldFailure>>;
  releaseHold(bookingId: string, now: Date): Promise<Result<unknown, ReleaseHoldFailure>>;
}

export interface WebhooksDeps {
  repo: ProviderRepo;
  subscriptions: SubscriptionsService;
  clock: Clock;
  logger: Logger;
  jobs: JobRunner;
  /** The money side (D1's ledger service). Absent: payments are recorded without ledger postings (logged). */
  ledger: LedgerPort | null;
  /** How each provider's stored payloads are read (the fake's are Stripe-shaped). */
  verifiers: Partial<Record<Provider, WebhookVerifier>>;
  /** Stripe Connect's account.updated, in the event's transaction (payouts/payout-accounts.service.ts); a note or null. */
  connectAccounts?: { connectAccountUpdated(tx: Tx, account: NonNullable<NormalizedEvent['connectAccount']>, at: Date): Promise<string | null> } | undefined;
}

const LIVE: SubscriptionState[] = ['trialing', 'active', 'past_due'];

/**
 * The webhook pipeline: verify on the raw bytes, store once in the inbox (provider_events), process from a durable
 * job in one transaction (payments, refunds, the ledger, subscription transitions, the event marked processed).
 */
export function createWebhooksService(deps: WebhooksDeps) {
  const { repo, subscriptions, clock, logger, jobs, ledger } = deps;
  const db: Db = repo.db;

  async function studentOf(tx: Tx, refs: OurRefs, checkout: CheckoutRow | null, sub: SubscriptionRow | null): Promise<string | null> {
    if (sub) return sub.studentId;
    if (checkout) return checkout.studentId;
    if (refs.studentId && (await userExists(tx, refs.studentId))) return refs.studentId;
    return null;
  }

  /** The subscription a provider ref names; created (or a returning student's old one re-pointed) when we can tell whose it is. */
  async function ensureSubscription(
    tx: Tx,
    provider: Provider,
    ref: string,
    hints: { refs: OurRefs; checkout: CheckoutRow | null; currency?: string | undefined; customerRef?: string | undefined; at: Date },
  ): Promise<{ sub: SubscriptionRow; repointed: boolean } | null> {
    const found = await repo.lockSubscriptionByRef(tx, provider, ref);
    if (found) return { sub: found, repointed: false };
    const checkout = hints.checkout ?? (hints.refs.checkoutId ? await repo.lockCheckout(tx, provider, undefined, hints.refs.checkoutId) : null);
    const studentId = await studentOf(tx, hints.refs, checkout, null);
    const planId = checkout?.planId ?? hints.refs.planId;
    if (!studentId || !planId || !(await repo.plan(tx, planId))) return null;
    const previous = await repo.lockLatestSubscriptionOf(tx, studentId, planId);
    if (previous && !LIVE.includes(previous.status as SubscriptionState) && previous.status !== 'incomplete') {
      // A churned student is back: the same subscription, pointed at the provider's new one.
      const sub = await repo.updateSubscription(tx, previous.id, { providerSubscriptionId: ref, provider, updatedAt: hints.at, ...(hints.customerRef ? { providerCustomerId: hints.customerRef } : {}) });
      logger.info({ event: 'subscription_repointed', subscriptionId: sub.id, studentId, providerSubscriptionId: ref }, 'returning student: subscription linked to the new provider subscription');
      return { sub, repointed: true };
    }
    const inserted = await repo.insertSubscription(tx, {
      studentId,
      planId,
      currency: (checkout?.currency ?? hints.currency ?? 'INR').toUpperCase(),
      status: 'incomplete',
      provider,
      providerSubscriptionId: ref,
      providerCustomerId: hints.customerRef ?? null,
      createdAt: hints.at,
      updatedAt: hints.at,
    });
    // A concurrent event may have created (or re-pointed) it first: then this is that row.
    const sub = await repo.lockSubscriptionByRef(tx, provider, ref);
    if (inserted) {
      await repo.insertTransition(tx, { subscriptionId: sub!.id, fromStatus: null, toStatus: 'incomplete', event: 'created', provider, providerEventId: null, at: hints.at });
      logger.info({ event: 'subscription_created', subscriptionId: sub!.id, studentId, planId, provider, providerSubscriptionId: ref }, 'subscription created');
    }
    return { sub: sub!, repointed: false };
  }

  const queueClassSeat = (tx: Tx, enrolmentId: string, checkoutId: string, outcome: 'paid' | 'failed') =>
    CLASS_SEAT_PAYMENT_QUEUE.enqueue(tx, { enrolmentId, checkoutId, outcome }, { dedupeKey: `${CLASS_SEAT_PAYMENT_QUEUE.queue}:${checkoutId}:${outcome}`, now: clock.now() });

  /** Everything one normalized event means, inside the caller's transaction. Returns the outcome to store. */
  async function applyNormalized(tx: Tx, provider: Provider, ev: NormalizedEvent, providerEventId: string | null, changes: string[] = []): Promise<string> {
    const move = async (sub: SubscriptionRow, on: SubscriptionEvent, c: TransitionContext) => {
      const r = await subscriptions.apply(tx, sub, on, c);
      if (r.result === 'applied') {
        changes.push(`subscription ${sub.id}: ${sub.status} → ${r.row.status} (${on})`);
        if (grantsEntitlement(sub.status as SubscriptionState, r.row.status as SubscriptionState)) {
          await queueEntitlementGranted(tx, { studentId: sub.studentId, source: 'subscription', ref: `subscription:${sub.id}:${r.row.status}:${c.at.toISOString()}`, at: c.at.toISOString() }, clock.now());
        }
      }
      return r;
    };
    if (ev.ignored) return `ignored:${ev.ignored}`;
    const notes: string[] = [];
    const ctx = { at: ev.at, provider, providerEventId };
    let checkout: CheckoutRow | null = null;

    if (ev.checkout) {
      checkout = await repo.lockCheckout(tx, provider, ev.checkout.ref, ev.checkout.refs.checkoutId);
      if (!checkout) notes.push('unknown_checkout');
      else {
        const to = ev.checkout.status;
        // Forward only: open → paid | failed | expired; failed/expired → paid (a late success); paid stays paid.
        const allowed = checkout.status !== 'paid' && to !== 'open' && (checkout.status === 'open' || to === 'paid');
        if (allowed) {
          checkout = await repo.updateCheckout(tx, checkout.id, { status: to, completedAt: ev.at, ...(checkout.providerRef ? {} : { providerRef: ev.checkout.ref }) });
          changes.push(`checkout ${checkout.id}: ${to}`);
          logger.info({ event: 'checkout_status_changed', checkoutId: checkout.id, studentId: checkout.studentId, status: to, providerEventId }, 'checkout changed');
          if (checkout.bookingId && to !== 'paid') await BOOKING_PAYMENT_QUEUE.enqueue(tx, { bookingId: checkout.bookingId, checkoutId: checkout.id, outcome: 'failed' }, { dedupeKey: `${BOOKING_PAYMENT_QUEUE.queue}:${checkout.id}:failed`, now: clock.now() });
          if (checkout.classEnrolmentId && to !== 'paid') await queueClassSeat(tx, checkout.classEnrolmentId, checkout.id, 'failed');
          if (checkout.consentRequestId && to !== 'paid') await CONSENT_CHECK_QUEUE.enqueue(tx, { checkoutId: checkout.id, outcome: 'failed' }, { dedupeKey: `${CONSENT_CHECK_QUEUE.queue}:${checkout.id}:failed`, now: clock.now() });
        }
      }
    }

    // The subscription's own state, from a snapshot or a completed checkout.
    let handledSub = false;
    if (ev.subscription) {
      const s = ev.subscription;
      const got = await ensureSubscription(tx, provider, s.ref, { refs: s.refs, checkout, customerRef: s.customerRef, at: ev.at });
      if (!got) notes.push('unknown_subscription');
      else {
        let sub = got.sub;
        if (!sub.lastEventAt || ev.at >= sub.lastEventAt) {
          if (s.periodStart || s.periodEnd) sub = await repo.updateSubscription(tx, sub.id, { currentPeriodStart: s.periodStart ?? sub.currentPeriodStart, currentPeriodEnd: s.periodEnd ?? sub.currentPeriodEnd });
        }
        const on = snapshotEvent(sub.status as SubscriptionState, s, sub.cancelAtPeriodEnd);
        if (on) await move(sub, on, ctx);
        handledSub = true;
      }
    }
    if (ev.checkout?.status === 'paid' && ev.checkout.subscriptionRef && checkout?.purpose === 'subscription') {
      const got = await ensureSubscription(tx, provider, ev.checkout.subscriptionRef, { refs: ev.checkout.refs, checkout, customerRef: ev.checkout.customerRef, at: ev.at });
      if (got) await move(got.sub, got.repointed ? 'reactivated' : 'checkout_completed', ctx);
    }

    if (ev.payment) notes.push(...(await recordPayment(tx, provider, ev, checkout, handledSub, providerEventId, move, changes)));

    if (ev.paymentFailed) {
      const f = ev.paymentFailed;
      const paid = await repo.lockPaymentByRefs(tx, provider, [f.invoiceRef]);
      if (paid) notes.push('invoice_already_paid');
      else if (f.subscriptionRef) {
        const got = await ensureSubscription(tx, provider, f.subscriptionRef, { refs: f.refs, checkout, at: ev.at });
        if (got) await move(got.sub, 'payment_failed', { ...ctx, data: { invoice: f.invoiceRef } });
        else notes.push('unknown_subscription');
      }
    }

    if (ev.refund) notes.push(...(await recordRefund(tx, provider, ev, providerEventId, changes)));
    if (ev.connectAccount) {
      const note = deps.connectAccounts ? await deps.connectAccounts.connectAccountUpdated(tx, ev.connectAccount, ev.at) : 'payouts_not_through_stripe';
      if (note) notes.push(note);
      else changes.push(`connected account ${ev.connectAccount.id} read back`);
    }
    return notes.length ? `applied:${notes.join(',')}` : 'applied';
  }

  type Move = (sub: SubscriptionRow, on: SubscriptionEvent, c: TransitionContext) => Promise<unknown>;
  async function recordPayment(tx: Tx, provider: Provider, ev: NormalizedEvent, checkoutIn: CheckoutRow | null, handledSub: boolean, providerEventId: string | null, move: Move, changes: string[]): Promise<string[]> {
    const p = ev.payment!;
    let checkout = checkoutIn ?? (p.checkoutRef || p.refs.checkoutId ? await repo.lockCheckout(tx, provider, p.checkoutRef, p.refs.checkoutId) : null);
    let sub: SubscriptionRow | null = null;
    let repointed = false;
    if (p.subscriptionRef) {
      const got = await ensureSubscription(tx, provider, p.subscriptionRef, { refs: p.refs, checkout, currency: p.currency, at: ev.at });
      sub = got?.sub ?? null;
      repointed = got?.repointed ?? false;
    }
    const studentId = await studentOf(tx, p.refs, checkout, sub);
    if (!studentId) return ['unknown_payer'];
    if (checkout && checkout.status !== 'paid') {
      checkout = await repo.updateCheckout(tx, checkout.id, { status: 'paid', completedAt: ev.at });
      changes.push(`checkout ${checkout.id}: paid`);
      logger.info({ event: 'checkout_status_changed', checkoutId: checkout.id, studentId, status: 'paid', providerEventId }, 'checkout paid');
    }
    const { payment, created } = await repo.insertPayment(tx, {
      provider,
      providerPaymentId: p.ref,
      studentId,
      checkoutId: checkout?.id ?? null,
      subscriptionId: sub?.id ?? null,
      amountMinor: p.amountMinor,
      currency: p.currency,
      status: 'succeeded',
      paidAt: ev.at,
    });
    if (created) {
      changes.push(`payment ${p.ref} recorded`);
      logger.info({ event: 'payment_recorded', paymentId: payment.id, studentId, provider, providerPaymentId: p.ref, amountMinor: p.amountMinor, currency: p.currency, providerEventId }, 'payment recorded');
      const purpose: PaymentPurpose = sub ? 'subscription' : (checkout?.purpose ?? p.refs.purpose ?? 'credit_pack');
      const planId = sub?.planId ?? checkout?.planId ?? p.refs.planId;
      const plan = planId ? await repo.plan(tx, planId) : null;
      if (ledger) {
        const posted = await ledger.paymentReceived(tx, {
          paymentId: payment.id,
          studentId,
          provider,
          amountMinor: p.amountMinor,
          currency: p.currency,
          purpose,
          planId: plan?.id,
          bookingId: checkout?.bookingId ?? undefined,
          classEnrolmentId: checkout?.classEnrolmentId ?? undefined,
          subscriptionId: sub?.id,
          credits: purpose === 'credit_pack' && plan?.kind === 'credit_pack' ? plan.questions : undefined,
          at: ev.at,
        });
        await repo.setPaymentLedger(tx, payment.id, posted.transactionId);
      } else logger.warn({ event: 'payment_not_posted', paymentId: payment.id }, 'no ledger wired: payment recorded without a ledger posting');
      if (purpose === 'consent') {
        // A card check grants nothing: guardians is told, and the charge is refunded in full.
        if (checkout) await CONSENT_CHECK_QUEUE.enqueue(tx, { checkoutId: checkout.id, paymentId: payment.id, outcome: 'paid' }, { dedupeKey: `${CONSENT_CHECK_QUEUE.queue}:${payment.id}:paid`, now: clock.now() });
      } else if (purpose !== 'booking' && purpose !== 'class') await queueEntitlementGranted(tx, { studentId, source: purpose, ref: `payment:${payment.id}`, at: ev.at.toISOString() }, clock.now());
      if (checkout?.bookingId) await BOOKING_PAYMENT_QUEUE.enqueue(tx, { bookingId: checkout.bookingId, checkoutId: checkout.id, outcome: 'paid' }, { dedupeKey: `${BOOKING_PAYMENT_QUEUE.queue}:${checkout.id}:paid`, now: clock.now() });
      if (checkout?.classEnrolmentId) await queueClassSeat(tx, checkout.classEnrolmentId, checkout.id, 'paid');
    }
    // The payment moves its subscription forward (unless the same event's snapshot already said where it is).
    if (sub && !handledSub) await move(sub, repointed ? 'reactivated' : 'payment_succeeded', { at: ev.at, provider, providerEventId, data: { payment: p.ref } });
    return created ? [] : ['payment_already_recorded'];
  }

  async function recordRefund(tx: Tx, provider: Provider, ev: NormalizedEvent, providerEventId: string | null, changes: string[]): Promise<string[]> {
    const r = ev.refund!;
    const now = ev.at;
    // Ours first: the refund row made by POST /api/admin/payments/:id/refund, found by the key we sent.
    const asked = r.idempotencyKey ? await repo.lockRefundByKey(tx, r.idempotencyKey) : null;
    const payment = asked ? await repo.lockPayment(tx, asked.paymentId) : await repo.lockPaymentByRefs(tx, provider, r.paymentRefs);
    if (!payment) return ['unknown_payment'];
    let refund = asked;
    if (refund) {
      if (refund.status === 'succeeded') return ['refund_already_settled'];
    } else {
      const amount = r.amountMinor ?? (r.totalRefundedMinor ?? 0) - payment.refundedMinor;
      if (amount <= 0) return ['refund_already_settled'];
      // A refund made at the provider (dashboard): keyed by its id, or by the payment's refunded total.
      const key = `${provider}:refund:${r.ref ?? `${payment.providerPaymentId}:${r.totalRefundedMinor}`}`;
      refund = await repo.insertRefund(tx, { paymentId: payment.id, provider, providerRefundId: r.ref ?? null, amountMinor: Math.min(amount, payment.amountMinor - payment.refundedMinor), currency: payment.currency, status: 'requested', reason: 'refunded at the provider', idempotencyKey: key, createdAt: clock.now() });
      if (!refund) return ['refund_already_settled'];
    }
    changes.push(`refund ${refund.id} settled`);
    return settleRefund(tx, provider, refund, payment, { at: now, providerRefundId: r.ref, providerEventId });
  }

  async function settleRefund(
    tx: Tx,
    provider: Provider,
    refund: NonNullable<Awaited<ReturnType<ProviderRepo['lockRefundByKey']>>>,
    payment: NonNullable<Awaited<ReturnType<ProviderRepo['lockPayment']>>>,
    o: { at: Date; providerRefundId?: string | undefined; providerEventId: string | null },
  ): Promise<string[]> {
    const refundedMinor = Math.min(payment.amountMinor, payment.refundedMinor + refund.amountMinor);
    const full = refundedMinor >= payment.amountMinor;
    await repo.updatePayment(tx, payment.id, { refundedMinor, status: full ? 'refunded' : 'partially_refunded' });
    let settled = await repo.updateRefund(tx, refund.id, { status: 'succeeded', settledAt: o.at, ...(o.providerRefundId && !refund.providerRefundId ? { providerRefundId: o.providerRefundId } : {}) });
    if (ledger) {
      const posted = await ledger.refundSettled(tx, { refundId: refund.id, paymentId: payment.id, amountMinor: refund.amountMinor, currency: refund.currency, at: o.at });
      settled = await repo.updateRefund(tx, refund.id, { ledgerTransactionId: posted.transactionId });
    }
    logger.info({ event: 'refund_settled', refundId: settled.id, paymentId: payment.id, amountMinor: refund.amountMinor, currency: refund.currency, full, providerEventId: o.providerEventId }, 'refund settled');
    if (full && payment.subscriptionId) {
      const sub = await repo.lockSubscription(tx, payment.subscriptionId);
      if (sub) await subscriptions.apply(tx, sub, 'refunded', { at: o.at, provider, providerEventId: o.providerEventId, data: { payment: payment.providerPaymentId, refund: refund.id } });
    }
    return [];
  }

  /**
   * Out-of-order delivery: a newer snapshot processed before an older event may have found the subscription too far
   * behind to act on (a Razorpay 'halted' before the 'charged' that activated it). Once the older event has moved the
   * subscription, the newer events naming it are applied again, oldest first, in the same transaction; payments,
   * refunds and checkouts are idempotent and the ordering rule keeps the newest state, so any order ends the same.
   */
  async function replayNewer(tx: Tx, provider: Provider, ev: NormalizedEvent, eventId: string) {
    const refs = new Set([ev.subscription?.ref, ev.payment?.subscriptionRef, ev.paymentFailed?.subscriptionRef, ev.checkout?.subscriptionRef].filter((r): r is string => !!r));
    const verifier = deps.verifiers[provider]!;
    for (const ref of refs) {
      for (const later of await repo.laterEventsNaming(tx, provider, ref, ev.at, eventId)) {
        const outcome = await applyNormalized(tx, provider, verifier.normalize(later.payload), later.eventId);
        await repo.markEvent(tx, provider, later.eventId, outcome, clock.now());
        logger.info({ event: 'provider_event_replayed', provider, providerEventId: later.eventId, after: eventId, subscriptionRef: ref, outcome }, 'newer webhook event applied again after an older one');
      }
    }
  }

  async function processEvent(provider: Provider, eventId: string): Promise<string | null> {
    const verifier = deps.verifiers[provider];
    if (!verifier) throw new Error(`No webhook reader for ${provider}`);
    try {
      return await db.transaction(async (tx) => {
        const row = await repo.lockEvent(tx, provider, eventId);
        if (!row || row.processedAt) return null;
        const ev = verifier.normalize(row.payload);
        const changes: string[] = [];
        const outcome = await applyNormalized(tx, provider, ev, eventId, changes);
        if (changes.some((c) => c.startsWith('subscription '))) await replayNewer(tx, provider, ev, eventId);
        // Something we could not tie to our records (reconciliation, or an admin, looks at these).
        if (outcome.includes('unknown_')) logger.warn({ event: 'provider_event_unmatched', provider, providerEventId: eventId, type: row.type, outcome }, 'webhook event names objects we do not know');
        await repo.markEvent(tx, provider, eventId, outcome, clock.now());
        logger.info({ event: 'provider_event_processed', provider, providerEventId: eventId, type: row.type, outcome }, 'webhook event processed');
        return outcome;
      });
    } catch (err) {
      await repo.noteEventError(provider, eventId, err instanceof Error ? err.message : String(err));
      throw err;
    }
  }

  return {
    applyNormalized,
    settleRefund,
    processEvent,

    /** A verified delivery: stored once, its processing queued in the same transaction. */
    async receive(verifier: WebhookVerifier, raw: Buffer, headers: Record<string, string | string[] | undefined>) {
      const now = clock.now();
      const d = verifier.verify(raw, headers, now);
      const provider = verifier.provider;
      const stored = await db.transaction(async (tx) => {
        // The bytes exactly as received (what the signature covers); the payload was cleaned by the verifier for jsonb.
        const s = await repo.storeEvent(tx, { provider, eventId: d.eventId, bodyKey: d.bodyKey, type: d.type, createdAt: d.createdAt, payload: d.payload, rawBody: raw, receivedAt: now });
        if (s.inserted) await WEBHOOK_QUEUE.enqueue(tx, { provider, eventId: d.eventId }, { dedupeKey: `${WEBHOOK_QUEUE.queue}:${provider}:${d.eventId}`, now });
        return s;
      });
      if (stored.inserted) {
        logger.info({ event: 'provider_event_received', provider, providerEventId: d.eventId, type: d.type }, 'webhook event stored');
        jobs.poke();
      } else {
        // Under another event id: the same signed body re-posted (Razorpay's header id is not signed).
        const sameBody = stored.eventId !== d.eventId ? { storedAs: stored.eventId } : {};
        logger.info({ event: 'provider_event_repeat', provider, providerEventId: d.eventId, ...sameBody, deliveries: stored.deliveries }, 'webhook event delivered again');
      }
      return { eventId: stored.eventId, duplicate: !stored.inserted };
    },

    /** Unprocessed inbox rows older than a minute (their job was lost with a crash): processed now. */
    async sweep(): Promise<number> {
      const pending = await repo.pendingEvents(new Date(clock.now().getTime() - WEBHOOK_SWEEP_AFTER_MS));
      let done = 0;
      for (const p of pending) {
        try {
          if ((await processEvent(p.provider, p.eventId)) !== null) done++;
        } catch (err) {
          logger.error({ event: 'provider_event_failed', provider: p.provider, providerEventId: p.eventId, err }, 'webhook event could not be processed');
        }
      }
      return done;
    },

    async install() {
      jobs.register(WEBHOOK_QUEUE, async ({ provider, eventId }) => {
        await processEvent(provider, eventId);
      });
      jobs.register(WEBHOOK_SWEEP_QUEUE, async () => {
        await scheduleSweep(db, new Date(clock.now().getTime() + WEBHOOK_SWEEP_AFTER_MS), clock.now());
        await pruneFinishedRuns(db, WEBHOOK_SWEEP_QUEUE, new Date(clock.now().getTime() - PERIODIC_JOBS_KEPT_MS));
        await this.sweep();
      });
      // BOOKING_PAYMENT_QUEUE (a booking's payment settled or failed) is handled in billing.bookings.ts.
      await scheduleSweep(db, clock.now(), clock.now());
    },
  };
}
export type WebhooksService = ReturnType<typeof createWebhooksService>;

export async function scheduleSweep(db: Db | Tx, at: Date, now: Date) {
  const slot = new Date(Math.ceil(at.getTime() / WEBHOOK_SWEEP_AFTER_MS) * WEBHOOK_SWEEP_AFTER_MS);
  await WEBHOOK_SWEEP_QUEUE.enqueue(db, {}, { now, runAt: slot, dedupeKey: `${WEBHOOK_SWEEP_QUEUE.queue}:${slot.toISOString()}` });
}
