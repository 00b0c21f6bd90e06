import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import {
  DEFAULT_TIMEOUT_MS,
  e164Digits,
  type FetchLike,
  fetchWithTimeout,
  httpError,
  parseJson,
  readText,
} from './http';
import {
  type DeliveryStatus,
  type InboundEvent,
  type InboundMessage,
  type OutboundMessage,
  OutboundMessageError,
  SendError,
  validateOutboundMessage,
  WebhookPayloadError,
  type WhatsAppSender,
} from './types';

/**
 * Meta WhatsApp Cloud API adapter: webhook verification and parsing, and the send API.
 * Wire formats follow shared/fixtures/whatsapp-cloud/SPEC-whatsapp-cloud.md (copied to ./fixtures).
 */

// ---------------------------------------------------------------- webhook authenticity

const SIGNATURE_HEADER = /^sha256=([0-9a-f]{64})$/;

/**
 * X-Hub-Signature-256 = "sha256=" + lowercase hex HMAC-SHA256(app secret, raw body bytes).
 * Pass the body exactly as received: re-serialised JSON hashes differently.
 */
export function verifySignature(rawBody: Buffer, header: string | undefined, appSecret: string): boolean {
  if (!header || !appSecret) return false;
  const match = SIGNATURE_HEADER.exec(header);
  if (!match) return false;
  const given = Buffer.from(match[1]!, 'hex');
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The GET handshake: answer with the challenge only for mode=subscribe and our verify token. */
export function verifyChallenge(query: Record<string, unknown>, verifyToken: string): string | null {
  const mode = query['hub.mode'];
  const token = query['hub.verify_token'];
  const challenge = query['hub.challenge'];
  if (mode !== 'subscribe' || typeof token !== 'string' || typeof challenge !== 'string' || challenge === '' || !verifyToken) return null;
  // Compare digests so the comparison is constant-time whatever the lengths.
  const a = createHash('sha256').update(token).digest();
  const b = createHash('sha256').update(verifyToken).digest();
  return timingSafeEqual(a, b) ? challenge : null;
}

// ---------------------------------------------------------------- webhook parsing

const unixSeconds = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform((s) => new Date(Number(s) * 1000));

const messageBase = z.object({
  from: z.string().min(1),
  id: z.string().min(1),
  timestamp: unixSeconds,
  type: z.string().min(1),
  context: z.object({ id: z.string().optional() }).loose().optional(),
});

const textContent = z.object({ text: z.object({ body: z.string() }) });
const imageContent = z.object({
  image: z.object({ id: z.string().optional(), url: z.string().optional(), mime_type: z.string().optional(), caption: z.string().optional() }),
});
const reply = z.object({ id: z.string(), title: z.string() });
// A quick-reply button of a template: Cloud sends its payload back as a message of type "button".
const templateButtonContent = z.object({ button: z.object({ payload: z.string().optional(), text: z.string() }) });
const interactiveContent = z.object({
  interactive: z.discriminatedUnion('type', [
    z.object({ type: z.literal('button_reply'), button_reply: reply }),
    z.object({ type: z.literal('list_reply'), list_reply: reply }),
  ]),
});

const statusSchema = z.object({
  id: z.string().min(1),
  status: z.string(),
  timestamp: unixSeconds,
  recipient_id: z.string(),
  errors: z.array(z.object({ code: z.number().nullish(), title: z.string().nullish(), message: z.string().nullish() })).optional(),
});

const messagesValue = z.object({
  contacts: z.array(z.object({ wa_id: z.string().optional(), profile: z.object({ name: z.string().optional() }).optional() })).optional(),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(statusSchema).optional(),
});

const envelope = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(z.object({ id: z.string().optional(), changes: z.array(z.object({ field: z.string(), value: z.unknown() })) })),
});

const KNOWN_STATUSES: readonly string[] = ['sent', 'delivered', 'read', 'failed'] satisfies DeliveryStatus[];

/**
 * Turns one webhook POST body into events, in payload order. Batched bodies are handled whole
 * (entry[] × changes[] × messages[]/statuses[]); changes for other fields are skipped.
 * A message of a type we do not handle (or whose content is malformed) becomes 'unsupported' rather
 * than failing the batch; a malformed envelope throws WebhookPayloadError (answer 400).
 * Statuses other than sent/delivered/read/failed (e.g. 'played' for voice) are dropped.
 */
export function parseWebhook(body: unknown): InboundEvent[] {
  const env = parseOrThrow(envelope, body, 'Not a WhatsApp Cloud webhook envelope');
  const events: InboundEvent[] = [];
  for (const entry of env.entry) {
    for (const change of entry.changes) {
      if (change.field !== 'messages') continue;
      const value = parseOrThrow(messagesValue, change.value, 'Malformed "messages" change');
      for (const raw of value.messages ?? []) {
        const m = parseOrThrow(messageBase, raw, 'Malformed message');
        const contact = value.contacts?.find((c) => c.wa_id === m.from) ?? value.contacts?.[0];
        events.push({
          kind: 'message',
          provider: 'cloud',
          id: m.id,
          from: m.from,
          profileName: contact?.profile?.name ?? null,
          at: m.timestamp,
          message: toInboundMessage(m.type, raw, m.context?.id ?? null),
        });
      }
      for (const s of value.statuses ?? []) {
        if (!KNOWN_STATUSES.includes(s.status)) continue;
        const first = s.errors?.[0];
        events.push({
          kind: 'status',
          provider: 'cloud',
          id: s.id,
          status: s.status as DeliveryStatus,
          at: s.timestamp,
          recipient: s.recipient_id,
          error: first ? { code: first.code ?? null, title: first.title ?? first.message ?? 'Unknown error' } : s.status === 'failed' ? { code: null, title: 'Unknown error' } : null,
        });
      }
    }
  }
  return events;
}

function toInboundMessage(type: string, raw: unknown, contextId: string | null): InboundMessage {
  const unsupported = { type: 'unsupported', originalType: type } as const;
  if (type === 'text') {
    const p = textContent.safeParse(raw);
    return p.success ? { type: 'text', text: p.data.text.body } : unsupported;
  }
  if (type === 'image') {
    const p = imageContent.safeParse(raw);
    if (!p.success || (!p.data.image.id && !p.data.image.url)) return unsupported;
    const { id, url, mime_type, caption } = p.data.image;
    return { type: 'image', ...(id ? { mediaId: id } : {}), ...(url ? { mediaUrl: url } : {}), mimeType: mime_type ?? null, caption: caption ?? null };
  }
  if (type === 'button') {
    const p = templateButtonContent.safeParse(raw);
    if (!p.success) return unsupported;
    return { type: 'button', replyId: p.data.button.payload ?? p.data.button.text, title: p.data.button.text, contextId };
  }
  if (type === 'interactive') {
    const p = interactiveContent.safeParse(raw);
    if (!p.success) return { type: 'unsupported', originalType: interactiveType(raw) };
    const i = p.data.interactive;
    const r = i.type === 'button_reply' ? i.button_reply : i.list_reply;
    return { type: i.type === 'button_reply' ? 'button' : 'list', replyId: r.id, title: r.title, contextId };
  }
  return unsupported;
}

// e.g. 'interactive:nfm_reply' (a Flow response), so the log says which kind we ignored.
function interactiveType(raw: unknown): string {
  const t = (raw as { interactive?: { type?: unknown } }).interactive?.type;
  return typeof t === 'string' ? `interactive:${t}` : 'interactive';
}

function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new WebhookPayloadError(`${what}: ${issues.join('; ')}`, issues);
  }
  return parsed.data;
}

// ---------------------------------------------------------------- sending

/** The JSON body of POST /{phone-number-id}/messages for one outbound message. */
export function toCloudRequestBody(to: string, message: OutboundMessage, idempotencyKey: string): Record<string, unknown> {
  const base = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    // With the '+', Meta reads the number as international; without it, it prepends our business number's country code.
    to: `+${e164Digits(to)}`,
    // Echoed back on every status webhook for this message: lets us correlate even if the send response was lost.
    biz_opaque_callback_data: idempotencyKey,
  };
  switch (message.type) {
    case 'text':
      return { ...base, type: 'text', text: { ...(message.previewUrl !== undefined ? { preview_url: message.previewUrl } : {}), body: message.text } };
    case 'image':
      return { ...base, type: 'image', image: { link: message.link, ...(message.caption !== undefined ? { caption: message.caption } : {}) } };
    case 'buttons':
      return {
        ...base,
        type: 'interactive',
        interactive: {
          type: 'button',
          ...textHeader(message.header),
          body: { text: message.body },
          ...(message.footer !== undefined ? { footer: { text: message.footer } } : {}),
          action: { buttons: message.buttons.map((b) => ({ type: 'reply', reply: { id: b.id, title: b.title } })) },
        },
      };
    case 'list':
      return {
        ...base,
        type: 'interactive',
        interactive: {
          type: 'list',
          ...textHeader(message.header),
          body: { text: message.body },
          ...(message.footer !== undefined ? { footer: { text: message.footer } } : {}),
          action: {
            button: message.button,
            sections: message.sections.map((s) => ({
              title: s.title,
              rows: s.rows.map((r) => ({ id: r.id, title: r.title, ...(r.description !== undefined ? { description: r.description } : {}) })),
            })),
          },
        },
      };
    case 'template': {
      const components: Record<string, unknown>[] = [];
      if (message.headerImageLink !== undefined) {
        components.push({ type: 'header', parameters: [{ type: 'image', image: { link: message.headerImageLink } }] });
      }
      if (message.bodyParams.length > 0) {
        components.push({ type: 'body', parameters: message.bodyParams.map((text) => ({ type: 'text', text })) });
      }
      (message.quickReplyPayloads ?? []).forEach((payload, index) => {
        components.push({ type: 'button', sub_type: 'quick_reply', index: String(index), parameters: [{ type: 'payload', payload }] });
      });
      return {
        ...base,
        type: 'template',
        template: { name: message.name, language: { policy: 'deterministic', code: message.language }, components },
      };
    }
  }
}

function textHeader(header: string | undefined) {
  return header !== undefined ? { header: { type: 'text', text: header } } : {};
}

const sendResponse = z.object({ messages: z.array(z.object({ id: z.string().min(1) })).min(1) });
const graphErrorBody = z.object({
  error: z.object({ message: z.string().optional(), code: z.number().optional(), error_subcode: z.number().optional(), error_data: z.object({ details: z.string().optional() }).loose().optional() }).loose(),
});

export interface CloudSenderOptions {
  /** e.g. https://graph.facebook.com/v21.0 */
  baseUrl: string;
  phoneNumberId: string;
  accessToken: string;
  timeoutMs?: number;
  fetch?: FetchLike;
}

/**
 * Meta offers no idempotency for sends, so a retry after a timeout can deliver twice. At-most-once
 * comes from our outbox (one row per idempotency key, retried only on retryable errors); the key also
 * rides along as biz_opaque_callback_data (echoed on status webhooks) and as an Idempotency-Key header,
 * which Meta ignores but which makes requests traceable in our own logs and fakes.
 */
export function createCloudSender(opts: CloudSenderOptions): WhatsAppSender {
  const fetchImpl = opts.fetch ?? fetch;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const url = `${opts.baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(opts.phoneNumberId)}/messages`;
  return {
    async send(to, message, idempotencyKey) {
      try {
        validateOutboundMessage(message);
      } catch (err) {
        if (err instanceof OutboundMessageError) throw new SendError({ status: null, retryable: false, code: 'invalid_message', message: err.message });
        throw err;
      }
      const body = toCloudRequestBody(to, message, idempotencyKey);
      const res = await fetchWithTimeout(
        fetchImpl,
        url,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${opts.accessToken}`, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
          body: JSON.stringify(body),
        },
        timeoutMs,
        SendError,
      );
      const json = parseJson(await readText(res));
      if (!res.ok) throw graphError(res, json);
      const parsed = sendResponse.safeParse(json);
      // Accepted but unreadable: retrying could send twice, so do not.
      if (!parsed.success) throw new SendError({ status: res.status, retryable: false, code: 'bad_response', message: 'Graph accepted the message but its response had no message id' });
      return { providerMessageId: parsed.data.messages[0]!.id };
    },
  };
}

export function graphError(res: Response, json: unknown): SendError {
  const parsed = graphErrorBody.safeParse(json);
  const e = parsed.success ? parsed.data.error : undefined;
  const detail = e?.error_data?.details;
  const message = e?.message ? `Graph ${res.status}: ${e.message}${detail ? ` (${detail})` : ''}` : `Graph answered ${res.status}`;
  return httpError(SendError, res, e?.code ?? null, message);
}
