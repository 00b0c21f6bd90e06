import fp from 'fastify-plugin';
import type { PayoutAdapter } from '../../integrations/payouts';
import { CLASS_MONEY } from '../classes';
import { HELP_BILLING } from '../help';
import { BOOKING_OUTCOME_MONEY, BOOKING_PAYMENT_POLICY } from '../scheduling';
import { ENTITLEMENT_GRANTED } from './billing.events';
import { createBillingMoney } from './billing.money';
import type { LedgerPort, Provider } from './billing.ports';
import { installBillingProviders } from './billing.providers.install';
import { billingMoneyRoutes } from './billing.routes';
import { bookingOutcomeMoney, bookingPaymentPolicy } from './bookings/bookings.service';
import { classMoney, installClassPayments } from './classes/class-money';
import { CONSENT_CHECKS, installConsentChecks } from './consent/consent-checks';
import type { PaymentProviderAdapter } from './payments/providers';
import { SCHOOL_PAID_LESSONS } from './school/school-lessons';
import { createPayoutSide } from './payouts/payout-accounts.install';
import { payoutAccountRoutes } from './payouts/payout-accounts.routes';

export interface BillingModuleOptions {
  /** Where tutor payouts go; an in-memory fake by default. */
  payoutAdapter?: PayoutAdapter | undefined;
  /** A stand-in ledger port and extra or replacement payment adapters (tests). */
  payments?: { ledger?: LedgerPort | undefined; adapters?: Partial<Record<Provider, PaymentProviderAdapter>> | undefined } | undefined;
}

/**
 * Billing, both sides: the money side (ledger, entitlements, earnings, payouts, reports, plans) and the provider side
 * (checkouts, webhooks, subscriptions, refunds, reconciliation). It fills the ports help and scheduling declare, and
 * confirms or releases held bookings and class seats through scheduling's and classes' public APIs (so it registers
 * after both).
 */
export const billingModule = fp<BillingModuleOptions>(
  async (fastify, opts) => {
    const { database, clock, logger, config, jobs, events, ports } = fastify.platform;
    const { scheduling } = fastify;
    const payoutSide = createPayoutSide({ config: config.payments.payouts, db: database.db, clock, logger, publicUrl: config.publicUrl, adapter: opts.payoutAdapter });
    const billing = createBillingMoney({
      db: database.db,
      clock,
      logger,
      config: config.billing,
      payoutAdapter: payoutSide.adapter,
      destinationOf: (tutorId, adapter) => payoutSide.accounts.destinationOf(tutorId, adapter),
    });
    ports.provide(HELP_BILLING, billing.helpBilling);
    ports.provide(BOOKING_PAYMENT_POLICY, bookingPaymentPolicy(config.payments));
    // lti registers later and answers which lessons a school paid for (decision 075).
    const schools = ports.late(SCHOOL_PAID_LESSONS, 'tutorline-billing');
    ports.provide(BOOKING_OUTCOME_MONEY, bookingOutcomeMoney({ db: database.db, clock, logger, schools, commissionBps: config.billing.commissionBps }));
    ports.provide(CLASS_MONEY, classMoney({ config: config.payments, db: database.db, clock, logger }));
    await fastify.register(billingMoneyRoutes, { entitlements: billing.entitlements, reports: billing.reports, plans: billing.plans });
    await fastify.register(payoutAccountRoutes, { accounts: payoutSide.accounts });
    await billing.payouts.installSchedule(jobs, database.db);
    const payments = await installBillingProviders(fastify, {
      config: config.payments,
      publicUrl: config.publicUrl,
      db: database.db,
      clock,
      logger,
      jobs,
      ledger: opts.payments?.ledger ?? billing.ledgerPort,
      consentCheckMinor: config.billing.consentCheckMinor,
      bookings: { confirmHeld: (id, now) => scheduling.confirmHeld(id, now), releaseHold: (id, now) => scheduling.releaseHold(id, now) },
      adapters: opts.payments?.adapters,
      // The entitlement event's subscribers, live: whoever subscribes while modules register is told (WhatsApp).
      entitlementListeners: events.listeners(ENTITLEMENT_GRANTED),
      connectAccounts: payoutSide.accounts,
    });
    // Group class seats (issue #15): a paid seat is confirmed (or refunded) through classes' public API.
    installClassPayments({ checkout: payments.checkout, classes: fastify.classes, jobs, clock, logger, db: database.db });
    // A guardian's card check (decision 086): guardians registers later and is told each outcome through CONSENT_CHECKS.
    const consentChecks = installConsentChecks({ checkout: payments.checkout, repo: payments.repo, guardians: ports.late(CONSENT_CHECKS, 'tutorline-billing'), jobs, clock, logger });
    fastify.decorate('billing', { money: billing, payments, consentChecks, payoutAccounts: payoutSide.accounts });
  },
  { name: 'tutorline-billing', fastify: '5.x', decorators: { fastify: ['platform'] }, dependencies: ['tutorline-scheduling', 'tutorline-classes'] },
);
