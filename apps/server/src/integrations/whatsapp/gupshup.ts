import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import {
  DEFAULT_MEDIA_MAX_BYTES,
  DEFAULT_TIMEOUT_MS,
  e164Digits,
  type FetchLike,
  fetchWithTimeout,
  httpError,
  parseJson,
  readCapped,
  readText,
} from './http';
import { cleanJson } from '../../platform/clean-text';
import { isMetaFormat, issuesOf, readMetaFormat } from './meta-format';
import {
  type DeliveryStatus,
  type InboundEvent,
  type InboundMessage,
  MediaError,
  type MediaFetcher,
  type OutboundMessage,
  OutboundMessageError,
  SendError,
  validateOutboundMessage,
  type WebhookBatch,
  WebhookPayloadError,
  type WhatsAppSender,
} from './types';

/**
 * Gupshup adapter: callbacks in the self-serve "v2" format and the v3 ("Meta format") one, and the v2 send API.
 * Wire formats follow shared/fixtures/gupshup/SPEC-gupshup.md (copied to ./fixtures).
 */

// ---------------------------------------------------------------- caller check

/** Gupshup's published callback source addresses (SPEC §4, G9; the last four added 2026-04-15). */
export const GUPSHUP_CALLBACK_IPS: readonly string[] = [
  '34.202.224.208', '52.66.99.126', '15.206.217.7', '13.126.35.181', '3.6.228.131', '13.232.173.180', '13.127.57.130',
  '13.234.143.231', '3.7.115.196', '13.232.49.3', '18.193.1.225', '3.68.131.220', '63.176.209.228', '63.183.31.123',
];

/**
 * Gupshup signs nothing (SPEC §4: no HMAC header exists; its only control is IP allow-listing), so the
 * callback URL we register carries an unguessable secret token, and the route must refuse any request
 * without it. The IP allow-list is an optional second check: pass `allowedIps` (e.g. GUPSHUP_CALLBACK_IPS)
 * only where the client address is trustworthy (directly exposed, or a proxy that sets it).
 */
export function verifyCaller(
  caller: { token: string | undefined; ip?: string | undefined },
  opts: { secretToken: string; allowedIps?: readonly string[] },
): boolean {
  if (!opts.secretToken || !caller.token) return false;
  const a = createHash('sha256').update(caller.token).digest();
  const b = createHash('sha256').update(opts.secretToken).digest();
  if (!timingSafeEqual(a, b)) return false;
  if (!opts.allowedIps) return true;
  const ip = caller.ip?.replace(/^::ffff:/, '');
  return ip !== undefined && opts.allowedIps.includes(ip);
}

// ---------------------------------------------------------------- webhook parsing

const epochMs = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);

const envelope = z.object({ type: z.string(), timestamp: epochMs, payload: z.unknown() });

/** A provider's message id or a sender: printable ASCII, so it can key the inbox (text) whatever arrived. */
const providerId = z.string().regex(/^[\x21-\x7e]{1,256}$/, 'must be 1 to 256 printable ASCII characters');

const messagePayload = z.object({
  id: providerId,
  source: z.string().regex(/^\+?[\x21-\x7e]{1,64}$/, 'must be a phone number or user id'),
  type: z.string().min(1),
  payload: z.unknown(),
  sender: z.object({ phone: z.string().optional(), name: z.string().optional() }).optional(),
  context: z.object({ id: z.string().optional(), gsId: z.string().optional() }).optional(),
});

const eventPayload = z.object({
  id: providerId,
  gsId: providerId.optional(),
  type: z.string(),
  destination: z.string(),
  payload: z
    .object({ ts: epochMs.optional(), code: z.union([z.number(), z.string()]).optional(), reason: z.string().optional() })
    .optional(),
});

const textContent = z.object({ text: z.string() });
const imageContent = z.object({ url: z.string().min(1), contentType: z.string().optional(), caption: z.string().optional() });
const replyContent = z.object({ title: z.string(), id: z.string().optional(), postbackText: z.string().optional() });
// A tap on a template's quick-reply button: its text, and the postbackText the send gave it.
const quickReplyContent = z.object({ text: z.string(), postbackText: z.string().optional() });

const STATUS_OF: Record<string, DeliveryStatus> = { sent: 'sent', delivered: 'delivered', read: 'read', failed: 'failed' };

/**
 * One callback body → events, and what could not be read. Apps on Gupshup's v3 ("Meta format") callbacks get Meta's
 * Cloud API shape plus `gs_app_id` (SPEC §3): read by meta-format.ts, statuses keyed by `gs_id`. Otherwise the v2
 * format, one event per callback:
 * - 'message' → a message event; types we do not handle become 'unsupported'.
 * - 'message-event' → a status keyed by the Gupshup message id (send()'s providerMessageId): for
 *   sent/delivered/read/async-failed that is `gsId` (their `id` is the WhatsApp id), for sync-failed it is `id`.
 *   'enqueued' yields nothing: it only repeats that Gupshup accepted the request (which send() already
 *   knew from its 2xx); WhatsApp's own 'sent' follows. 'deleted', 'mismatch' and other ad-hoc events are ignored.
 * - user-event, billing-event, system-event, platform-event and other types yield nothing.
 * A malformed message or message-event is reported in `skipped` (Gupshup would redeliver a refused one for ever); only
 * a body that is neither format throws WebhookPayloadError. Every string in the events is cleaned for storage.
 */
export function parseWebhook(body: unknown): WebhookBatch {
  if (isMetaFormat(body)) return readMetaFormat(body, 'gupshup');
  const parsed = envelope.safeParse(body);
  if (!parsed.success) {
    const issues = issuesOf(parsed.error);
    throw new WebhookPayloadError(`Not a Gupshup callback: ${issues.join('; ')}`, issues);
  }
  const env = parsed.data;
  const receivedAt = new Date(env.timestamp);
  const batch = (event: InboundEvent | null): WebhookBatch => ({ events: event ? [cleanJson(event)] : [], skipped: [] });
  const skip = (error: z.ZodError): WebhookBatch => ({ events: [], skipped: [{ where: 'payload', reason: issuesOf(error).join('; ') }] });
  if (env.type === 'message') {
    const m = messagePayload.safeParse(env.payload);
    if (!m.success) return skip(m.error);
    const p = m.data;
    return batch({
      kind: 'message',
      provider: 'gupshup',
      id: p.id,
      from: p.source.replace(/^\+/, ''),
      profileName: p.sender?.name ?? null,
      at: receivedAt,
      message: toInboundMessage(p.type, p.payload, p.context?.gsId ?? p.context?.id ?? null),
    });
  }
  if (env.type === 'message-event') {
    const e = eventPayload.safeParse(env.payload);
    if (!e.success) return skip(e.error);
    const p = e.data;
    const status = STATUS_OF[p.type];
    if (!status) return batch(null);
    const ts = p.payload?.ts;
    return batch({
      kind: 'status',
      provider: 'gupshup',
      id: p.gsId ?? p.id,
      status,
      // payload.ts is WhatsApp's time in seconds; the envelope's is when Gupshup relayed it (ms).
      at: ts !== undefined ? new Date(ts * 1000) : receivedAt,
      recipient: p.destination,
      error: status === 'failed' ? { code: toCode(p.payload?.code), title: p.payload?.reason ?? 'Unknown error' } : null,
    });
  }
  return batch(null);
}

function toInboundMessage(type: string, content: unknown, contextId: string | null): InboundMessage {
  const unsupported = { type: 'unsupported', originalType: type } as const;
  if (type === 'text') {
    const p = textContent.safeParse(content);
    return p.success ? { type: 'text', text: p.data.text } : unsupported;
  }
  if (type === 'image') {
    const p = imageContent.safeParse(content);
    return p.success ? { type: 'image', mediaUrl: p.data.url, mimeType: p.data.contentType ?? null, caption: p.data.caption ?? null } : unsupported;
  }
  if (type === 'quick_reply') {
    const p = quickReplyContent.safeParse(content);
    if (!p.success) return unsupported;
    return { type: 'button', replyId: p.data.postbackText ?? p.data.text, title: p.data.text, contextId };
  }
  if (type === 'button_reply' || type === 'list_reply') {
    const p = replyContent.safeParse(content);
    // Gupshup echoes the option's postbackText (where we put our id) rather than an option id.
    const replyId = p.success ? (p.data.postbackText ?? p.data.id) : undefined;
    if (!p.success || !replyId) return unsupported;
    return { type: type === 'button_reply' ? 'button' : 'list', replyId, title: p.data.title, contextId };
  }
  return unsupported;
}

function toCode(code: number | string | undefined): number | null {
  const n = Number(code);
  return code !== undefined && Number.isInteger(n) ? n : null;
}

// ---------------------------------------------------------------- sending

/** The `message` form field (a JSON string in Gupshup's API) for a session message. */
export function toGupshupMessage(message: Exclude<OutboundMessage, { type: 'template' }>, idempotencyKey: string): Record<string, unknown> {
  switch (message.type) {
    case 'text':
      return { type: 'text', text: message.text, previewUrl: message.previewUrl ?? false };
    case 'image':
      // Gupshup wants a thumbnail URL too; the image itself serves.
      return { type: 'image', originalUrl: message.link, previewUrl: message.link, ...(message.caption !== undefined ? { caption: message.caption } : {}) };
    case 'buttons':
      return {
        type: 'quick_reply',
        msgid: idempotencyKey,
        content: {
          type: 'text',
          ...(message.header !== undefined ? { header: message.header } : {}),
          text: message.body,
          ...(message.footer !== undefined ? { caption: message.footer } : {}),
        },
        options: message.buttons.map((b) => ({ type: 'text', title: b.title, postbackText: b.id })),
      };
    case 'list':
      return {
        type: 'list',
        title: message.header ?? '',
        body: message.body,
        ...(message.footer !== undefined ? { footer: message.footer } : {}),
        msgid: idempotencyKey,
        globalButtons: [{ type: 'text', title: message.button }],
        items: message.sections.map((s) => ({
          title: s.title,
          subtitle: s.title,
          options: s.rows.map((r) => ({
            type: 'text',
            title: r.title,
            ...(r.description !== undefined ? { description: r.description } : {}),
            postbackText: r.id,
          })),
        })),
      };
  }
}

export interface GupshupSenderOptions {
  /** e.g. https://api.gupshup.io/wa/api/v1 */
  baseUrl: string;
  apiKey: string;
  /** Our registered business number (E.164 digits). */
  source: string;
  appName: string;
  /**
   * Gupshup sends templates by its own template id, not by name. Map `name:language` (or just `name`) to that id
   * (GUPSHUP_TEMPLATE_*_ID); they then go to `${baseUrl}/template/msg` (fixtures/gupshup/outbound/send-template.json).
   */
  templateIds?: Readonly<Record<string, string>>;
  timeoutMs?: number;
  fetch?: FetchLike;
}

const submitted = z.object({ status: z.literal('submitted'), messageId: z.string().min(1) });
const errorBody = z.object({ status: z.string().optional(), message: z.string().optional() });

/**
 * Gupshup has no idempotency key either: the key goes into msgid for interactive messages, and
 * at-most-once comes from our outbox, as for the Cloud API.
 */
export function createGupshupSender(opts: GupshupSenderOptions): WhatsAppSender {
  const fetchImpl = opts.fetch ?? fetch;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');

  async function post(path: string, form: URLSearchParams): Promise<{ providerMessageId: string }> {
    const res = await fetchWithTimeout(
      fetchImpl,
      `${baseUrl}${path}`,
      {
        method: 'POST',
        headers: { apikey: opts.apiKey, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
      },
      timeoutMs,
      SendError,
    );
    // Documented Content-Type is text/html even though the body is JSON.
    const json = parseJson(await readText(res));
    if (!res.ok) {
      const e = errorBody.safeParse(json);
      const reason = e.success ? e.data.message : undefined;
      throw httpError(SendError, res, reason ?? null, reason ? `Gupshup ${res.status}: ${reason}` : `Gupshup answered ${res.status}`);
    }
    const ok = submitted.safeParse(json);
    if (ok.success) return { providerMessageId: ok.data.messageId };
    const e = errorBody.safeParse(json);
    const reason = e.success ? e.data.message : undefined;
    // A 2xx we cannot read may still have been accepted: never retry it.
    throw new SendError({ status: res.status, retryable: false, code: reason ?? 'bad_response', message: `Gupshup did not submit the message${reason ? `: ${reason}` : ''}` });
  }

  return {
    async send(to, message, idempotencyKey) {
      try {
        validateOutboundMessage(message);
      } catch (err) {
        if (err instanceof OutboundMessageError) throw new SendError({ status: null, retryable: false, code: 'invalid_message', message: err.message });
        throw err;
      }
      const destination = e164Digits(to);
      const source = e164Digits(opts.source);
      if (message.type === 'template') {
        const templateId = opts.templateIds?.[`${message.name}:${message.language}`] ?? opts.templateIds?.[message.name];
        if (!templateId) {
          throw new SendError({ status: null, retryable: false, code: 'template_not_configured', message: `No Gupshup template id configured for ${message.name} (${message.language})` });
        }
        const form = new URLSearchParams({ channel: 'whatsapp', source, destination, 'src.name': opts.appName });
        form.set('template', JSON.stringify({ id: templateId, params: message.bodyParams }));
        // An IMAGE header's picture goes in `message`; quick-reply payloads in `postbackTexts`, by button index (from 0),
        // and come back as a `quick_reply` message whose postbackText is the payload.
        if (message.headerImageLink) form.set('message', JSON.stringify({ type: 'image', image: { link: message.headerImageLink } }));
        if (message.quickReplyPayloads?.length) form.set('postbackTexts', JSON.stringify(message.quickReplyPayloads.map((text, index) => ({ index, text }))));
        return post('/template/msg', form);
      }
      const form = new URLSearchParams({ channel: 'whatsapp', source, destination, 'src.name': opts.appName });
      form.set('message', JSON.stringify(toGupshupMessage(message, idempotencyKey)));
      return post('/msg', form);
    },
  };
}

/** Gupshup's inbound media URLs are self-authorising (and expire at urlExpiry): a plain GET. */
export function createGupshupMediaFetcher(opts: { timeoutMs?: number; maxBytes?: number; fetch?: FetchLike } = {}): MediaFetcher {
  const fetchImpl = opts.fetch ?? fetch;
  const maxBytes = opts.maxBytes ?? DEFAULT_MEDIA_MAX_BYTES;
  return {
    async download(ref) {
      if (!ref.mediaUrl) throw new MediaError({ status: null, retryable: false, code: 'no_reference', message: 'Gupshup media needs a mediaUrl' });
      const res = await fetchWithTimeout(fetchImpl, ref.mediaUrl, {}, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, MediaError);
      if (!res.ok) {
        await res.body?.cancel();
        throw httpError(MediaError, res, null, `Media download failed with ${res.status}`);
      }
      const data = await readCapped(res, maxBytes);
      return { data, mimeType: res.headers.get('content-type')?.split(';')[0]?.trim() || null };
    },
  };
}
