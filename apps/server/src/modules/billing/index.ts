import type { BillingMoney } from './billing.money';
import type { BillingProviders } from './billing.providers.install';
import type { ConsentCheckStarter } from './consent/consent-checks';
import type { PayoutAccountsService } from './payouts/payout-accounts.service';

// Billing, the money side (D1): ledger, entitlements, tutor earnings, payouts, reports, plans.
export type { BookingPaymentPort, LedgerPort, PaymentReceived, RefundSettled } from './billing.ports';
export { billingMoneyRoutes } from './billing.routes';
export { type FxTable, parseFxRates } from './earnings/earnings.rules';
export { createBillingMoney, type BillingMoney, type BillingMoneyConfig, DEMO_CREDITS, seedDemoBilling } from './billing.money';
// Billing, the provider side (D2): checkouts, payment webhooks, subscriptions, refunds, reconciliation.
export type { BillingProviders } from './billing.providers.install';
export { bookingOutcomeMoney, bookingPaymentPolicy, LESSON_REFUND_QUEUE } from './bookings/bookings.service';
export type { NormalizedEvent, PaymentProviderAdapter } from './payments/providers';
export type { Provider } from './billing.ports';
export { ENTITLEMENT_GRANTED_QUEUE, type EntitlementGranted, type EntitlementListener } from './entitlements/entitlements.events';
export { RECONCILE_QUEUE } from './payments/reconcile.service';
export { WEBHOOK_QUEUE, WEBHOOK_SWEEP_QUEUE } from './payments/webhooks.service';
export { ENTITLEMENT_GRANTED } from './billing.events';
export { billingModule, type BillingModuleOptions } from './billing.install';

declare module 'fastify' {
  interface FastifyInstance {
    /** Billing's money side and provider side (tutorline-billing). */
    billing: { money: BillingMoney; payments: BillingProviders; consentChecks: ConsentCheckStarter; payoutAccounts: PayoutAccountsService };
  }
}
export { noSchoolPaidLessons, SCHOOL_PAID_LESSONS, type SchoolCharge, type SchoolPaidLessons, type SchoolPayer } from './school/school-lessons';
export { schoolLessonCharges } from './school/school-charges.repo';
export { billingRollupFacts } from './billing.rollups.repo';
export { tutorEarningsBetween } from './earnings/earnings.quality.repo';
export { createBillingExport } from './billing.export.repo';
export { paymentsForTimeline, type TimelinePayment } from './billing.support.repo';
export { BILLING_ERASURE_RULES } from './billing.erasure';
export { CONSENT_CHECKS, type ConsentCharged, type ConsentChargeRefusal, type ConsentChecks, type ConsentCheckStarter } from './consent/consent-checks';
