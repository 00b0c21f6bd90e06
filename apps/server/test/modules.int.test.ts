import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { testConfig } from '../src/config';
import { billingModule } from '../src/modules/billing';
import { classesModule } from '../src/modules/classes';
import { connectivityModule } from '../src/modules/connectivity';
import { helpModule } from '../src/modules/help';
import { identityModule } from '../src/modules/identity';
import { ltiModule } from '../src/modules/lti';
import { recommendationsModule } from '../src/modules/recommendations';
import { auditModule } from '../src/modules/audit';
import { supportModule } from '../src/modules/support';
import { safetyModule } from '../src/modules/safety';
import { privacyModule } from '../src/modules/privacy';
import { mediaModule } from '../src/modules/media';
import { notificationsModule } from '../src/modules/notifications';
import { roomsModule } from '../src/modules/rooms';
import { schedulingModule } from '../src/modules/scheduling';
import { tutorsModule } from '../src/modules/tutors';
import { whatsappModule } from '../src/modules/whatsapp';
import { guardiansModule } from '../src/modules/guardians';
import { systemClock } from '../src/platform/clock';
import { createLogger } from '../src/platform/logger';
import { createMetrics } from '../src/platform/metrics';
import { createPlatform, type Platform } from '../src/platform/platform';
import { zodToFastJsonSerializer } from '../src/platform/serializer';
import { describeEachBackend } from './db';

const meta = (plugin: unknown) => (plugin as Record<symbol, { name: string; dependencies?: string[] }>)[Symbol.for('plugin-meta')]!;

/** In app.ts's order. */
const modules = [identityModule, auditModule, mediaModule, notificationsModule, roomsModule, helpModule, whatsappModule, connectivityModule, schedulingModule, tutorsModule, classesModule, billingModule, ltiModule, recommendationsModule, supportModule, guardiansModule, safetyModule, privacyModule];

describe('module installers declare their names and dependencies', () => {
  it('each is a fastify-plugin with a tutorline-<module> name and the modules it needs', () => {
    const declared = Object.fromEntries(modules.map((m) => [meta(m).name, (meta(m).dependencies ?? []).filter((d) => d.startsWith('tutorline-'))]));
    expect(declared).toEqual({
      'tutorline-identity': [],
      'tutorline-audit': ['tutorline-identity'],
      'tutorline-media': [],
      'tutorline-notifications': [],
      'tutorline-rooms': ['tutorline-identity', 'tutorline-media'],
      'tutorline-help': ['tutorline-identity', 'tutorline-media', 'tutorline-notifications', 'tutorline-rooms'],
      'tutorline-whatsapp': ['tutorline-identity', 'tutorline-notifications', 'tutorline-help'],
      'tutorline-connectivity': ['tutorline-identity'],
      'tutorline-scheduling': ['tutorline-identity', 'tutorline-notifications', 'tutorline-rooms'],
      'tutorline-tutors': ['tutorline-identity', 'tutorline-media'],
      'tutorline-classes': ['tutorline-identity', 'tutorline-notifications', 'tutorline-scheduling'],
      'tutorline-billing': ['tutorline-scheduling', 'tutorline-classes'],
      'tutorline-lti': ['tutorline-identity'],
      'tutorline-recommendations': ['tutorline-identity', 'tutorline-scheduling', 'tutorline-tutors', 'tutorline-classes', 'tutorline-help', 'tutorline-rooms'],
      'tutorline-support': ['tutorline-identity', 'tutorline-rooms', 'tutorline-notifications', 'tutorline-connectivity', 'tutorline-audit'],
      'tutorline-guardians': ['tutorline-identity', 'tutorline-notifications', 'tutorline-billing', 'tutorline-whatsapp', 'tutorline-scheduling', 'tutorline-rooms', 'tutorline-classes'],
      'tutorline-safety': ['tutorline-identity', 'tutorline-rooms', 'tutorline-notifications', 'tutorline-audit'],
      'tutorline-privacy': ['tutorline-identity', 'tutorline-notifications', 'tutorline-guardians', 'tutorline-media'],
    });
  });

  it('modules whose routes use cookies, rate limits or uploads declare those plugins too', () => {
    const http = Object.fromEntries(modules.map((m) => [meta(m).name, (meta(m).dependencies ?? []).filter((d) => d.startsWith('@fastify/'))]));
    expect(http).toMatchObject({
      'tutorline-identity': ['@fastify/cookie', '@fastify/rate-limit'],
      'tutorline-connectivity': ['@fastify/cookie', '@fastify/rate-limit'],
      'tutorline-tutors': ['@fastify/cookie', '@fastify/multipart'],
      'tutorline-rooms': ['@fastify/multipart'],
      'tutorline-help': ['@fastify/multipart'],
      'tutorline-classes': ['@fastify/cookie'],
      'tutorline-lti': ['@fastify/cookie', '@fastify/rate-limit'],
      'tutorline-support': ['@fastify/rate-limit'],
      'tutorline-guardians': ['@fastify/rate-limit'],
      'tutorline-safety': ['@fastify/rate-limit'],
      'tutorline-privacy': ['@fastify/cookie'],
    });
  });

  it("app.ts's order registers every module after the modules it depends on (so the graph has no cycle)", () => {
    const seen = new Set<string>();
    for (const m of modules) {
      for (const dep of (meta(m).dependencies ?? []).filter((d) => d.startsWith('tutorline-'))) expect(seen, `${meta(m).name} needs ${dep} first`).toContain(dep);
      seen.add(meta(m).name);
    }
  });
});

describeEachBackend('registering modules on the platform', ({ db }) => {
  let fastify: FastifyInstance | undefined;
  let platform: Platform | undefined;
  afterEach(async () => {
    await platform?.jobs.stop();
    await platform?.realtime.close();
    await fastify?.close().catch(() => undefined);
    fastify = platform = undefined;
  });

  /** The platform and the HTTP plugins app.ts registers before the modules. */
  async function bare() {
    fastify = Fastify();
    fastify.setValidatorCompiler(validatorCompiler);
    fastify.setSerializerCompiler(zodToFastJsonSerializer);
    platform = await createPlatform(fastify, { config: testConfig(), database: db().database, clock: systemClock, logger: createLogger('silent'), metrics: createMetrics() });
    await fastify.register(fastifyCookie);
    await fastify.register(fastifyRateLimit, { global: false });
    await fastify.register(fastifyMultipart);
    return fastify;
  }

  it('a module registered without a module it depends on fails at start, naming both', async () => {
    const app = await bare();
    await app.register(identityModule);
    await app.register(mediaModule);
    await app.register(notificationsModule);
    await expect(app.register(helpModule)).rejects.toThrow("The dependency 'tutorline-rooms' of plugin 'tutorline-help' is not registered");
  });

  it('a module registered without an HTTP plugin its routes use fails at start, naming it', async () => {
    fastify = Fastify();
    platform = await createPlatform(fastify, { config: testConfig(), database: db().database, clock: systemClock, logger: createLogger('silent'), metrics: createMetrics() });
    await expect(fastify.register(identityModule)).rejects.toThrow("The dependency '@fastify/cookie' of plugin 'tutorline-identity' is not registered");
  });

  it('a module missing the platform fails at start, naming the decorator', async () => {
    fastify = Fastify();
    await expect(fastify.register(mediaModule)).rejects.toThrow(/platform/);
  });

  it('a port nobody provides stops the start (not a request later): without safety and billing, rooms, help and scheduling cannot be ready', async () => {
    const app = await bare();
    for (const m of [identityModule, mediaModule, notificationsModule, roomsModule, helpModule, schedulingModule]) await app.register(m);
    // The first port asked for without an implementation is named (identity registers first, and asks safety to screen bios).
    await expect(app.ready()).rejects.toThrow("port 'identity.tutorBioScreen' (needed by tutorline-identity) has no implementation: register the safety module (tutorline-safety), which provides it");
  });

  it('with every module registered in order the ports are filled and each module exposes its API', async () => {
    const app = await bare();
    for (const m of modules) await app.register(m);
    await app.ready();
    expect(typeof app.identity.resolveSession).toBe('function');
    expect(typeof app.help.help.announceAvailability).toBe('function');
    expect(typeof app.scheduling.confirmHeld).toBe('function');
    expect(app.billing.payments.webhooks).toBeDefined();
    expect(typeof app.classes.access).toBe('function');
    expect(app.whatsapp).toBeNull();
    // Tutor search's "Recommended" sort reaches the recommendations module through the TUTOR_RANKING port.
    expect(typeof app.recommendations.recommendations.rankingScores).toBe('function');
    expect(typeof app.support.support.report).toBe('function');
    expect(typeof app.guardians.controls.limits.check).toBe('function');
    expect(typeof app.safety.safety.sessionsOnLegalHold).toBe('function');
    expect(typeof app.privacy?.privacy?.requestExport).toBe('function');
  });
});
