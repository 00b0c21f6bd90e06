export {
  type DeliveryStatus,
  type InboundEvent,
  type InboundMessage,
  MediaError,
  type MediaFetcher,
  type MediaRef,
  type OutboundMessage,
  OutboundMessageError,
  ProviderError,
  SendError,
  type SkippedItem,
  validateOutboundMessage,
  type WebhookBatch,
  WebhookPayloadError,
  type WhatsAppProvider,
  type WhatsAppSender,
} from './types';
export {
  type CloudSenderOptions,
  createCloudSender,
  parseWebhook as parseCloudWebhook,
  toCloudRequestBody,
  verifyChallenge as verifyCloudChallenge,
  verifySignature as verifyCloudSignature,
} from './cloud';
export { type CloudMediaFetcherOptions, createCloudMediaFetcher } from './cloud-media';
export {
  createGupshupMediaFetcher,
  createGupshupSender,
  GUPSHUP_CALLBACK_IPS,
  type GupshupSenderOptions,
  parseWebhook as parseGupshupWebhook,
  verifyCaller as verifyGupshupCaller,
} from './gupshup';
export { type FakeGraph, type FakeGraphFailure, type FakeGraphOptions, fakeGraphPlugin, type FakeGraphSent } from './fake-graph';
export { bodyParamCount, type RenderedTemplate, renderTemplate, type TemplateDefinition, templateFromCloud, type TemplateMessage, templateParam, templateProblems } from './templates';
export { cloudMessagesPayload, cloudSignature, cloudStatusesPayload, newWamid, type SimulatedInbound, type SimulatedMessage } from './cloud-payloads';
