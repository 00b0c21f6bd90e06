import type { FakeGraph } from '../../integrations/whatsapp';
import type { WhatsApp } from './whatsapp.service';

export type { WhatsAppFlowConfig } from './conversation';
export { WA_INBOUND_QUEUE, WA_SYSTEM_QUEUE } from './whatsapp.jobs';
export { WA_SEND_QUEUE } from './whatsapp.outbox';
export { WHATSAPP_REPORTS, type WhatsAppReports } from './whatsapp.ports';
export { createWhatsApp, type WhatsApp } from './whatsapp.service';
export { LINK_ATTEMPT_LIMITS, LINK_ATTEMPT_WINDOW_MS, LINK_CODE_TTL_MS, sameCodeHash } from './whatsapp.linking';
export { SIMULATOR_NUMBERS } from './whatsapp.simulator';
export { tutorlineTemplates } from './whatsapp.templates';
export { FAKE_GRAPH_PREFIX } from './whatsapp.install';
export { whatsappModule, type WhatsAppModuleOptions } from './whatsapp.install';

declare module 'fastify' {
  interface FastifyInstance {
    /** WhatsApp, when a provider is configured; with the simulator, its fake Graph API too. */
    whatsapp: { whatsapp: WhatsApp; fakeGraph: FakeGraph | null } | null;
  }
}
export { whatsappRollupFacts } from './whatsapp.rollups.repo';
export { createWhatsAppExport } from './whatsapp.export.repo';
export { messagesSentToUser, type SupportMessage } from './whatsapp.support.repo';
export { createWhatsAppErasure, WHATSAPP_ERASURE_RULES } from './whatsapp.erasure.repo';
export { removeOldWhatsAppJobs } from './whatsapp.retention.repo';
