import type { FastifyInstance } from 'fastify';
import type { PaymentsConfig } from '../../config';
import { createFakePayProvider, FAKE_PAY_WEBHOOK_SECRET, type FakePayProvider } from '../../integrations/fake-pay-provider';
import { createRazorpayAdapter, createRazorpayClient, razorpayVerifier } from '../../integrations/razorpay';
import { createStripeAdapter, createStripeClient, stripeVerifier } from '../../integrations/stripe';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db';
import type { JobRunner } from '../../platform/jobs';
import type { Logger } from '../../platform/logger';
import { ok } from '../../platform/result';
import { installBookingSettlement } from './bookings/bookings.service';
import { razorpayCheckoutRoutes } from './payments/razorpay-checkout.routes';
import { billingCheckoutRoutes } from './payments/checkout.routes';
import { type CheckoutService, createCheckoutService } from './payments/checkout.service';
import { fakePayRoutes } from './payments/fake-pay.routes';
import type { LedgerPort, Provider } from './billing.ports';
import { createProviderRepo, type ProviderRepo } from './payments/payments.repo';
import type { PaymentProviderAdapter, WebhookVerifier } from './payments/providers';
import { createReconciler, type Reconciler } from './payments/reconcile.service';
import { createSubscriptionsService } from './subscriptions/subscriptions.service';
import { billingWebhookRoutes } from './payments/webhooks.routes';
import { type EntitlementListener, installEntitlementEvents } from './entitlements/entitlements.events';
import { type BookingPayments, createWebhooksService, type WebhooksDeps, type WebhooksService } from './payments/webhooks.service';

export interface BillingProviders {
  repo: ProviderRepo;
  webhooks: WebhooksService;
  checkout: CheckoutService;
  reconciler: Reconciler;
  /** The fake provider, when BILLING_PROVIDER is fake (development and tests). */
  fake: FakePayProvider | null;
  adapters: Partial<Record<Provider, PaymentProviderAdapter>>;
}

/** Wires billing's provider side: adapters from the config, the webhook inbox and its jobs, checkout, refunds, reconciliation. */
export async function installBillingProviders(
  fastify: FastifyInstance,
  o: {
    config: PaymentsConfig;
    publicUrl: string;
    db: Db;
    clock: Clock;
    logger: Logger;
    jobs: JobRunner;
    ledger: LedgerPort | null;
    /** A guardian's card check per currency, in minor units (decision 086). */
    consentCheckMinor?: Record<string, number> | undefined;
    bookings?: BookingPayments | undefined;
    /** Tests replace or add adapters (a Stripe SDK pointed at a local fake, say). */
    adapters?: Partial<Record<Provider, PaymentProviderAdapter>> | undefined;
    /** Told (after the commit) when a payment or plan lets a student ask: WhatsApp sends a question held for payment. */
    entitlementListeners?: readonly EntitlementListener[] | undefined;
    /** Where Stripe Connect's account.updated goes (payout accounts, issue #18). */
    connectAccounts?: WebhooksDeps['connectAccounts'];
  },
): Promise<BillingProviders> {
  const { config, clock, logger, jobs } = o;
  const repo = createProviderRepo(o.db);
  const adapters: Partial<Record<Provider, PaymentProviderAdapter>> = {};
  const verifiers: Partial<Record<Provider, WebhookVerifier>> = {};
  let fake: FakePayProvider | null = null;

  if (config.stripe) {
    adapters.stripe = createStripeAdapter(createStripeClient(config.stripe));
    verifiers.stripe = stripeVerifier(config.stripe.webhookSecret, 'stripe', config.stripe.connectWebhookSecret);
  }
  if (config.razorpay) {
    adapters.razorpay = createRazorpayAdapter(createRazorpayClient(config.razorpay), { payPageUrl: (id) => `${o.publicUrl}/api/billing/razorpay/${id}` });
    verifiers.razorpay = razorpayVerifier(config.razorpay.webhookSecret);
  }
  if (config.provider === 'fake') {
    // The fake signs Stripe-style and posts to our own /webhooks/stripe (through Fastify, without the network).
    fake = createFakePayProvider({
      clock,
      publicUrl: o.publicUrl,
      secret: FAKE_PAY_WEBHOOK_SECRET,
      deliver: async (body, headers) => {
        const res = await fastify.inject({ method: 'POST', url: '/webhooks/stripe', payload: body, headers });
        return { status: res.statusCode };
      },
    });
    adapters.fake = fake;
    verifiers.fake = stripeVerifier(FAKE_PAY_WEBHOOK_SECRET, 'fake');
  }
  Object.assign(adapters, o.adapters ?? {});

  const subscriptions = createSubscriptionsService({ repo, logger });
  const webhooks = createWebhooksService({ repo, subscriptions, clock, logger, jobs, ledger: o.ledger, verifiers, connectAccounts: o.connectAccounts });
  const defaultProvider: Provider = config.provider === 'none' ? 'fake' : config.provider;
  const checkout = createCheckoutService({ repo, webhooks, clock, logger, adapters, defaultProvider, publicUrl: o.publicUrl, consentCheckMinor: o.consentCheckMinor ?? {} });
  const reconciler = createReconciler({ repo, webhooks, subscriptions, adapters, clock, logger });

  // /webhooks/stripe belongs to the fake when it is on (development), to Stripe otherwise.
  await fastify.register(billingWebhookRoutes, { webhooks, stripe: verifiers.fake ?? verifiers.stripe ?? null, razorpay: verifiers.razorpay ?? null });
  await fastify.register(billingCheckoutRoutes, { checkout });
  if (fake) await fastify.register(fakePayRoutes, { fake, repo, publicUrl: o.publicUrl });
  if (config.razorpay) await fastify.register(razorpayCheckoutRoutes, { repo, keyId: config.razorpay.keyId, keySecret: config.razorpay.keySecret, publicUrl: o.publicUrl, logger });
  await webhooks.install();
  installEntitlementEvents(jobs, o.entitlementListeners ?? [], logger);
  // A booking's payment settled or failed: confirm (or refund what cannot be confirmed), or release the hold.
  installBookingSettlement({ repo, checkout, bookings: o.bookings ?? { confirmHeld: async () => ok(undefined), releaseHold: async () => ok(undefined) }, jobs, clock, logger });
  await reconciler.install(jobs);
  return { repo, webhooks, checkout, reconciler, fake, adapters };
}
