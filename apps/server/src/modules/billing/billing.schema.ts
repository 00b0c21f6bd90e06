import { sql } from 'drizzle-orm';
import { type AnyPgColumn, bigint, bigserial, boolean, check, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { bytea } from '../../platform/db/columns';
import { questions } from '../help/help.schema';
import { users } from '../identity/identity.schema';
import { classEnrolments } from '../classes/classes.schema';
import { bookings } from '../scheduling/scheduling.schema';

/** billing: the tables this module owns. Only this module's *.repo.ts queries them; another module's schema may reference them for a foreign key. */

// billing (issue #7): plans and prices, subscriptions as a state machine, the provider webhook inbox, checkouts,
// payments and refunds, the double-entry ledger and tutor payouts. Amounts are integer minor units.

/** What students buy: a monthly subscription with included questions, or a prepaid pack of question credits. */
export const billingPlans = pgTable('billing_plans', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  kind: text('kind', { enum: ['subscription', 'credit_pack'] }).notNull(),
  /** Questions included per period (subscription) or credits granted (pack). */
  questions: integer('questions').notNull(),
  /** Subscriptions only: days of trial before the first charge, and days past_due still allows asking. */
  trialDays: integer('trial_days').notNull().default(0),
  graceDays: integer('grace_days').notNull().default(3),
  active: boolean('active').notNull().default(true),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

export const billingPrices = pgTable(
  'billing_prices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    planId: text('plan_id')
      .notNull()
      .references(() => billingPlans.id),
    currency: text('currency').notNull(),
    amountMinor: integer('amount_minor').notNull(),
    /** The provider's own ids for this price (Stripe price, Razorpay plan), when synced. */
    stripePriceId: text('stripe_price_id'),
    razorpayPlanId: text('razorpay_plan_id'),
    active: boolean('active').notNull().default(true),
  },
  (t) => [uniqueIndex('billing_prices_plan_currency').on(t.planId, t.currency)],
);

export const subscriptionStatusValues = ['incomplete', 'trialing', 'active', 'past_due', 'lapsed', 'canceled', 'refunded'] as const;

/** A student's subscription. One row per student and plan line; a returning student reactivates it. */
export const subscriptions = pgTable(
  'subscriptions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    studentId: uuid('student_id')
      .notNull()
      .references(() => users.id),
    planId: text('plan_id')
      .notNull()
      .references(() => billingPlans.id),
    currency: text('currency').notNull(),
    status: text('status', { enum: subscriptionStatusValues }).notNull(),
    cancelAtPeriodEnd: boolean('cancel_at_period_end').notNull().default(false),
    currentPeriodStart: timestamp('current_period_start', { withTimezone: true }),
    currentPeriodEnd: timestamp('current_period_end', { withTimezone: true }),
    /** When past_due began (the grace period runs from here). */
    pastDueSince: timestamp('past_due_since', { withTimezone: true }),
    questionsUsed: integer('questions_used').notNull().default(0),
    provider: text('provider', { enum: ['stripe', 'razorpay', 'fake'] }).notNull(),
    providerSubscriptionId: text('provider_subscription_id'),
    providerCustomerId: text('provider_customer_id'),
    /** The provider's creation time of the newest event applied: older snapshots never move the state back. */
    lastEventAt: timestamp('last_event_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('subscriptions_provider_ref').on(t.provider, t.providerSubscriptionId), index('subscriptions_student_idx').on(t.studentId)],
);

/** Every subscription transition, kept forever. */
export const subscriptionTransitions = pgTable(
  'subscription_transitions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    subscriptionId: uuid('subscription_id')
      .notNull()
      .references(() => subscriptions.id),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    event: text('event').notNull(),
    provider: text('provider'),
    providerEventId: text('provider_event_id'),
    at: timestamp('at', { withTimezone: true }).notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('subscription_transitions_sub_idx').on(t.subscriptionId, t.id)],
);

/**
 * The payment webhook inbox: each provider event stored once by (provider, event id), exactly as received,
 * then processed by a durable job. A crash between receiving and processing loses nothing.
 */
export const providerEvents = pgTable(
  'provider_events',
  {
    provider: text('provider', { enum: ['stripe', 'razorpay', 'fake'] }).notNull(),
    eventId: text('event_id').notNull(),
    type: text('type').notNull(),
    /** The provider's own creation time of the event (orders snapshots). */
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    /** The parsed event, every string cleaned (platform/clean-text.ts) so jsonb can hold it. */
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    /** The body's bytes exactly as received: what the signature covers. */
    rawBody: bytea('raw_body').notNull(),
    /**
     * The event's identity read from the signed body (Stripe: its id; Razorpay: type, entity ids, created_at), unique
     * per provider: a body re-posted under another unsigned event-id header is the same event.
     */
    bodyKey: text('body_key'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    deliveries: integer('deliveries').notNull().default(1),
    processedAt: timestamp('processed_at', { withTimezone: true }),
    /** 'applied', 'ignored:<why>', 'rejected:<why>' once processed. */
    outcome: text('outcome'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [
    primaryKey({ columns: [t.provider, t.eventId] }),
    uniqueIndex('provider_events_body_key').on(t.provider, t.bodyKey),
    index('provider_events_pending_idx').on(t.receivedAt).where(sql`processed_at is null`),
    // The ops rollups count rejected webhooks by the minute they were processed (decision 060).
    index('provider_events_processed_idx').on(t.processedAt).where(sql`processed_at is not null`),
  ],
);

/** A checkout we started with a provider: a subscription, a credit pack, or a booked lesson's payment. */
export const checkouts = pgTable(
  'checkouts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    studentId: uuid('student_id')
      .notNull()
      .references(() => users.id),
    purpose: text('purpose', { enum: ['subscription', 'credit_pack', 'booking', 'class', 'consent'] }).notNull(),
    planId: text('plan_id').references(() => billingPlans.id),
    bookingId: uuid('booking_id').references(() => bookings.id),
    /** A group class's held seat this checkout pays for (issue #15). */
    classEnrolmentId: uuid('class_enrolment_id').references(() => classEnrolments.id),
    /** A guardian's consent request this card check is for (purpose 'consent', decision 086); guardians owns the request. */
    consentRequestId: uuid('consent_request_id'),
    currency: text('currency').notNull(),
    amountMinor: integer('amount_minor').notNull(),
    provider: text('provider', { enum: ['stripe', 'razorpay', 'fake'] }).notNull(),
    /** The provider's id for it (Stripe checkout session, Razorpay order or subscription). */
    providerRef: text('provider_ref'),
    status: text('status', { enum: ['open', 'paid', 'failed', 'expired'] }).notNull().default('open'),
    idempotencyKey: text('idempotency_key').notNull(),
    /** Where the payment page sends the student back (own-site URLs, checked when the checkout is made); null: the defaults. */
    successUrl: text('success_url'),
    cancelUrl: text('cancel_url'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('checkouts_student_idempotency_key').on(t.studentId, t.idempotencyKey),
    uniqueIndex('checkouts_provider_ref').on(t.provider, t.providerRef),
    index('checkouts_booking_idx').on(t.bookingId),
    index('checkouts_class_enrolment_idx').on(t.classEnrolmentId),
    index('checkouts_consent_request_idx').on(t.consentRequestId),
  ],
);

/** Money received. One row per provider payment, whatever number of events mention it. */
export const payments = pgTable(
  'payments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    provider: text('provider', { enum: ['stripe', 'razorpay', 'fake'] }).notNull(),
    providerPaymentId: text('provider_payment_id').notNull(),
    studentId: uuid('student_id')
      .notNull()
      .references(() => users.id),
    checkoutId: uuid('checkout_id').references(() => checkouts.id),
    subscriptionId: uuid('subscription_id').references(() => subscriptions.id),
    amountMinor: integer('amount_minor').notNull(),
    currency: text('currency').notNull(),
    refundedMinor: integer('refunded_minor').notNull().default(0),
    status: text('status', { enum: ['succeeded', 'partially_refunded', 'refunded'] }).notNull(),
    paidAt: timestamp('paid_at', { withTimezone: true }).notNull(),
    ledgerTransactionId: uuid('ledger_transaction_id'),
  },
  (t) => [uniqueIndex('payments_provider_ref').on(t.provider, t.providerPaymentId), index('payments_student_idx').on(t.studentId), index('payments_paid_idx').on(t.paidAt)],
);

export const refunds = pgTable(
  'refunds',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    paymentId: uuid('payment_id')
      .notNull()
      .references(() => payments.id),
    provider: text('provider', { enum: ['stripe', 'razorpay', 'fake'] }).notNull(),
    providerRefundId: text('provider_refund_id'),
    amountMinor: integer('amount_minor').notNull(),
    currency: text('currency').notNull(),
    status: text('status', { enum: ['requested', 'succeeded', 'failed'] }).notNull(),
    reason: text('reason'),
    requestedBy: uuid('requested_by').references(() => users.id),
    /** Sent with the provider request, so a retried refund is one refund. */
    idempotencyKey: text('idempotency_key').notNull().unique(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    settledAt: timestamp('settled_at', { withTimezone: true }),
    ledgerTransactionId: uuid('ledger_transaction_id'),
  },
  (t) => [uniqueIndex('refunds_provider_ref').on(t.provider, t.providerRefundId), index('refunds_payment_idx').on(t.paymentId), index('refunds_settled_idx').on(t.settledAt).where(sql`settled_at is not null`)],
);

/**
 * Ledger accounts. code names the account: 'student_wallet:<userId>', 'student_credits:<userId>' (currency 'QST',
 * question credits), 'provider_clearing:<provider>', 'platform_revenue', 'tutor_payable:<userId>', 'payouts_in_transit',
 * 'refunds', 'credits_issued'.
 */
export const ledgerAccounts = pgTable(
  'ledger_accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    code: text('code').notNull(),
    kind: text('kind').notNull(),
    ownerId: uuid('owner_id').references(() => users.id),
    currency: text('currency').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('ledger_accounts_code_currency').on(t.code, t.currency), index('ledger_accounts_owner_idx').on(t.ownerId)],
);

/** One money movement. Append-only (triggers in 0009); a correction is a new transaction that reverses it. */
export const ledgerTransactions = pgTable(
  'ledger_transactions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind').notNull(),
    /** What caused it ('payment:stripe:pi_…', 'earning:question:<id>', …): the same cause never posts twice. */
    idempotencyKey: text('idempotency_key').notNull().unique(),
    description: text('description').notNull(),
    reversesId: uuid('reverses_id').unique(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    /**
     * What the transaction belongs to (#14: typed links, not keys in `data`). A reversal carries its original's links.
     * - payment: the payment itself, a refund of it, or an earning or used credit it paid for (a refund of the payment
     *   reverses those in proportion);
     * - booking: a booked lesson's payment, the refund of that payment, the lesson's earning;
     * - question: an answered question's earning, the credit a question used;
     * - refund: the refund's own transaction;
     * - fundedBy: for a used credit, the pack payment or credit grant (a ledger transaction) it is counted against.
     */
    paymentId: uuid('payment_id').references(() => payments.id),
    bookingId: uuid('booking_id').references(() => bookings.id),
    questionId: uuid('question_id').references(() => questions.id),
    refundId: uuid('refund_id').references(() => refunds.id),
    fundedById: uuid('funded_by_id').references((): AnyPgColumn => ledgerTransactions.id),
    /** Free-form facts kept with the posting (amounts, the purpose, who it was for); never a link (those are the columns above). */
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    /**
     * Set when the platform converted an amount to post this transaction (decision 029): the amount in the currency
     * it was set in, the rate applied (entries = fx_from_amount_minor × fx_rate, rounded half up) and where the rate
     * came from. All four or none.
     */
    fxFromCurrency: text('fx_from_currency'),
    fxFromAmountMinor: bigint('fx_from_amount_minor', { mode: 'number' }),
    fxRate: numeric('fx_rate', { precision: 24, scale: 12 }),
    fxSource: text('fx_source'),
  },
  (t) => [
    index('ledger_transactions_occurred_idx').on(t.occurredAt),
    index('ledger_transactions_payment_idx').on(t.paymentId, t.kind),
    index('ledger_transactions_booking_idx').on(t.bookingId),
    index('ledger_transactions_question_idx').on(t.questionId),
    index('ledger_transactions_refund_idx').on(t.refundId),
    index('ledger_transactions_funded_by_idx').on(t.fundedById),
    check(
      'ledger_transactions_fx_all_or_none',
      sql`(${t.fxFromCurrency} is null and ${t.fxFromAmountMinor} is null and ${t.fxRate} is null and ${t.fxSource} is null) or (${t.fxFromCurrency} is not null and ${t.fxFromAmountMinor} is not null and ${t.fxRate} > 0 and ${t.fxSource} is not null)`,
    ),
  ],
);

/** Signed amounts: debits positive, credits negative; each transaction's entries sum to zero per currency (0009). */
export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    transactionId: uuid('transaction_id')
      .notNull()
      .references(() => ledgerTransactions.id),
    accountId: uuid('account_id')
      .notNull()
      .references(() => ledgerAccounts.id),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('ledger_entries_account_idx').on(t.accountId, t.id), index('ledger_entries_transaction_idx').on(t.transactionId)],
);

/** A periodic payout run. */
export const payoutRuns = pgTable('payout_runs', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** Earnings posted before this instant are payable in this run (the hold period). */
  cutoffAt: timestamp('cutoff_at', { withTimezone: true }).notNull(),
  status: text('status', { enum: ['running', 'finished'] }).notNull().default('running'),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
});

/** One payout per tutor payable and run: (run, tutor, currency) is unique, so a restarted run pays nobody twice. */
export const payouts = pgTable(
  'payouts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    runId: uuid('run_id')
      .notNull()
      .references(() => payoutRuns.id),
    tutorId: uuid('tutor_id')
      .notNull()
      .references(() => users.id),
    currency: text('currency').notNull(),
    amountMinor: integer('amount_minor').notNull(),
    adapter: text('adapter').notNull(),
    status: text('status', { enum: ['pending', 'in_transit', 'paid', 'failed'] }).notNull(),
    providerPayoutId: text('provider_payout_id'),
    idempotencyKey: text('idempotency_key').notNull().unique(),
    failureReason: text('failure_reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('payouts_run_tutor_currency').on(t.runId, t.tutorId, t.currency), index('payouts_tutor_idx').on(t.tutorId, t.createdAt)],
);

/**
 * Where a tutor's payouts go (issue #18): one row per tutor, replaced when they change it. Only provider ids and a
 * masked display are kept (the bank account's last 4 digits, the UPI ID's masked form): never a full account number.
 */
export const payoutAccounts = pgTable(
  'payout_accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tutorId: uuid('tutor_id')
      .notNull()
      .references(() => users.id),
    provider: text('provider', { enum: ['razorpayx', 'stripe-connect', 'fake'] }).notNull(),
    kind: text('kind', { enum: ['bank_account', 'vpa', 'connect'] }).notNull(),
    status: text('status', { enum: ['pending', 'active', 'restricted', 'failed'] }).notNull(),
    statusReason: text('status_reason'),
    /** RazorpayX contact id (cont_…); null for Stripe. */
    providerContactId: text('provider_contact_id'),
    /** Where payouts go: the RazorpayX fund account (fa_…) or the Stripe connected account (acct_…). */
    destination: text('destination').notNull(),
    display: text('display').notNull(),
    /** The provider's event time of the last status read back (Stripe account.updated), so an older event never wins. */
    statusAt: timestamp('status_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('payout_accounts_tutor').on(t.tutorId), uniqueIndex('payout_accounts_destination').on(t.provider, t.destination)],
);
