// The providers' settings (payments, WhatsApp, Web Push): each checked as a whole, since a provider's variables are
// required together or not at all. loadConfig (config.ts) calls these; everyone else reads them from Config.
import type { Config, Env } from './config';
import { ConfigError } from './config.error';
import { z } from 'zod';

/** The payment and payout providers' variables (part of config.ts's envSchema; each is documented in README.md). */
export const paymentProviderEnv = {
  BILLING_PROVIDER: z.enum(['none', 'fake', 'stripe', 'razorpay']).optional(),
  STRIPE_SECRET_KEY: z.string().regex(/^(sk|rk)_/, 'must be a Stripe secret key (sk_…)').optional(),
  STRIPE_WEBHOOK_SECRET: z.string().regex(/^whsec_/, 'must be a webhook signing secret (whsec_…)').optional(),
  // The Connect endpoint's own signing secret (account.updated and other connected-account events); unset: STRIPE_WEBHOOK_SECRET.
  STRIPE_CONNECT_WEBHOOK_SECRET: z.string().regex(/^whsec_/, 'must be a webhook signing secret (whsec_…)').optional(),
  RAZORPAY_KEY_ID: z.string().min(8).optional(),
  RAZORPAY_KEY_SECRET: z.string().min(8).optional(),
  RAZORPAY_WEBHOOK_SECRET: z.string().min(8).optional(),
  // Unset: 'fake' outside production, 'none' (payouts off) in production; 'fake' in production is refused.
  PAYOUT_PROVIDER: z.enum(['none', 'fake', 'razorpayx', 'stripe-connect']).optional(),
  RAZORPAYX_ACCOUNT_NUMBER: z.string().regex(/^\d{6,20}$/, 'must be the RazorpayX business account number (digits)').optional(),
  PAYOUT_API_URL: z.url().optional(), // tests only: a local fake of RazorpayX's or Stripe's API
  STRIPE_CONNECT_COUNTRY: z.string().regex(/^[A-Z]{2}$/, 'must be a two-letter country code').default('US'),
};

export interface PaymentsConfig {
  /** 'fake': the built-in fake provider and its /dev/fake-pay page (never in production); 'none': payments off. */
  provider: 'fake' | 'stripe' | 'razorpay' | 'none';
  /** Stripe's SDK may be pointed at another host (tests use a local fake speaking Stripe's wire format). */
  /** `connectWebhookSecret`: Connect events verify only under it when set (integrations/stripe.ts stripeVerifier). */
  stripe: { secretKey: string; webhookSecret: string; connectWebhookSecret?: string | undefined; host?: string; port?: number; protocol?: 'http' | 'https' } | null;
  /** Razorpay's SDK has no base-URL option; baseUrl (tests only) is set on its HTTP client. */
  razorpay: { keyId: string; keySecret: string; webhookSecret: string; baseUrl?: string } | null;
  /** Where tutors are paid (issue #18); absent: the in-memory fake adapter (tests that build a Config by hand). */
  payouts?: PayoutsConfig | undefined;
}

/**
 * Tutor payouts: RazorpayX (Razorpay's keys and the business account number) or Stripe Connect (Stripe's key); 'none':
 * payouts are off (`defaulted`: production left PAYOUT_PROVIDER unset), so nobody is paid and balances wait.
 */
export type PayoutsConfig =
  | { provider: 'none'; defaulted: boolean }
  | { provider: 'fake' }
  | { provider: 'razorpayx'; baseUrl: string; keyId: string; keySecret: string; accountNumber: string }
  | { provider: 'stripe-connect'; baseUrl: string; secretKey: string; country: string };

export interface WhatsAppConfig {
  /** 'simulator': Meta's Cloud API adapter against a fake Graph API inside this server, with /dev/whatsapp (development only). */
  provider: 'none' | 'cloud' | 'gupshup' | 'simulator';
  cloud: { appSecret: string; verifyToken: string; accessToken: string; phoneNumberId: string; graphUrl: string } | null;
  /** `templateIds`: Gupshup's id of each approved template, by our template name (Gupshup sends templates by id). */
  gupshup: { apiUrl: string; apiKey: string; source: string; appName: string; callbackToken: string; templateIds: Record<string, string> } | null;
  templates: { language: string; questionAlert: string; update: string };
  sendsPerSecond: number;
}

/** The simulator's own credentials: test values, never used against Meta. */
export const SIMULATOR_CLOUD = { appSecret: 'simulator-app-secret', verifyToken: 'simulator-verify-token', accessToken: 'simulator-access-token', phoneNumberId: '100000000000001' };

/** Web Push (#21). `vapid` null outside production means a pair made on first start and kept in DATA_DIR (platform/vapid.ts). */
export interface PushConfig {
  enabled: boolean;
  vapid: { publicKey: string; privateKey: string } | null;
  subject: string;
  httpsEndpointsOnly: boolean;
}

export function paymentsConfig(e: Env): PaymentsConfig {
  const provider: PaymentsConfig['provider'] = e.BILLING_PROVIDER ?? (e.NODE_ENV === 'production' ? (e.STRIPE_SECRET_KEY ? 'stripe' : e.RAZORPAY_KEY_ID ? 'razorpay' : 'none') : 'fake');
  if (provider === 'fake' && e.NODE_ENV === 'production') throw new ConfigError(['BILLING_PROVIDER: the fake provider is for development only']);
  const need = (names: (keyof Env)[], why: string) => names.filter((n) => !e[n]).map((n) => `${n}: is required ${why}`);
  const issues = [
    ...(provider === 'stripe' || e.STRIPE_SECRET_KEY || e.STRIPE_WEBHOOK_SECRET || e.STRIPE_CONNECT_WEBHOOK_SECRET ? need(['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'], 'for Stripe') : []),
    ...(provider === 'razorpay' || e.RAZORPAY_KEY_ID || e.RAZORPAY_KEY_SECRET || e.RAZORPAY_WEBHOOK_SECRET ? need(['RAZORPAY_KEY_ID', 'RAZORPAY_KEY_SECRET', 'RAZORPAY_WEBHOOK_SECRET'], 'for Razorpay') : []),
  ];
  const payoutProvider = e.PAYOUT_PROVIDER ?? (e.NODE_ENV === 'production' ? 'none' : 'fake');
  if (payoutProvider === 'fake' && e.NODE_ENV === 'production') issues.push('PAYOUT_PROVIDER: the fake payout adapter is for development only (it pays anyone); set razorpayx, stripe-connect or none');
  if (e.PAYOUT_PROVIDER === 'razorpayx') issues.push(...need(['RAZORPAY_KEY_ID', 'RAZORPAY_KEY_SECRET', 'RAZORPAYX_ACCOUNT_NUMBER'], 'when PAYOUT_PROVIDER is razorpayx'));
  if (e.PAYOUT_PROVIDER === 'stripe-connect') issues.push(...need(['STRIPE_SECRET_KEY'], 'when PAYOUT_PROVIDER is stripe-connect'));
  if (issues.length) throw new ConfigError(issues);
  const payouts: PayoutsConfig =
    e.PAYOUT_PROVIDER === 'razorpayx'
      ? { provider: 'razorpayx', baseUrl: e.PAYOUT_API_URL ?? 'https://api.razorpay.com', keyId: e.RAZORPAY_KEY_ID!, keySecret: e.RAZORPAY_KEY_SECRET!, accountNumber: e.RAZORPAYX_ACCOUNT_NUMBER! }
      : e.PAYOUT_PROVIDER === 'stripe-connect'
        ? { provider: 'stripe-connect', baseUrl: e.PAYOUT_API_URL ?? 'https://api.stripe.com', secretKey: e.STRIPE_SECRET_KEY!, country: e.STRIPE_CONNECT_COUNTRY }
        : payoutProvider === 'none'
          ? { provider: 'none', defaulted: !e.PAYOUT_PROVIDER }
          : { provider: 'fake' };
  return {
    provider,
    payouts,
    stripe:
      e.STRIPE_SECRET_KEY && e.STRIPE_WEBHOOK_SECRET
        ? { secretKey: e.STRIPE_SECRET_KEY, webhookSecret: e.STRIPE_WEBHOOK_SECRET, ...(e.STRIPE_CONNECT_WEBHOOK_SECRET ? { connectWebhookSecret: e.STRIPE_CONNECT_WEBHOOK_SECRET } : {}) }
        : null,
    razorpay: e.RAZORPAY_KEY_ID && e.RAZORPAY_KEY_SECRET && e.RAZORPAY_WEBHOOK_SECRET ? { keyId: e.RAZORPAY_KEY_ID, keySecret: e.RAZORPAY_KEY_SECRET, webhookSecret: e.RAZORPAY_WEBHOOK_SECRET } : null,
  };
}

export function whatsAppConfig(e: Env): WhatsAppConfig {
  const provider = e.WHATSAPP_PROVIDER ?? (e.NODE_ENV === 'development' ? 'simulator' : 'none');
  const missing = (names: (keyof Env)[]) => names.filter((n) => !e[n]).map((n) => `${n}: is required when WHATSAPP_PROVIDER is ${provider}`);
  if (provider === 'simulator' && e.NODE_ENV === 'production') throw new ConfigError(['WHATSAPP_PROVIDER: the simulator is for development only']);
  if (provider === 'cloud') {
    const issues = missing(['WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN', 'WHATSAPP_ACCESS_TOKEN', 'WHATSAPP_PHONE_NUMBER_ID']);
    if (issues.length) throw new ConfigError(issues);
  }
  if (provider === 'gupshup') {
    const issues = missing(['GUPSHUP_API_KEY', 'GUPSHUP_SOURCE', 'GUPSHUP_APP_NAME', 'GUPSHUP_CALLBACK_TOKEN']);
    if (issues.length) throw new ConfigError(issues);
  }
  return {
    provider,
    cloud:
      provider === 'cloud'
        ? { appSecret: e.WHATSAPP_APP_SECRET!, verifyToken: e.WHATSAPP_VERIFY_TOKEN!, accessToken: e.WHATSAPP_ACCESS_TOKEN!, phoneNumberId: e.WHATSAPP_PHONE_NUMBER_ID!, graphUrl: e.WHATSAPP_GRAPH_URL.replace(/\/$/, '') }
        : null,
    gupshup:
      provider === 'gupshup'
        ? {
            apiUrl: e.GUPSHUP_API_URL.replace(/\/$/, ''),
            apiKey: e.GUPSHUP_API_KEY!,
            source: e.GUPSHUP_SOURCE!,
            appName: e.GUPSHUP_APP_NAME!,
            callbackToken: e.GUPSHUP_CALLBACK_TOKEN!,
            templateIds: {
              ...(e.GUPSHUP_TEMPLATE_QUESTION_ALERT_ID ? { [e.WHATSAPP_TEMPLATE_QUESTION_ALERT]: e.GUPSHUP_TEMPLATE_QUESTION_ALERT_ID } : {}),
              ...(e.GUPSHUP_TEMPLATE_UPDATE_ID ? { [e.WHATSAPP_TEMPLATE_UPDATE]: e.GUPSHUP_TEMPLATE_UPDATE_ID } : {}),
            },
          }
        : null,
    templates: { language: e.WHATSAPP_TEMPLATE_LANGUAGE, questionAlert: e.WHATSAPP_TEMPLATE_QUESTION_ALERT, update: e.WHATSAPP_TEMPLATE_UPDATE },
    sendsPerSecond: e.WHATSAPP_SENDS_PER_SECOND,
  };
}

/** Email (#20): SMTP when SMTP_URL is set; otherwise a development mailbox at /dev/mail, and off ("not configured") elsewhere. */
export interface MailConfig {
  mode: 'smtp' | 'dev' | 'off';
  smtpUrl: string | undefined;
  from: string;
}

export function mailConfig(e: Env, publicUrl: string): MailConfig {
  const mode = e.SMTP_URL ? 'smtp' : e.NODE_ENV === 'development' ? 'dev' : 'off';
  return { mode, smtpUrl: e.SMTP_URL, from: e.MAIL_FROM ?? `Tutorline <no-reply@${new URL(publicUrl).hostname}>` };
}

/** Web Push's settings: the VAPID pair comes whole or not at all, and production refuses to start without it while push is on. */
export function pushConfig(e: Env): PushConfig {
  const enabled = e.WEB_PUSH ?? true;
  if (Boolean(e.VAPID_PUBLIC_KEY) !== Boolean(e.VAPID_PRIVATE_KEY)) throw new ConfigError(['VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY: set both or neither']);
  const production = e.NODE_ENV === 'production';
  if (enabled && production) {
    const missing = [...(e.VAPID_PUBLIC_KEY ? [] : ['VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY']), ...(e.VAPID_SUBJECT ? [] : ['VAPID_SUBJECT'])];
    if (missing.length) {
      throw new ConfigError([`${missing.join(', ')}: required in production while Web Push is on (make a pair with \`npx web-push generate-vapid-keys\`; the subject is a mailto: or https: contact), or set WEB_PUSH=false`]);
    }
  }
  const vapid = e.VAPID_PUBLIC_KEY && e.VAPID_PRIVATE_KEY ? { publicKey: e.VAPID_PUBLIC_KEY, privateKey: e.VAPID_PRIVATE_KEY } : null;
  return { enabled, vapid, subject: e.VAPID_SUBJECT ?? 'mailto:push@tutorline.invalid', httpsEndpointsOnly: production };
}

/**
 * The features that put signed links in messages, by name. Production refuses to start without SIGNING_SECRET while
 * any of them is on: add a feature here when it starts signing links (platform/signing.ts).
 */
export function linkSigningFeatures(whatsapp: Pick<WhatsAppConfig, 'provider'>): string[] {
  // WhatsApp's link codes are HMACs under the same secret, so the same condition covers them.
  return whatsapp.provider !== 'none' ? ['the question photos sent to tutors on WhatsApp'] : [];
}

/** What a production start should shout about: settings that are valid but leave users worse off. */
export function startupWarnings(config: Pick<Config, 'env' | 'ice'> & { mail?: Pick<MailConfig, 'mode'>; payments?: Pick<PaymentsConfig, 'provider' | 'payouts'> }): { event: string; message: string }[] {
  if (config.env !== 'production') return [];
  const warnings: { event: string; message: string }[] = [];
  if (!config.ice.turnUrls.length) {
    const what = config.ice.stunUrls.length ? 'STUN is set but TURN is not configured (TURN_URLS, TURN_SECRET)' : 'Neither STUN nor TURN is configured (STUN_URLS, TURN_URLS, TURN_SECRET)';
    warnings.push({
      event: 'ice_relay_missing',
      message: `WARNING: ${what}. Calls between networks behind strict NATs or firewalls (about 1 in 5) will not connect. Run coturn beside the app: see "Running in production" in README.md.`,
    });
  }
  if (config.mail?.mode === 'off') warnings.push({ event: 'email_not_configured', message: 'Email is not configured (SMTP_URL): guardian invites, weekly summaries and export links by email are kept but not sent.' });
  const payouts = config.payments?.payouts;
  if (payouts?.provider === 'none' && payouts.defaulted && (config.payments?.provider === 'stripe' || config.payments?.provider === 'razorpay')) {
    warnings.push({
      event: 'payouts_not_configured',
      message: `WARNING: payments are on (${config.payments.provider}) but PAYOUT_PROVIDER is not set, so payouts are off: tutors' earnings will accumulate unpaid until PAYOUT_PROVIDER is set (razorpayx or stripe-connect; none to make this choice explicit).`,
    });
  }
  return warnings;
}
