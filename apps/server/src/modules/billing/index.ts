// Billing, the money side (D1): ledger, entitlements, tutor earnings, payouts, reports, plans.
export type { BookingPaymentPort, LedgerPort, PaymentReceived, RefundSettled } from './billing.ports';
export { billingMoneyRoutes } from './billing.money.routes';
export { createPlansRepo, createPlansService, demoPlans, type PlansService, seedPlans } from './billing.plans';
export { createReports, type Reports } from './billing.reports';
export { createHelpBilling } from './earnings';
export { type FxTable, parseFxRates } from './earnings.rules';
export { createEntitlementsRepo, createEntitlementsService, type EntitlementsService } from './entitlements.service';
export { createLedgerRepo, type LedgerRepo } from './ledger.repo';
export { accounts, CREDITS } from './ledger.rules';
export { createLedgerService, type LedgerService } from './ledger.service';
export { createPayoutsRepo, createPayoutsService, type PayoutsService } from './payouts.service';
export { createBillingMoney, type BillingMoney, type BillingMoneyConfig, DEMO_CREDITS, seedDemoBilling } from './billing.money';
// Billing, the provider side (D2): checkouts, payment webhooks, subscriptions, refunds, reconciliation.
export { type BillingProviders, installBillingProviders } from './billing.providers.install';
export { bookingOutcomeMoney, bookingPaymentPolicy, LESSON_REFUND_QUEUE } from './billing.bookings';
export type { NormalizedEvent, PaymentProviderAdapter } from './billing.providers';
export type { Provider } from './billing.ports';
export { ENTITLEMENT_GRANTED_QUEUE, type EntitlementGranted, type EntitlementListener } from './billing.entitlement-events';
export { RECONCILE_QUEUE } from './billing.reconcile';
export { WEBHOOK_QUEUE, WEBHOOK_SWEEP_QUEUE } from './billing.webhooks.service';
