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
import { readMetaFormat } from './meta-format';
import { type OutboundMessage, OutboundMessageError, SendError, validateOutboundMessage, type WebhookBatch, type WhatsAppSender } from './types';

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

/**
 * Turns one webhook POST body into events and the items it could not read (meta-format.ts): one malformed message
 * in a batch never refuses the rest; a body that is not a Cloud API envelope throws WebhookPayloadError (answer 400).
 */
export function parseWebhook(body: unknown): WebhookBatch {
  return readMetaFormat(body, 'cloud');
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
