import { WHATSAPP_REPORTS, type WhatsAppReports } from './whatsapp.ports';
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { WhatsAppConfig } from '../../config';
import { createCloudMediaFetcher, createCloudSender, createGupshupMediaFetcher, createGupshupSender, type FakeGraph, fakeGraphPlugin, type MediaFetcher, type WhatsAppSender } from '../../integrations/whatsapp';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db';
import type { JobRunner } from '../../platform/jobs';
import type { Logger } from '../../platform/logger';
import type { SharedCounter } from '../../platform/rate-limit';
import { ENTITLEMENT_GRANTED } from '../billing';
import { HELP_USER_EVENT, type HelpService } from '../help';
import type { IdentityService } from '../identity';
import { createWhatsAppRepo } from './whatsapp.repo';
import { whatsappRoutes } from './whatsapp.routes';
import { linkSimulatorTutors, simulatorRoutes } from './whatsapp.simulator';
import { tutorlineTemplates } from './whatsapp.templates';
import type { WhatsAppFlowConfig } from './conversation';
import { WA_INBOUND_QUEUE, WA_SYSTEM_QUEUE } from './whatsapp.jobs';
import { WA_SEND_QUEUE } from './whatsapp.outbox';
import { createWhatsApp, type WhatsApp } from './whatsapp.service';

/** The simulator's fake Graph API is mounted here (development only). */
export const FAKE_GRAPH_PREFIX = '/dev/fake-graph';

/**
 * Wires WhatsApp into the app when a provider is configured: the adapter (Cloud API, Gupshup, or the Cloud API
 * against the in-process fake Graph for the simulator), the service, its three job queues and its routes.
 */
async function installWhatsApp(
  fastify: FastifyInstance,
  deps: {
    config: WhatsAppConfig;
    publicUrl: string;
    /** The server's signing secret (link codes are stored as HMACs under it); config requires it whenever WhatsApp is on. */
    signingSecret: string | undefined;
    db: Db;
    clock: Clock;
    logger: Logger;
    jobs: JobRunner;
    sendRate: SharedCounter;
    identity: IdentityService;
    help: HelpService;
    reports: WhatsAppReports;
    flow?: Partial<WhatsAppFlowConfig>;
    /** Draws link codes (tests force a collision); random by default. */
    drawLinkCode?: () => string;
  },
): Promise<{ whatsapp: WhatsApp; fakeGraph: FakeGraph | null } | null> {
  const { config } = deps;
  if (config.provider === 'none') return null;
  if (!deps.signingSecret) throw new Error('WhatsApp needs a signing secret (SIGNING_SECRET) for its link codes and photo links');
  const signingSecret = deps.signingSecret;
  let sender: WhatsAppSender;
  let media: MediaFetcher;
  let fakeGraph: FakeGraph | null = null;
  const templates = tutorlineTemplates(config.templates);
  if (config.gupshup) {
    const { templateIds } = config.gupshup;
    sender = createGupshupSender({ baseUrl: config.gupshup.apiUrl, apiKey: config.gupshup.apiKey, source: config.gupshup.source, appName: config.gupshup.appName, templateIds });
    const missing = templates.filter((t) => !templateIds[t.name]).map((t) => t.name);
    if (missing.length) {
      deps.logger.warn({ event: 'gupshup_templates_missing', templates: missing }, 'no Gupshup template id for these templates (GUPSHUP_TEMPLATE_*_ID): messages outside the 24-hour window will fail');
    }
    media = createGupshupMediaFetcher();
  } else {
    const cloud = config.cloud!;
    sender = createCloudSender({ baseUrl: cloud.graphUrl, phoneNumberId: cloud.phoneNumberId, accessToken: cloud.accessToken });
    media = createCloudMediaFetcher({ baseUrl: cloud.graphUrl, accessToken: cloud.accessToken, phoneNumberId: cloud.phoneNumberId });
    if (config.provider === 'simulator') {
      await fastify.register(
        async (scope) => {
          // The fake WhatsApp Business Account holds exactly Tutorline's templates: a send that does not fit fails as at Meta.
          fakeGraph = fakeGraphPlugin(scope, { phoneNumberId: cloud.phoneNumberId, accessToken: cloud.accessToken, publicBaseUrl: `${deps.publicUrl}${FAKE_GRAPH_PREFIX}`, templates, now: () => deps.clock.now() });
        },
        { prefix: FAKE_GRAPH_PREFIX },
      );
    }
  }
  const whatsapp = createWhatsApp({
    repo: createWhatsAppRepo(deps.db),
    clock: deps.clock,
    logger: deps.logger,
    config,
    ...(deps.flow ? { flow: deps.flow } : {}),
    sender,
    sendRate: deps.sendRate,
    media,
    identity: deps.identity,
    help: deps.help,
    reports: deps.reports,
    publicUrl: deps.publicUrl,
    secret: signingSecret,
    ...(deps.drawLinkCode ? { drawLinkCode: deps.drawLinkCode } : {}),
    poke: () => deps.jobs.poke(),
  });
  deps.jobs.register(WA_INBOUND_QUEUE, (payload) => whatsapp.processInbound(payload));
  deps.jobs.register(WA_SEND_QUEUE, (payload) => whatsapp.send(payload));
  deps.jobs.register(WA_SYSTEM_QUEUE, (payload) => whatsapp.processSystem(payload));
  await whatsapp.installLinkSweep(deps.jobs);
  await fastify.register(whatsappRoutes, { whatsapp, config });
  if (fakeGraph) {
    await fastify.register(simulatorRoutes, { fakeGraph, publicUrl: deps.publicUrl, clock: deps.clock, logger: deps.logger, templates });
    await linkSimulatorTutors(whatsapp, async (email) => (await deps.identity.userByEmail(email))?.id);
  }
  return { whatsapp, fakeGraph };
}

export interface WhatsAppModuleOptions {
  /** Conversation timings (tests shorten them). */
  flow?: Partial<WhatsAppFlowConfig> | undefined;
  /** Draws link codes (tests force a collision); random by default. */
  drawLinkCode?: (() => string) | undefined;
}

/**
 * WhatsApp, when a provider is configured (`fastify.whatsapp` is null otherwise): its channel joins the notification
 * outbox, and it listens to help's user events and billing's entitlement events.
 */
export const whatsappModule = fp<WhatsAppModuleOptions>(
  async (fastify, opts) => {
    const { config, db, clock, logger, jobs, events, signingSecret, counters, ports } = fastify.platform;
    const wa = await installWhatsApp(fastify, {
      config: config.whatsapp,
      publicUrl: config.publicUrl,
      signingSecret,
      db,
      clock,
      logger,
      jobs,
      sendRate: counters,
      identity: fastify.identity,
      help: fastify.help.help,
      reports: ports.late(WHATSAPP_REPORTS, 'tutorline-whatsapp'),
      ...(opts.flow ? { flow: opts.flow } : {}),
      ...(opts.drawLinkCode ? { drawLinkCode: opts.drawLinkCode } : {}),
    });
    if (wa) {
      fastify.notifications.addChannel(wa.whatsapp.channel);
      events.on(HELP_USER_EVENT, (e) => wa.whatsapp.onHelpEvent(e.userIds, e.event, e.payload));
      // A payment or plan that lets a student ask: WhatsApp sends the question it held for payment.
      events.on(ENTITLEMENT_GRANTED, (e) => wa.whatsapp.onEntitlementGranted(e));
    }
    fastify.decorate('whatsapp', wa);
  },
  { name: 'tutorline-whatsapp', fastify: '5.x', decorators: { fastify: ['platform'] }, dependencies: ['tutorline-identity', 'tutorline-notifications', 'tutorline-help'] },
);
