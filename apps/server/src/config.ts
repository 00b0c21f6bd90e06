// The one reader of process.env (decision 018's rule): each variable's schema, check and value; the providers' settings are
// checked in config.providers.ts.
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
// The two modules' pure rules files, not their indexes: an index pulls in the whole server, and a misconfigured start
// must be refused before that is loaded (main.ts loads the app only once the configuration is good).
import { type FxTable, parseFxRates } from './modules/billing/earnings/earnings.rules';
import { defaultDispatchConfig as dispatch } from './modules/help/help.rules';
import { generateVapidKeys } from './platform/vapid';
import { ConfigError } from './config.error';
import { linkSigningFeatures, type MailConfig, mailConfig, type PaymentsConfig, paymentProviderEnv, paymentsConfig, type PushConfig, pushConfig, SIMULATOR_CLOUD, type WhatsAppConfig, whatsAppConfig } from './config.providers';

export { ConfigError } from './config.error';
export { linkSigningFeatures, type MailConfig, type PaymentsConfig, type PayoutsConfig, type PushConfig, SIMULATOR_CLOUD, startupWarnings, type WhatsAppConfig } from './config.providers';

/** The only reader of process.env. Every variable is documented in README.md. */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.url().optional(),
  ALLOWED_ORIGINS: z.string().optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Demo accounts with a published password: on by default in development only, refused in production. */
  SEED_DEMO: bool.optional(),
  /** Test only: POST /dev/clock moves the server's clock (end-to-end tests of timed things). Refused in production. */
  CLOCK_CONTROL: bool.default(false),
  LTI_SIMULATOR: bool.optional(), // LTI 1.3 (#16): the LMS simulator at /dev/lms; on by default in development, refused in production
  SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 365).default(24 * 30),
  SESSION_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  TRUST_PROXY: bool.default(false),
  LOGIN_MAX_PER_IP: z.coerce.number().int().min(1).default(30),
  LOGIN_MAX_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
  LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
  LOGIN_THROTTLE_AFTER: z.coerce.number().int().min(1).default(5),
  LOGIN_THROTTLE_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(250),
  LOGIN_THROTTLE_MAX_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(4000),
  WEB_DIST: z.string().optional(),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  /** Behind a load balancer: how long a stopping node answers /readyz 503 yet keeps serving, so the balancer's health check takes it out first. */
  DRAIN_DELAY_MS: z.coerce.number().int().min(0).max(300_000).default(0),
  /** This node's name in a cluster (log lines carry it); absent on a single node. */
  NODE_ID: z.string().regex(/^[\w.-]{1,64}$/, 'letters, digits, dot, dash or underscore, at most 64').optional(),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  SMTP_URL: z.string().regex(/^smtps?:\/\/[^/]/, 'must be an smtp:// or smtps:// URL').optional(), // email (#20): unset, development keeps a mailbox at /dev/mail
  MAIL_FROM: z.string().regex(/^([^<>]*<)?[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>?$/, 'must be an address, or "Name <address>"').optional(),
  HELP_FIRST_WAVE: z.coerce.number().int().min(1).max(10_000).default(dispatch.firstWave),
  HELP_WAVE_SECONDS: z.coerce.number().min(0.2).max(3600).default(dispatch.waveSeconds),
  HELP_EXPIRY_MINUTES: z.coerce.number().min(0.05).max(24 * 60).default(dispatch.expiryMinutes),
  HELP_COOLDOWN_SECONDS: z.coerce.number().min(0).max(3600).default(dispatch.cooldownSeconds),
  HELP_SCARCE_HOLDBACK_SHARE: z.coerce.number().min(0).max(1).default(dispatch.scarceHoldBackShare),
  HELP_SCARCE_HOLDBACK_WAVES: z.coerce.number().int().min(0).max(100).default(dispatch.scarceHoldBackWaves),
  HELP_PROBATION_WAVES: z.coerce.number().int().min(0).max(100).default(dispatch.probationWaves),
  HELP_SCARCE_THRESHOLD: z.coerce.number().int().min(0).default(5),
  JOBS_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(250),
  UPLOADS_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(20),
  UPLOADS_PER_DAY: z.coerce.number().int().min(1).max(1_000_000).default(200),
  UNATTACHED_PHOTOS_KEPT_HOURS: z.coerce.number().min(0.01).max(24 * 365).default(24),
  ROOM_ABANDONED_AFTER_MINUTES: z.coerce.number().min(0.05).max(24 * 60).default(5),
  /** The retention schedule (issue #20, decision 073, docs/PRIVACY.md): days each kind of data is kept; a daily job deletes the rest. */
  RETAIN_QUESTION_PHOTOS_DAYS: z.coerce.number().min(1).max(3650).default(180),
  RETAIN_CHAT_DAYS: z.coerce.number().min(1).max(3650).default(365),
  /** Recordings (1:1 sessions and classes), rows and files. */
  RECORDING_RETENTION_DAYS: z.coerce.number().min(1).max(3650).default(90),
  RETAIN_CALL_DIAGNOSTICS_DAYS: z.coerce.number().min(1).max(3650).default(90),
  RETAIN_CHECK_REPORTS_DAYS: z.coerce.number().min(1).max(3650).default(30),
  RETAIN_FAILED_LOGINS_DAYS: z.coerce.number().min(1).max(3650).default(30),
  RETAIN_PUSH_SUBSCRIPTIONS_DAYS: z.coerce.number().min(1).max(3650).default(180),
  /** In-app notices, read or not. */
  RETAIN_NOTICES_DAYS: z.coerce.number().min(1).max(3650).default(365),
  /** Finished (sent, failed, parked) notification jobs: outbox deliveries and pushes, whose payload names a user. */
  RETAIN_FINISHED_JOBS_DAYS: z.coerce.number().min(1).max(3650).default(30),
  /** The conversion's programs (run by path, no shell) and how long one step may run before it is stopped. */
  JANUS_PP_REC_BIN: z.string().min(1).default('/usr/bin/janus-pp-rec'),
  FFMPEG_BIN: z.string().min(1).default('/usr/bin/ffmpeg'),
  FFPROBE_BIN: z.string().min(1).default('/usr/bin/ffprobe'),
  RECORDING_TOOL_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(6 * 3600).default(600),
  /** Group classes' media server: started by the app when 'janus' (the default outside tests) and the binary is found. */
  SFU: z.enum(['janus', 'off']).optional(),
  JANUS_BIN: z.string().min(1).default('janus'),
  JANUS_API_IP: z.ipv4().default('127.0.0.1'),
  JANUS_WS_PORT: z.coerce.number().int().min(1).max(65535).default(8188),
  JANUS_RTP_PORTS: z.string().regex(/^\d{1,5}-\d{1,5}$/, 'must look like 20000-20200').default('20000-20200'),
  JANUS_ICE_ENFORCE: z.string().regex(/^[\w.:,-]+$/, 'must be interfaces or address prefixes, comma-separated').optional(),
  PATH: z.string().default('/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'),
  STUN_URLS: z.string().optional(),
  TURN_URLS: z.string().optional(),
  TURN_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  TURN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
  ICE_TRANSPORT_POLICY: z.enum(['all', 'relay']).default('all'),
  SIGNING_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SIGNED_LINK_MAX_SECONDS: z.coerce.number().int().min(60).max(30 * 86_400).default(86_400),
  // Web Push (#21): on unless WEB_PUSH=false; production needs the VAPID pair and subject, development makes a pair in DATA_DIR
  WEB_PUSH: bool.optional(),
  VAPID_PUBLIC_KEY: z.string().regex(/^[A-Za-z0-9_-]{87}$/, 'must be a P-256 public key in base64url (87 characters, e.g. from `npx web-push generate-vapid-keys`)').optional(),
  VAPID_PRIVATE_KEY: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a P-256 private key in base64url (43 characters)').optional(),
  VAPID_SUBJECT: z.string().regex(/^(mailto:\S+@\S+|https:\/\/\S+)$/, 'must be a mailto: address or an https: URL the push services can reach you at').optional(),
  WHATSAPP_PROVIDER: z.enum(['none', 'cloud', 'gupshup', 'simulator']).optional(),
  WHATSAPP_APP_SECRET: z.string().min(8).optional(),
  WHATSAPP_VERIFY_TOKEN: z.string().min(8).optional(),
  WHATSAPP_ACCESS_TOKEN: z.string().min(8).optional(),
  WHATSAPP_PHONE_NUMBER_ID: z.string().regex(/^\d+$/, 'must be digits').optional(),
  WHATSAPP_GRAPH_URL: z.url().default('https://graph.facebook.com/v21.0'),
  GUPSHUP_API_URL: z.url().default('https://api.gupshup.io/wa/api/v1'),
  GUPSHUP_API_KEY: z.string().min(8).optional(),
  GUPSHUP_SOURCE: z.string().regex(/^\d+$/, 'must be digits').optional(),
  GUPSHUP_APP_NAME: z.string().min(1).optional(),
  GUPSHUP_CALLBACK_TOKEN: z.string().min(16).optional(),
  GUPSHUP_TEMPLATE_QUESTION_ALERT_ID: z.string().min(1).optional(),
  GUPSHUP_TEMPLATE_UPDATE_ID: z.string().min(1).optional(),
  WHATSAPP_TEMPLATE_LANGUAGE: z.string().min(2).default('en'),
  WHATSAPP_TEMPLATE_QUESTION_ALERT: z.string().min(1).default('tutor_question_alert'),
  WHATSAPP_TEMPLATE_UPDATE: z.string().min(1).default('tutorline_update'),
  WHATSAPP_SENDS_PER_SECOND: z.coerce.number().min(0.1).max(1000).default(20),
  BILLING_COMMISSION_BPS: z.coerce.number().int().min(0).max(10_000).default(2000),
  BILLING_PAYOUT_HOLD_DAYS: z.coerce.number().int().min(0).max(365).default(7),
  BILLING_PAYOUT_MIN_MINOR: z
    .string()
    .regex(/^[A-Z]{3}:\d+(,\s*[A-Z]{3}:\d+)*$/, 'must look like INR:50000,USD:1000')
    .default('INR:50000,USD:1000'),
  BILLING_ENFORCE_ENTITLEMENTS: bool.default(true),
  BILLING_CONSENT_CHECK_MINOR: z.string().regex(/^[A-Z]{3}:[1-9]\d*(,\s*[A-Z]{3}:[1-9]\d*)*$/, 'must look like INR:1000,USD:50').default('INR:1000,USD:50,EUR:50,GBP:50'),
  BILLING_FX_RATES: z
    .string()
    .regex(/^([A-Z]{3}:[A-Z]{3}=\d+(\.\d+)?(,\s*[A-Z]{3}:[A-Z]{3}=\d+(\.\d+)?)*)?$/, 'must look like USD:INR=83.25,EUR:INR=90.10')
    .default(''),
  BILLING_FX_SOURCE: z.string().min(1).max(200).default('BILLING_FX_RATES (configured)'),
  ...paymentProviderEnv,
});

export type Env = z.infer<typeof envSchema>;

const DAY_MS = 86_400_000;

/** How long each kind of personal data is kept, in ms (RETAIN_*_DAYS, RECORDING_RETENTION_DAYS). */
export interface RetentionSchedule {
  questionPhotosMs: number;
  chatMs: number;
  recordingsMs: number;
  callDiagnosticsMs: number;
  checkReportsMs: number;
  failedLoginsMs: number;
  /** A browser's Web Push subscription after it was last renewed. */
  pushSubscriptionsMs: number;
  /** In-app notices, read or unread. */
  noticesMs: number;
  /** Finished notification jobs (outbox deliveries and pushes), after they finished. */
  finishedJobsMs: number;
}

export interface Config {
  env: Env['NODE_ENV'];
  host: string;
  port: number;
  publicUrl: string;
  allowedOrigins: string[];
  dataDir: string;
  databaseUrl: string | undefined;
  dbPoolMax: number;
  redisUrl: string | undefined;
  logLevel: Env['LOG_LEVEL'];
  seedDemo: boolean;
  /** Test only (CLOCK_CONTROL): POST /dev/clock moves the server's clock. */
  clockControl: boolean;
  sessionTtlMs: number;
  sessionCacheTtlMs: number;
  trustProxy: boolean;
  secureCookies: boolean;
  /**
   * maxPerIp: attempts per IP (any account); maxPerAccount: failed attempts on one account from one IP; from
   * throttleAfter failures on an account (all IPs) each attempt waits throttleDelayMs, doubling up to throttleMaxDelayMs.
   */
  login: { maxPerIp: number; maxPerAccount: number; windowMs: number; throttleAfter: number; throttleDelayMs: number; throttleMaxDelayMs: number };
  webDist: string;
  shutdownGraceMs: number;
  /** On SIGTERM/SIGINT: /readyz answers 503 for this long while the node keeps serving, then it closes with grace. */
  drainDelayMs: number;
  nodeId: string | undefined;
  /** /metrics: a bearer token when set; without one, served only outside production. */
  metrics: { token: string | undefined; open: boolean };
  help: {
    firstWave: number;
    waveSeconds: number;
    expiryMinutes: number;
    cooldownSeconds: number;
    scarceHoldBackShare: number;
    scarceHoldBackWaves: number;
    probationWaves: number;
    scarceThreshold: number;
  };
  jobsPollMs: number;
  /** Every upload route: a per-user rate and daily quota (counted in the database), and how long a photo never attached to a question is kept. */
  uploads: { perMinute: number; perDay: number; unattachedKeptMs: number };
  /** An instant-help session whose participants have all been gone this long is ended by a sweep (longer than a reconnect). */
  rooms: { abandonedAfterMs: number };
  /** How long each kind of personal data is kept (decision 073); recordings' is recordings.retentionMs. */
  retention: RetentionSchedule;
  recordings: { dir: string; retentionMs: number; tools: { ppRec: string; ffmpeg: string; ffprobe: string; timeoutMs: number } };
  /** Janus for group classes (integrations/janus): its configuration is generated into dir at each start. */
  sfu: { mode: 'janus' | 'off'; bin: string; searchPath: string; apiIp: string; wsPort: number; rtpPortRange: string; iceEnforceList: string | undefined; dir: string };
  /** ICE servers for calls: STUN URLs, and TURN URLs with the shared secret for time-limited credentials. */
  ice: { stunUrls: string[]; turnUrls: string[]; turnSecret: string | undefined; turnTtlSeconds: number; transportPolicy: 'all' | 'relay' };
  /**
   * Signs short-lived public URLs (a question photo sent to a tutor on WhatsApp). From SIGNING_SECRET; when unset,
   * development and tests use a random secret kept in DATA_DIR (platform/signing.ts), and production signs nothing
   * (it refuses to start when a feature that signs links is on).
   */
  signingSecret: string | undefined;
  /** No signed link is accepted with an expiry further than this from now, however it was signed. */
  signedLinkMaxSeconds: number;
  /**
   * Web Push (#21). `vapid` null outside production means a pair made on first start and kept in DATA_DIR
   * (platform/vapid.ts); production refuses to start with push on and no keys. Endpoints must be https in production.
   */
  push: PushConfig;
  whatsapp: WhatsAppConfig;
  mail: MailConfig;
  /** Billing's money side (#7): commission on booked lessons, payout hold and minimums, and whether asking needs a plan or credits. */
  /** fx: exchange rates for question earnings in a currency the subject has no rate in (decision 029); none when absent. */
  /** consentCheckMinor: a guardian's refunded card check per currency (decision 086); absent: no card checks. */
  billing: { commissionBps: number; payoutHoldDays: number; payoutMinMinor: Record<string, number>; enforceEntitlements: boolean; fx?: FxTable; consentCheckMinor?: Record<string, number> };
  /** Billing's provider side (#7): which provider new checkouts use, and each provider's keys. */
  payments: PaymentsConfig;
  lti: { simulator: boolean }; // LTI 1.3 (#16): whether the LMS simulator (/dev/lms, loopback only) is mounted
}

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

const repoRoot = path.resolve(import.meta.dirname, '../../..');

/** Builds a Config from an environment-like object; throws ConfigError naming each bad variable. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  const e = parsed.data;
  if (e.TURN_URLS && !e.TURN_SECRET) throw new ConfigError(['TURN_SECRET: is required when TURN_URLS is set']);
  if (e.TURN_SECRET && !e.TURN_URLS) throw new ConfigError(['TURN_URLS: is required when TURN_SECRET is set']);
  if (e.ICE_TRANSPORT_POLICY === 'relay' && !e.TURN_URLS) throw new ConfigError(['ICE_TRANSPORT_POLICY: relay needs TURN_URLS and TURN_SECRET']);
  if (e.CLOCK_CONTROL && e.NODE_ENV === 'production') throw new ConfigError(['CLOCK_CONTROL: is for tests only and cannot be used in production']);
  if (e.LTI_SIMULATOR && e.NODE_ENV === 'production') throw new ConfigError(['LTI_SIMULATOR: the LMS simulator is for development only']);
  if (e.SEED_DEMO && e.NODE_ENV === 'production') {
    throw new ConfigError([
      'SEED_DEMO: demo accounts (with the password printed in the README) cannot be created in production. Unset SEED_DEMO, and create the first admin with `npm run admin:create -- <email>`',
    ]);
  }
  const whatsapp = whatsAppConfig(e);
  const signers = linkSigningFeatures(whatsapp);
  if (signers.length && !e.SIGNING_SECRET && e.NODE_ENV === 'production') {
    throw new ConfigError([`SIGNING_SECRET: is required in production because ${signers.join(' and ')} are signed (at least 32 random characters, e.g. \`openssl rand -base64 48\`)`]);
  }
  const push = pushConfig(e);
  const publicUrl = (e.PUBLIC_URL ?? `http://${e.HOST === '0.0.0.0' ? '127.0.0.1' : e.HOST}:${e.PORT}`).replace(/\/$/, '');
  const extraOrigins = (e.ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const devOrigins = e.NODE_ENV === 'development' ? ['http://127.0.0.1:5173', 'http://localhost:5173'] : [];
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl,
    allowedOrigins: [...new Set([new URL(publicUrl).origin, ...extraOrigins, ...devOrigins])],
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    dbPoolMax: e.DB_POOL_MAX,
    redisUrl: e.REDIS_URL,
    logLevel: e.LOG_LEVEL,
    seedDemo: e.SEED_DEMO ?? e.NODE_ENV === 'development',
    clockControl: e.CLOCK_CONTROL,
    sessionTtlMs: e.SESSION_TTL_HOURS * 3_600_000,
    sessionCacheTtlMs: e.SESSION_CACHE_SECONDS * 1000,
    trustProxy: e.TRUST_PROXY,
    secureCookies: publicUrl.startsWith('https://'),
    login: {
      maxPerIp: e.LOGIN_MAX_PER_IP,
      maxPerAccount: e.LOGIN_MAX_PER_ACCOUNT,
      windowMs: e.LOGIN_WINDOW_SECONDS * 1000,
      throttleAfter: e.LOGIN_THROTTLE_AFTER,
      throttleDelayMs: e.LOGIN_THROTTLE_DELAY_MS,
      throttleMaxDelayMs: e.LOGIN_THROTTLE_MAX_DELAY_MS,
    },
    webDist: path.resolve(e.WEB_DIST ?? path.join(repoRoot, 'apps/web/dist')),
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    drainDelayMs: e.DRAIN_DELAY_MS,
    nodeId: e.NODE_ID,
    metrics: { token: e.METRICS_TOKEN, open: e.NODE_ENV !== 'production' },
    help: {
      firstWave: e.HELP_FIRST_WAVE,
      waveSeconds: e.HELP_WAVE_SECONDS,
      expiryMinutes: e.HELP_EXPIRY_MINUTES,
      cooldownSeconds: e.HELP_COOLDOWN_SECONDS,
      scarceHoldBackShare: e.HELP_SCARCE_HOLDBACK_SHARE,
      scarceHoldBackWaves: e.HELP_SCARCE_HOLDBACK_WAVES,
      probationWaves: e.HELP_PROBATION_WAVES,
      scarceThreshold: e.HELP_SCARCE_THRESHOLD,
    },
    jobsPollMs: e.JOBS_POLL_MS,
    uploads: { perMinute: e.UPLOADS_PER_MINUTE, perDay: e.UPLOADS_PER_DAY, unattachedKeptMs: Math.round(e.UNATTACHED_PHOTOS_KEPT_HOURS * 3_600_000) },
    rooms: { abandonedAfterMs: Math.round(e.ROOM_ABANDONED_AFTER_MINUTES * 60_000) },
    retention: {
      questionPhotosMs: Math.round(e.RETAIN_QUESTION_PHOTOS_DAYS * DAY_MS),
      chatMs: Math.round(e.RETAIN_CHAT_DAYS * DAY_MS),
      recordingsMs: Math.round(e.RECORDING_RETENTION_DAYS * DAY_MS),
      callDiagnosticsMs: Math.round(e.RETAIN_CALL_DIAGNOSTICS_DAYS * DAY_MS),
      checkReportsMs: Math.round(e.RETAIN_CHECK_REPORTS_DAYS * DAY_MS),
      failedLoginsMs: Math.round(e.RETAIN_FAILED_LOGINS_DAYS * DAY_MS),
      pushSubscriptionsMs: Math.round(e.RETAIN_PUSH_SUBSCRIPTIONS_DAYS * DAY_MS),
      noticesMs: Math.round(e.RETAIN_NOTICES_DAYS * DAY_MS),
      finishedJobsMs: Math.round(e.RETAIN_FINISHED_JOBS_DAYS * DAY_MS),
    },
    recordings: { dir: path.resolve(e.DATA_DIR, 'recordings'), retentionMs: Math.round(e.RECORDING_RETENTION_DAYS * DAY_MS), tools: { ppRec: e.JANUS_PP_REC_BIN, ffmpeg: e.FFMPEG_BIN, ffprobe: e.FFPROBE_BIN, timeoutMs: e.RECORDING_TOOL_TIMEOUT_SECONDS * 1000 } },
    sfu: {
      mode: e.SFU ?? (e.NODE_ENV === 'test' ? 'off' : 'janus'),
      bin: e.JANUS_BIN,
      searchPath: e.PATH,
      apiIp: e.JANUS_API_IP,
      wsPort: e.JANUS_WS_PORT,
      rtpPortRange: e.JANUS_RTP_PORTS,
      iceEnforceList: e.JANUS_ICE_ENFORCE,
      dir: path.resolve(e.DATA_DIR, 'janus'),
    },
    ice: { stunUrls: list(e.STUN_URLS), turnUrls: list(e.TURN_URLS), turnSecret: e.TURN_SECRET, turnTtlSeconds: e.TURN_TTL_SECONDS, transportPolicy: e.ICE_TRANSPORT_POLICY },
    signingSecret: e.SIGNING_SECRET,
    signedLinkMaxSeconds: e.SIGNED_LINK_MAX_SECONDS,
    push,
    whatsapp: {
      ...whatsapp,
      // The simulator's fake Graph API lives in this server.
      cloud: whatsapp.provider === 'simulator' ? { ...SIMULATOR_CLOUD, graphUrl: `${publicUrl}/dev/fake-graph/v21.0` } : whatsapp.cloud,
    },
    mail: mailConfig(e, publicUrl),
    billing: {
      commissionBps: e.BILLING_COMMISSION_BPS,
      payoutHoldDays: e.BILLING_PAYOUT_HOLD_DAYS,
      payoutMinMinor: Object.fromEntries(e.BILLING_PAYOUT_MIN_MINOR.split(',').map((p) => p.trim().split(':')).map(([c, n]) => [c!, Number(n)])),
      enforceEntitlements: e.BILLING_ENFORCE_ENTITLEMENTS,
      consentCheckMinor: Object.fromEntries(e.BILLING_CONSENT_CHECK_MINOR.split(',').map((p) => p.trim().split(':')).map(([c, n]) => [c!, Number(n)])),
      fx: { rates: parseFxRates(e.BILLING_FX_RATES), source: e.BILLING_FX_SOURCE },
    },
    payments: paymentsConfig(e),
    lti: { simulator: e.LTI_SIMULATOR ?? e.NODE_ENV === 'development' },
  };
}

/** Config for tests: an isolated data dir, quiet logs, overrides on top. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  // A data folder of its own (created only if something writes there), never the repository's ./data.
  const dataDir = path.join(os.tmpdir(), `tutorline-test-${process.pid}-${randomUUID().slice(0, 8)}`);
  // Entitlements are off unless a test turns them on: suites that are not about billing ask questions freely.
  // A signing secret of its own, so a test app never writes one into its data folder.
  const base = loadConfig({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', SEED_DEMO: 'false', DATA_DIR: dataDir, BILLING_ENFORCE_ENTITLEMENTS: 'false', SIGNING_SECRET: randomBytes(32).toString('base64url') });
  // Payments are off unless a test turns them on (payments: { provider: 'fake', … }): bookings are then confirmed at
  // once, as suites that are not about paying expect (billing.bookings.rules bookingNeedsPayment).
  // Web Push is off unless a test turns it on (push: { …, enabled: true }); its VAPID pair is made here, never in the data folder.
  return { ...base, payments: { ...base.payments, provider: 'none' }, push: { ...base.push, enabled: false, vapid: generateVapidKeys() }, ...overrides };
}
