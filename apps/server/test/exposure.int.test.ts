import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../src/app';
import { type Config, loadConfig, testConfig } from '../src/config';
import { installHttpBasics, isLocalCaller } from '../src/platform/http';
import { createMetrics } from '../src/platform/metrics';
import { SecretPaths } from '../src/platform/logger';
import { describeEachBackend } from './db';

// What a production-like deployment must not expose: /metrics without its token, and development tools (the WhatsApp
// simulator shows every number's messages, the fake provider marks checkouts paid) to anyone but this machine.

interface Built {
  app: App;
  logs(): string;
}

const remote = '203.0.113.9';
/** The answer a non-local caller gets: the JSON 404 of a path that does not exist. */
const refused = (res: { statusCode: number; body: string }) => res.statusCode === 404 && res.body.includes('"code":"not_found"') && res.body.includes('No route for');

describeEachBackend('exposure: /metrics and development routes', ({ db }) => {
  const built: Built[] = [];
  /** Builds (without listening: requests are injected with the caller address chosen) and captures the log. */
  async function build(overrides: Partial<Config>): Promise<Built> {
    const chunks: string[] = [];
    const logStream = new Writable({
      write(chunk, _enc, cb) {
        chunks.push(String(chunk));
        cb();
      },
    });
    const app = await buildApp(testConfig({ logLevel: 'info', ...overrides }), { database: db().database, logStream, manualJobs: true });
    const b = { app, logs: () => chunks.join('') };
    built.push(b);
    return b;
  }
  afterAll(async () => {
    for (const b of built) await b.app.close();
  });

  describe('development routes', () => {
    let dev: Built;
    const checkout = crypto.randomUUID();
    const requests: { method: 'GET' | 'POST'; url: string; payload?: Record<string, unknown>; headers?: Record<string, string> }[] = [
      { method: 'GET', url: '/dev/clock' },
      { method: 'POST', url: '/dev/clock', payload: { at: '2030-01-01T00:00:00Z' } },
      { method: 'GET', url: '/dev/whatsapp/api/numbers' },
      { method: 'GET', url: '/dev/whatsapp/api/thread?number=919900000001' },
      { method: 'POST', url: '/dev/whatsapp/api/send', payload: { number: '919900000001', message: { type: 'sticker' } } },
      { method: 'GET', url: '/dev/fake-graph/v21.0/100000000000001', headers: { authorization: 'Bearer simulator-access-token' } },
      { method: 'GET', url: `/dev/fake-pay/${checkout}` },
      { method: 'POST', url: `/dev/fake-pay/${checkout}/succeed`, payload: {} },
    ];

    beforeAll(async () => {
      // A development server as `npm start` makes one (simulator, fake payments, test clock), trusting a proxy.
      const d = loadConfig({ NODE_ENV: 'development', SEED_DEMO: 'false' });
      dev = await build({ env: 'development', whatsapp: d.whatsapp, payments: d.payments, clockControl: true, trustProxy: true });
    });

    it('answers 404 to every caller that is not on this machine, whatever HOST is', async () => {
      for (const r of requests) {
        const res = await dev.app.fastify.inject({ ...r, remoteAddress: remote });
        expect(refused(res), `${r.method} ${r.url}: ${res.statusCode} ${res.body.slice(0, 200)}`).toBe(true);
        expect(res.json().error).toMatchObject({ code: 'not_found', requestId: expect.any(String) });
      }
      for (const ip of ['10.0.0.7', '192.168.1.20', '2001:db8::1', '::ffff:10.0.0.7', '128.0.0.1']) {
        expect((await dev.app.fastify.inject({ method: 'GET', url: '/dev/whatsapp/api/numbers', remoteAddress: ip })).statusCode, ip).toBe(404);
      }
      expect(dev.logs()).toContain('"event":"dev_route_refused"');
    });

    it('still serves them on loopback (IPv4, IPv6 and IPv4-mapped)', async () => {
      for (const ip of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) {
        const res = await dev.app.fastify.inject({ method: 'GET', url: '/dev/whatsapp/api/numbers', remoteAddress: ip });
        expect(res.statusCode, ip).toBe(200);
      }
      for (const r of requests) {
        const res = await dev.app.fastify.inject({ ...r, remoteAddress: '127.0.0.1' });
        // Each route answers as it does for a local caller (an unknown checkout gets its own page), never the refusal.
        expect(refused(res), `${r.method} ${r.url}: ${res.statusCode} ${res.body.slice(0, 200)}`).toBe(false);
      }
      expect((await dev.app.fastify.inject({ method: 'GET', url: '/dev/clock', remoteAddress: '127.0.0.1' })).statusCode).toBe(200);
    });

    it('cannot be laundered through a proxy on loopback, trusted or not', async () => {
      const proxied: Record<string, string>[] = [
        { 'x-forwarded-for': remote },
        // A spoofed first hop does not help: the proxy appends the real caller.
        { 'x-forwarded-for': `127.0.0.1, ${remote}` },
        { 'x-real-ip': remote },
        { forwarded: `for=${remote};proto=https` },
        { forwarded: 'for="[2001:db8::1]:4711"' },
      ];
      for (const headers of proxied) {
        const res = await dev.app.fastify.inject({ method: 'GET', url: '/dev/whatsapp/api/numbers', remoteAddress: '127.0.0.1', headers });
        expect(res.statusCode, JSON.stringify(headers)).toBe(404);
      }
      // A remote caller claiming to be local is still remote.
      expect((await dev.app.fastify.inject({ method: 'GET', url: '/dev/clock', remoteAddress: remote, headers: { 'x-forwarded-for': '127.0.0.1' } })).statusCode).toBe(404);
      // A local tool behind a local proxy still works.
      expect((await dev.app.fastify.inject({ method: 'GET', url: '/dev/clock', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '127.0.0.1' } })).statusCode).toBe(200);
    });

    it('covers a /dev route that declares nothing, so a new one cannot forget', async () => {
      const bare = Fastify();
      installHttpBasics(bare, { metrics: createMetrics(), allowedOrigins: [], secretPaths: new SecretPaths() });
      bare.get('/dev/new-tool', async () => ({ secret: 'everyone’s messages' }));
      bare.get('/elsewhere', { config: { devOnly: true } }, async () => ({ ok: true }));
      bare.get('/developer', async () => ({ ok: true }));
      await bare.ready();
      try {
        for (const url of ['/dev/new-tool', '/elsewhere']) {
          expect((await bare.inject({ url, remoteAddress: remote })).statusCode, url).toBe(404);
          expect((await bare.inject({ url, remoteAddress: '127.0.0.1' })).statusCode, url).toBe(200);
        }
        expect((await bare.inject({ method: 'HEAD', url: '/dev/new-tool', remoteAddress: remote })).statusCode).toBe(404);
        // Only the /dev/ prefix, not every path that starts with the same letters.
        expect((await bare.inject({ url: '/developer', remoteAddress: remote })).statusCode).toBe(200);
      } finally {
        await bare.close();
      }
    });

    it('isLocalCaller uses the connection and every forwarded hop', () => {
      const req = (remoteAddress: string, headers: Record<string, string> = {}) => ({ socket: { remoteAddress }, headers }) as unknown as Parameters<typeof isLocalCaller>[0];
      expect(isLocalCaller(req('127.0.0.1'))).toBe(true);
      expect(isLocalCaller(req('::1', { 'x-forwarded-for': '127.0.0.1, ::1' }))).toBe(true);
      expect(isLocalCaller(req('127.0.0.1', { 'x-forwarded-for': 'unknown' }))).toBe(false);
      expect(isLocalCaller(req('::ffff:192.0.2.1'))).toBe(false);
    });
  });

  describe('start-up warning', () => {
    it('warns loudly when development mode binds a non-loopback interface', async () => {
      const exposed = await build({ env: 'development', host: '0.0.0.0' });
      const line = exposed
        .logs()
        .split('\n')
        .find((l) => l.includes('"event":"development_mode_exposed"'));
      expect(line).toBeDefined();
      const entry = JSON.parse(line!);
      expect(['warn', 'error', 'fatal']).toContain(entry.level);
      expect(entry.host).toBe('0.0.0.0');
      expect(entry.msg).toMatch(/DEVELOPMENT MODE/);
      expect(entry.msg).toMatch(/NODE_ENV=production/);
    });

    it('says nothing on loopback, or in production', async () => {
      for (const overrides of [{ env: 'development', host: '127.0.0.1' }, { env: 'development', host: 'localhost' }, { env: 'development', host: '::1' }, { env: 'production', host: '0.0.0.0' }] as const) {
        const b = await build(overrides);
        expect(b.logs(), JSON.stringify(overrides)).not.toContain('development_mode_exposed');
      }
    });
  });

  describe('/metrics', () => {
    const token = 'metrics-token-0123456789abcdef';

    it('is not served in production without METRICS_TOKEN', async () => {
      const prod = await build({ metrics: loadConfig({ NODE_ENV: 'production', WEB_PUSH: 'false' }).metrics });
      const res = await prod.app.fastify.inject({ url: '/metrics', remoteAddress: remote });
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain('process_cpu_user_seconds_total');
    });

    it('needs the bearer token when one is set', async () => {
      const prod = await build({ metrics: loadConfig({ NODE_ENV: 'production', WEB_PUSH: 'false', METRICS_TOKEN: token }).metrics });
      for (const authorization of [undefined, 'Bearer wrong-token-wrong-token', `Basic ${token}`, `Bearer ${token}x`, 'Bearer ']) {
        const res = await prod.app.fastify.inject({ url: '/metrics', headers: authorization ? { authorization } : {} });
        expect(res.statusCode, String(authorization)).toBe(401);
        expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
        expect(res.json().error).toMatchObject({ code: 'unauthenticated', requestId: expect.any(String) });
        expect(res.body).not.toContain('process_cpu_user_seconds_total');
      }
      const ok = await prod.app.fastify.inject({ url: '/metrics', headers: { authorization: `Bearer ${token}` } });
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toContain('process_cpu_user_seconds_total');
    });
  });
});

describe('loadConfig: METRICS_TOKEN', () => {
  it('serves /metrics openly outside production only, and reads the token', () => {
    expect(loadConfig({}).metrics).toEqual({ token: undefined, open: true });
    expect(loadConfig({ NODE_ENV: 'production', WEB_PUSH: 'false' }).metrics).toEqual({ token: undefined, open: false });
    expect(loadConfig({ NODE_ENV: 'production', WEB_PUSH: 'false', METRICS_TOKEN: 'x'.repeat(16) }).metrics).toEqual({ token: 'x'.repeat(16), open: false });
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
  });
});
