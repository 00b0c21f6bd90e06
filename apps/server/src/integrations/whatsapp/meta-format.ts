import { z } from 'zod';
import { cleanJson } from '../../platform/clean-text';
import { type DeliveryStatus, type InboundEvent, type InboundMessage, type SkippedItem, type WebhookBatch, WebhookPayloadError, type WhatsAppProvider } from './types';

/**
 * Meta's Cloud API webhook format (`object`, `entry[].changes[].value.messages[]/statuses[]`), read for two providers:
 * Meta itself, and Gupshup's v3 callbacks, which are the same shape plus `gs_app_id` and each status's `gs_id`
 * (Gupshup's own message id, the one its send API returned). Wire formats: fixtures/whatsapp-cloud and
 * fixtures/gupshup (SPEC §3).
 */

/** A provider's message id or a sender: printable ASCII, so it can key the inbox (text) whatever arrived. */
const providerId = z.string().regex(/^[\x21-\x7e]{1,256}$/, 'must be 1 to 256 printable ASCII characters');

/** Unix time in seconds (Meta), or in seconds or milliseconds (Gupshup: "s or ms"); 1e11 s would be the year 5138. */
const unixTime = z
  .union([z.string().regex(/^\d+$/), z.number().int().nonnegative()])
  .transform((t) => Number(t))
  .transform((t) => new Date(t >= 1e11 ? t : t * 1000));

const messageBase = z.object({
  from: providerId,
  id: providerId,
  timestamp: unixTime,
  type: z.string().min(1),
  context: z.object({ id: z.string().optional(), gs_id: z.string().optional() }).loose().optional(),
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
  id: providerId,
  gs_id: providerId.optional(),
  status: z.string(),
  timestamp: unixTime,
  recipient_id: z.string(),
  errors: z.array(z.object({ code: z.number().nullish(), title: z.string().nullish(), message: z.string().nullish() })).optional(),
});

const contactsSchema = z.array(z.object({ wa_id: z.string().optional(), profile: z.object({ name: z.string().optional() }).optional() }));

const messagesValue = z.object({
  contacts: z.unknown().optional(),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
});

const envelope = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(z.object({ id: z.string().optional(), changes: z.array(z.object({ field: z.string(), value: z.unknown() })) })),
});

const KNOWN_STATUSES: readonly string[] = ['sent', 'delivered', 'read', 'failed'] satisfies DeliveryStatus[];

/** True for a body in Meta's format (how a Gupshup v3 callback is told from a v2 one). */
export function isMetaFormat(body: unknown): boolean {
  return !!body && typeof body === 'object' && ((body as { object?: unknown }).object === 'whatsapp_business_account' || Array.isArray((body as { entry?: unknown }).entry));
}

/**
 * One webhook body → its events, in payload order, and what could not be read. Batched bodies are handled whole
 * (entry[] × changes[] × messages[]/statuses[]); changes for other fields (template updates, Gupshup's
 * platform-event) are skipped silently. A message or status that is malformed is reported in `skipped` and the rest
 * kept, so one bad item never makes the provider redeliver the batch; a message of a type we do not handle becomes
 * 'unsupported'. Only a body that is not this format at all throws WebhookPayloadError (answer 400).
 * Statuses other than sent/delivered/read/failed ('played', Gupshup's 'enqueued') are dropped. Every string in the
 * events is cleaned for storage (platform/clean-text.ts).
 */
export function readMetaFormat(body: unknown, provider: WhatsAppProvider): WebhookBatch {
  const parsed = envelope.safeParse(body);
  if (!parsed.success) {
    const issues = issuesOf(parsed.error);
    throw new WebhookPayloadError(`Not a WhatsApp Cloud webhook envelope: ${issues.join('; ')}`, issues);
  }
  const events: InboundEvent[] = [];
  const skipped: SkippedItem[] = [];
  const skip = (where: string, error: z.ZodError) => skipped.push({ where, reason: issuesOf(error).join('; ') });
  parsed.data.entry.forEach((entry, i) => {
    entry.changes.forEach((change, j) => {
      if (change.field !== 'messages') return;
      const at = `entry[${i}].changes[${j}].value`;
      const value = messagesValue.safeParse(change.value);
      if (!value.success) return skip(at, value.error);
      const contacts = contactsSchema.safeParse(value.data.contacts);
      const known = contacts.success ? contacts.data : [];
      value.data.messages?.forEach((raw, k) => {
        const m = messageBase.safeParse(raw);
        if (!m.success) return skip(`${at}.messages[${k}]`, m.error);
        const contact = known.find((c) => c.wa_id === m.data.from) ?? known[0];
        // Gupshup's context names its own id of the message replied to as well; send() knows that one.
        const contextId = (provider === 'gupshup' ? m.data.context?.gs_id : undefined) ?? m.data.context?.id ?? null;
        events.push({
          kind: 'message',
          provider,
          id: m.data.id,
          from: m.data.from,
          profileName: contact?.profile?.name ?? null,
          at: m.data.timestamp,
          message: toInboundMessage(m.data.type, raw, contextId),
        });
      });
      value.data.statuses?.forEach((raw, k) => {
        const s = statusSchema.safeParse(raw);
        if (!s.success) return skip(`${at}.statuses[${k}]`, s.error);
        if (!KNOWN_STATUSES.includes(s.data.status)) return;
        const first = s.data.errors?.[0];
        events.push({
          kind: 'status',
          provider,
          // Statuses are matched to what send() returned: Meta's wamid, or Gupshup's own id (gs_id, absent after a week).
          id: (provider === 'gupshup' ? s.data.gs_id : undefined) ?? s.data.id,
          status: s.data.status as DeliveryStatus,
          at: s.data.timestamp,
          recipient: s.data.recipient_id,
          error: first ? { code: first.code ?? null, title: first.title ?? first.message ?? 'Unknown error' } : s.data.status === 'failed' ? { code: null, title: 'Unknown error' } : null,
        });
      });
    });
  });
  return { events: events.map((e) => cleanJson(e)), skipped };
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

/** Paths and zod's words only: never the values (they may be phone numbers). */
export function issuesOf(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
}
