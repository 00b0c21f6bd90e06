import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, startupWarnings, testConfig } from './config';
import { generateVapidKeys } from './platform/vapid';

/** The ConfigError loadConfig throws for this environment. */
function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`no ConfigError for ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('has safe defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      host: '127.0.0.1',
      port: 3000,
      publicUrl: 'http://127.0.0.1:3000',
      databaseUrl: undefined,
      redisUrl: undefined,
      logLevel: 'info',
      seedDemo: true,
      trustProxy: false,
      secureCookies: false,
      sessionTtlMs: 30 * 24 * 3_600_000,
      login: { maxPerIp: 30, maxPerAccount: 10, windowMs: 900_000 },
      shutdownGraceMs: 10_000,
    });
    expect(config.dataDir).toBe(path.resolve('./data'));
    // Development also lets the Vite dev server's origin in.
    expect(config.allowedOrigins).toEqual(['http://127.0.0.1:3000', 'http://127.0.0.1:5173', 'http://localhost:5173']);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '', HOST: '' })).toMatchObject({ port: 3000, host: '127.0.0.1', databaseUrl: undefined });
  });

  it('allows the test clock control outside production only', () => {
    expect(loadConfig({ CLOCK_CONTROL: 'true', NODE_ENV: 'test' }).clockControl).toBe(true);
    expect(loadConfig({}).clockControl).toBe(false);
    expect(configError({ CLOCK_CONTROL: 'true', NODE_ENV: 'production', WEB_PUSH: 'false' }).message).toMatch(/CLOCK_CONTROL: is for tests only/);
  });

  it('reads every variable it documents', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      WEB_PUSH: 'false',
      HOST: '0.0.0.0',
      PORT: '8080',
      DATA_DIR: '/var/lib/tutorline',
      DATABASE_URL: 'postgresql://u:p@db:5432/tl',
      DB_POOL_MAX: '25',
      REDIS_URL: 'rediss://cache:6380',
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'no',
      SESSION_TTL_HOURS: '12',
      TRUST_PROXY: '1',
      LOGIN_MAX_PER_IP: '7',
      LOGIN_MAX_PER_ACCOUNT: '3',
      LOGIN_WINDOW_SECONDS: '60',
      ALLOWED_ORIGINS: ' https://a.example , https://b.example,,',
      WEB_DIST: '/srv/web',
      SHUTDOWN_GRACE_MS: '500',
    });
    expect(config).toMatchObject({
      env: 'production',
      host: '0.0.0.0',
      port: 8080,
      // 0.0.0.0 is where to listen, not where to browse.
      publicUrl: 'http://127.0.0.1:8080',
      dataDir: '/var/lib/tutorline',
      databaseUrl: 'postgresql://u:p@db:5432/tl',
      dbPoolMax: 25,
      redisUrl: 'rediss://cache:6380',
      logLevel: 'warn',
      seedDemo: false,
      sessionTtlMs: 12 * 3_600_000,
      trustProxy: true,
      login: { maxPerIp: 7, maxPerAccount: 3, windowMs: 60_000 },
      webDist: '/srv/web',
      shutdownGraceMs: 500,
    });
    // No dev-server origins outside development.
    expect(config.allowedOrigins).toEqual(['http://127.0.0.1:8080', 'https://a.example', 'https://b.example']);
  });

  it("maps Gupshup's template ids to the configured template names (Gupshup sends templates by id)", () => {
    const gupshup = {
      WHATSAPP_PROVIDER: 'gupshup',
      GUPSHUP_API_KEY: 'gupshup-key-0001',
      GUPSHUP_SOURCE: '917834811114',
      GUPSHUP_APP_NAME: 'TutorBotApp',
      GUPSHUP_CALLBACK_TOKEN: 'callback-token-0123456789',
    };
    const c = loadConfig({ ...gupshup, WHATSAPP_TEMPLATE_QUESTION_ALERT: 'tl_alert', GUPSHUP_TEMPLATE_QUESTION_ALERT_ID: 'a1b2-alert', GUPSHUP_TEMPLATE_UPDATE_ID: 'c3d4-update' });
    expect(c.whatsapp.gupshup?.templateIds).toEqual({ tl_alert: 'a1b2-alert', tutorline_update: 'c3d4-update' });
    expect(loadConfig(gupshup).whatsapp.gupshup?.templateIds).toEqual({});
  });

  it('turns on Secure cookies for an https PUBLIC_URL and uses its origin', () => {
    const config = loadConfig({ NODE_ENV: 'production', WEB_PUSH: 'false', PUBLIC_URL: 'https://tutorline.example/' });
    expect(config.secureCookies).toBe(true);
    expect(config.publicUrl).toBe('https://tutorline.example');
    expect(config.allowedOrigins).toEqual(['https://tutorline.example']);
    expect(loadConfig({ PUBLIC_URL: 'http://tutorline.example' }).secureCookies).toBe(false);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['NODE_ENV', 'staging'],
    ['PUBLIC_URL', 'not a url'],
    ['DATABASE_URL', 'mysql://db/tl'],
    ['REDIS_URL', 'http://cache'],
    ['DB_POOL_MAX', '0'],
    ['LOG_LEVEL', 'loud'],
    ['SEED_DEMO', 'maybe'],
    ['TRUST_PROXY', 'TRUE!'],
    ['SESSION_TTL_HOURS', '0'],
    ['LOGIN_MAX_PER_IP', '0'],
    ['LOGIN_WINDOW_SECONDS', 'soon'],
    ['SHUTDOWN_GRACE_MS', '-5'],
  ])('throws a ConfigError naming %s for %j', (variable, value) => {
    const err = configError({ [variable]: value });
    expect(err.name).toBe('ConfigError');
    expect(err.issues).toEqual([expect.stringMatching(new RegExp(`^${variable}: `))]);
    expect(err.message).toContain(variable);
  });

  it('names every bad variable at once', () => {
    const err = configError({ PORT: 'abc', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });
    expect(err.issues.map((i) => i.split(':')[0]).sort()).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT']);
    expect(err.message).toMatch(/^Invalid configuration:\n {2}- /);
  });
});

describe('testConfig', () => {
  it('listens on a free port, quietly, without demo data, and takes overrides', () => {
    expect(testConfig()).toMatchObject({ env: 'test', port: 0, logLevel: 'silent', seedDemo: false });
    expect(testConfig({ secureCookies: true, port: 1234 })).toMatchObject({ secureCookies: true, port: 1234 });
  });
});

describe('loadConfig: ICE servers', () => {
  it('splits STUN and TURN URL lists and keeps the TURN secret out of them', () => {
    const c = loadConfig({ STUN_URLS: 'stun:a:3478, stun:b:3478', TURN_URLS: 'turn:a:3478?transport=udp,turn:a:3478?transport=tcp', TURN_SECRET: 'a-long-enough-shared-secret' });
    expect(c.ice).toEqual({
      stunUrls: ['stun:a:3478', 'stun:b:3478'],
      turnUrls: ['turn:a:3478?transport=udp', 'turn:a:3478?transport=tcp'],
      turnSecret: 'a-long-enough-shared-secret',
      turnTtlSeconds: 3600,
      transportPolicy: 'all',
    });
  });
  it('refuses TURN URLs without a secret, a secret without URLs, and a short secret, naming the variable', () => {
    expect(() => loadConfig({ TURN_URLS: 'turn:a:3478' })).toThrow(/TURN_SECRET/);
    expect(() => loadConfig({ TURN_SECRET: 'a-long-enough-shared-secret' })).toThrow(/TURN_URLS/);
    expect(() => loadConfig({ TURN_URLS: 'turn:a:3478', TURN_SECRET: 'short' })).toThrow(/TURN_SECRET/);
  });
  it('sends every call through TURN only when asked, and only when TURN is configured', () => {
    expect(loadConfig({ ICE_TRANSPORT_POLICY: 'relay', TURN_URLS: 'turn:a:3478', TURN_SECRET: 'a-long-enough-shared-secret' }).ice.transportPolicy).toBe('relay');
    expect(() => loadConfig({ ICE_TRANSPORT_POLICY: 'relay' })).toThrow(/ICE_TRANSPORT_POLICY/);
    expect(() => loadConfig({ ICE_TRANSPORT_POLICY: 'sometimes' })).toThrow(/ICE_TRANSPORT_POLICY/);
  });
  it('offers no ICE servers by default: no third-party STUN from children’s browsers unless an operator sets one', () => {
    expect(loadConfig({}).ice).toMatchObject({ stunUrls: [], turnUrls: [], turnSecret: undefined });
  });
});

describe('loadConfig: demo data', () => {
  it('seeds demo accounts by default in development only; tests and production must ask (and production cannot)', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).seedDemo).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test' }).seedDemo).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test', SEED_DEMO: 'true' }).seedDemo).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production', WEB_PUSH: 'false' }).seedDemo).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', WEB_PUSH: 'false', SEED_DEMO: 'false' }).seedDemo).toBe(false);
  });
  it('refuses SEED_DEMO=true in production, saying how to make the first admin instead', () => {
    const err = configError({ NODE_ENV: 'production', WEB_PUSH: 'false', SEED_DEMO: 'true' });
    expect(err.issues).toEqual([expect.stringMatching(/^SEED_DEMO: demo accounts .* cannot be created in production/)]);
    expect(err.message).toContain('npm run admin:create -- <email>');
  });
});

describe('loadConfig: signed links', () => {
  const whatsappCloud = { WHATSAPP_PROVIDER: 'cloud', WHATSAPP_APP_SECRET: 'app-secret-123', WHATSAPP_VERIFY_TOKEN: 'verify-123', WHATSAPP_ACCESS_TOKEN: 'access-123', WHATSAPP_PHONE_NUMBER_ID: '1234567' };
  const gupshup = { WHATSAPP_PROVIDER: 'gupshup', GUPSHUP_API_KEY: 'gupshup-key-1', GUPSHUP_SOURCE: '917834811114', GUPSHUP_APP_NAME: 'App', GUPSHUP_CALLBACK_TOKEN: 'a-callback-token-0123' };
  const secret = 'x'.repeat(40);

  it('never derives a secret from the configuration: unset stays unset (production then signs nothing)', () => {
    expect(loadConfig({ NODE_ENV: 'production', WEB_PUSH: 'false' }).signingSecret).toBeUndefined();
    expect(loadConfig({ NODE_ENV: 'development', DATA_DIR: '/srv/tl' }).signingSecret).toBeUndefined();
    expect(loadConfig({ NODE_ENV: 'production', WEB_PUSH: 'false', SIGNING_SECRET: secret }).signingSecret).toBe(secret);
  });
  it('refuses a production start without SIGNING_SECRET while any feature signs links, naming the feature', () => {
    for (const env of [whatsappCloud, gupshup]) {
      const err = configError({ NODE_ENV: 'production', WEB_PUSH: 'false', ...env });
      expect(err.issues).toEqual([expect.stringMatching(/^SIGNING_SECRET: is required in production because the question photos sent to tutors on WhatsApp are signed/)]);
    }
    expect(loadConfig({ NODE_ENV: 'production', WEB_PUSH: 'false', ...whatsappCloud, SIGNING_SECRET: secret }).whatsapp.provider).toBe('cloud');
  });
  it('refuses a production start with Web Push on and no VAPID keys or subject, naming them; a half pair anywhere (#21)', () => {
    const keys = generateVapidKeys();
    expect(configError({ NODE_ENV: 'production' }).issues).toEqual([expect.stringMatching(/^VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY, VAPID_SUBJECT: required in production while Web Push is on/)]);
    expect(configError({ NODE_ENV: 'production', VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: keys.privateKey }).issues).toEqual([expect.stringMatching(/^VAPID_SUBJECT: required/)]);
    expect(configError({ VAPID_PUBLIC_KEY: keys.publicKey }).issues).toEqual(['VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY: set both or neither']);
    expect(configError({ VAPID_PUBLIC_KEY: 'short', VAPID_PRIVATE_KEY: keys.privateKey }).message).toMatch(/VAPID_PUBLIC_KEY: must be a P-256 public key/);
    expect(configError({ VAPID_SUBJECT: 'someone' }).message).toMatch(/VAPID_SUBJECT: must be a mailto: address or an https: URL/);
    const prod = loadConfig({ NODE_ENV: 'production', VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: keys.privateKey, VAPID_SUBJECT: 'mailto:ops@tutorline.example' });
    expect(prod.push).toEqual({ enabled: true, vapid: keys, subject: 'mailto:ops@tutorline.example', httpsEndpointsOnly: true });
    expect(loadConfig({ NODE_ENV: 'production', WEB_PUSH: 'false' }).push.enabled).toBe(false);
    // Development makes its pair on first start (platform/vapid.ts) and accepts http endpoints (a local push service).
    expect(loadConfig({ NODE_ENV: 'development' }).push).toMatchObject({ enabled: true, vapid: null, httpsEndpointsOnly: false });
  });
  it('bounds how far ahead a signed link may expire: 24 hours unless configured', () => {
    expect(loadConfig({}).signedLinkMaxSeconds).toBe(86_400);
    expect(loadConfig({ SIGNED_LINK_MAX_SECONDS: '3600' }).signedLinkMaxSeconds).toBe(3600);
    expect(configError({ SIGNED_LINK_MAX_SECONDS: '10' }).issues).toEqual([expect.stringMatching(/^SIGNED_LINK_MAX_SECONDS: /)]);
    expect(configError({ SIGNED_LINK_MAX_SECONDS: String(365 * 86_400) }).issues).toEqual([expect.stringMatching(/^SIGNED_LINK_MAX_SECONDS: /)]);
  });
  it('gives each test app a random secret of its own, so none writes one into a data folder', () => {
    expect(testConfig().signingSecret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(testConfig().signingSecret).not.toBe(testConfig().signingSecret);
  });
});

describe('startupWarnings', () => {
  const turn = { TURN_URLS: 'turn:a:3478', TURN_SECRET: 'a-long-enough-shared-secret' };
  it('warns loudly when production has no TURN relay (with or without STUN), pointing at the coturn recipe', () => {
    const [none] = startupWarnings(loadConfig({ NODE_ENV: 'production', WEB_PUSH: 'false' }));
    expect(none).toEqual({ event: 'ice_relay_missing', message: expect.stringMatching(/^WARNING: Neither STUN nor TURN is configured .*Running in production/) });
    const [stunOnly] = startupWarnings(loadConfig({ NODE_ENV: 'production', WEB_PUSH: 'false', STUN_URLS: 'stun:a:3478' }));
    expect(stunOnly!.message).toMatch(/^WARNING: STUN is set but TURN is not configured/);
  });
  it('warns when production takes payments but PAYOUT_PROVIDER is unset: earnings accumulate unpaid', () => {
    const prod = { NODE_ENV: 'production', WEB_PUSH: 'false', SMTP_URL: 'smtp://mail.example.test:587', ...turn };
    const stripe = { STRIPE_SECRET_KEY: 'sk_live_x', STRIPE_WEBHOOK_SECRET: 'whsec_x' };
    expect(startupWarnings(loadConfig({ ...prod, ...stripe }))).toEqual([{ event: 'payouts_not_configured', message: expect.stringMatching(/^WARNING: payments are on \(stripe\).*tutors' earnings will accumulate unpaid until PAYOUT_PROVIDER is set/) }]);
    // Payouts chosen off, or no payments to pay out from: nothing to say.
    expect(startupWarnings(loadConfig({ ...prod, ...stripe, PAYOUT_PROVIDER: 'none' }))).toEqual([]);
    expect(startupWarnings(loadConfig(prod))).toEqual([]);
  });
  it('stays quiet with TURN and SMTP, and outside production', () => {
    expect(startupWarnings(loadConfig({ NODE_ENV: 'production', WEB_PUSH: 'false', SMTP_URL: 'smtp://mail.example.test:587', ...turn }))).toEqual([]);
    expect(startupWarnings(loadConfig({ NODE_ENV: 'development' }))).toEqual([]);
  });
});

describe('email configuration (#20)', () => {
  it('production without SMTP_URL starts with email reported as not configured; development keeps a mailbox; SMTP_URL sends', () => {
    const prod = loadConfig({ NODE_ENV: 'production', WEB_PUSH: 'false', PUBLIC_URL: 'https://tutorline.example.test' });
    expect(prod.mail).toEqual({ mode: 'off', smtpUrl: undefined, from: 'Tutorline <no-reply@tutorline.example.test>' });
    expect(startupWarnings(prod).map((w) => w.event)).toContain('email_not_configured');
    expect(loadConfig({ NODE_ENV: 'development' }).mail.mode).toBe('dev');
    expect(testConfig().mail.mode).toBe('off');
    expect(loadConfig({ SMTP_URL: 'smtps://u:p@mail.example.test:465', MAIL_FROM: 'Tutorline <hello@example.test>' }).mail).toEqual({ mode: 'smtp', smtpUrl: 'smtps://u:p@mail.example.test:465', from: 'Tutorline <hello@example.test>' });
  });
  it('refuses a bad SMTP_URL or MAIL_FROM, naming the variable', () => {
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example.test' })).toThrow(/SMTP_URL: must be an smtp/);
    expect(() => loadConfig({ MAIL_FROM: 'nobody' })).toThrow(/MAIL_FROM: must be an address/);
  });
});

describe('loadConfig: payments off', () => {
  it('accepts BILLING_PROVIDER=none outside production (tests and demos without a checkout)', () => {
    expect(loadConfig({ NODE_ENV: 'test', BILLING_PROVIDER: 'none' }).payments.provider).toBe('none');
  });
});
