import { z } from 'zod';

/**
 * The provider-neutral WhatsApp model. Everything outside this folder speaks only these types;
 * cloud.ts and gupshup.ts translate to and from each provider's wire format.
 */
export type WhatsAppProvider = 'cloud' | 'gupshup';

export type InboundMessage =
  | { type: 'text'; text: string }
  | { type: 'image'; mediaId?: string; mediaUrl?: string; mimeType: string | null; caption: string | null }
  | { type: 'button'; replyId: string; title: string; contextId: string | null }
  | { type: 'list'; replyId: string; title: string; contextId: string | null }
  | { type: 'unsupported'; originalType: string };

export type DeliveryStatus = 'sent' | 'delivered' | 'read' | 'failed';

export type InboundEvent =
  | {
      kind: 'message';
      provider: WhatsAppProvider;
      /** Cloud: the wamid. Gupshup: its message id. Dedupe on this (webhooks are retried). */
      id: string;
      /** E.164 digits without '+'. */
      from: string;
      profileName: string | null;
      at: Date;
      message: InboundMessage;
    }
  | {
      kind: 'status';
      provider: WhatsAppProvider;
      /** The id that send() returned for the outbound message. */
      id: string;
      status: DeliveryStatus;
      at: Date;
      recipient: string;
      error: { code: number | null; title: string } | null;
    };

/** A message or status in a webhook body that could not be read: reported (never its values) and left out. */
export interface SkippedItem {
  /** Where in the body, e.g. `entry[0].changes[1].value.messages[0]`. */
  where: string;
  reason: string;
}

/** What one webhook body holds: the events we can act on, and the items we could not read (the rest still counts). */
export interface WebhookBatch {
  events: InboundEvent[];
  skipped: SkippedItem[];
}

export type OutboundMessage =
  | { type: 'text'; text: string; previewUrl?: boolean }
  | { type: 'image'; link: string; caption?: string }
  | { type: 'buttons'; body: string; buttons: { id: string; title: string }[]; header?: string; footer?: string }
  | {
      type: 'list';
      body: string;
      button: string;
      sections: { title: string; rows: { id: string; title: string; description?: string }[] }[];
      header?: string;
      footer?: string;
    }
  | {
      type: 'template';
      name: string;
      language: string;
      bodyParams: string[];
      /** The picture of a template with an IMAGE header (a public https URL the provider fetches). */
      headerImageLink?: string;
      /** Payloads for the template's quick-reply buttons, by button index (they come back as button replies). */
      quickReplyPayloads?: string[];
    };

export interface WhatsAppSender {
  /** `to` is E.164 digits (a leading '+' is tolerated). Throws SendError. */
  send(to: string, message: OutboundMessage, idempotencyKey: string): Promise<{ providerMessageId: string }>;
}

export interface MediaRef {
  mediaId?: string;
  mediaUrl?: string;
}

export interface MediaFetcher {
  /** Throws MediaError. */
  download(ref: MediaRef): Promise<{ data: Buffer; mimeType: string | null }>;
}

export interface ProviderErrorInit {
  status: number | null;
  retryable: boolean;
  code: string | number | null;
  message: string;
  retryAfterMs?: number | null;
}

/** A failed call to a provider. `retryable` says whether the same request may succeed later. */
export class ProviderError extends Error {
  readonly status: number | null;
  readonly retryable: boolean;
  readonly code: string | number | null;
  readonly retryAfterMs: number | null;

  constructor(init: ProviderErrorInit) {
    super(init.message);
    this.name = 'ProviderError';
    this.status = init.status;
    this.retryable = init.retryable;
    this.code = init.code;
    this.retryAfterMs = init.retryAfterMs ?? null;
  }
}

export class SendError extends ProviderError {
  constructor(init: ProviderErrorInit) {
    super(init);
    this.name = 'SendError';
  }
}

export class MediaError extends ProviderError {
  constructor(init: ProviderErrorInit) {
    super(init);
    this.name = 'MediaError';
  }
}

/** A webhook body that is not the provider's documented shape; the route answers 400. */
export class WebhookPayloadError extends Error {
  constructor(
    message: string,
    public readonly issues: readonly string[] = [],
  ) {
    super(message);
    this.name = 'WebhookPayloadError';
  }
}

export class OutboundMessageError extends Error {
  constructor(public readonly issues: readonly string[]) {
    super(`Invalid outbound WhatsApp message: ${issues.join('; ')}`);
    this.name = 'OutboundMessageError';
  }
}

// WhatsApp's limits are in characters; count code points so an emoji is one, not two UTF-16 units.
const chars = (max: number) =>
  z.string().refine((s) => s.length > 0 && [...s].length <= max, { message: `must be 1 to ${max} characters` });

const buttonsSchema = z
  .object({
    type: z.literal('buttons'),
    body: chars(1024),
    header: chars(60).optional(),
    footer: chars(60).optional(),
    buttons: z
      .array(z.object({ id: chars(256), title: chars(20) }))
      .min(1, 'needs at least 1 button')
      .max(3, 'allows at most 3 buttons'),
  })
  .superRefine((m, ctx) => {
    const titles = m.buttons.map((b) => b.title);
    if (new Set(titles).size !== titles.length) ctx.addIssue({ code: 'custom', path: ['buttons'], message: 'button titles must be unique' });
    const ids = m.buttons.map((b) => b.id);
    if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', path: ['buttons'], message: 'button ids must be unique' });
  });

const listSchema = z
  .object({
    type: z.literal('list'),
    body: chars(4096),
    button: chars(20),
    header: chars(60).optional(),
    footer: chars(60).optional(),
    sections: z
      .array(
        z.object({
          title: chars(24),
          rows: z.array(z.object({ id: chars(200), title: chars(24), description: chars(72).optional() })).min(1, 'a section needs at least 1 row'),
        }),
      )
      .min(1, 'needs at least 1 section')
      .max(10, 'allows at most 10 sections'),
  })
  .superRefine((m, ctx) => {
    const ids = m.sections.flatMap((s) => s.rows.map((r) => r.id));
    if (ids.length > 10) ctx.addIssue({ code: 'custom', path: ['sections'], message: `allows at most 10 rows in total (got ${ids.length})` });
    if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', path: ['sections'], message: 'row ids must be unique' });
  });

const outboundSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: chars(4096), previewUrl: z.boolean().optional() }),
  z.object({ type: z.literal('image'), link: z.url({ protocol: /^https?$/ }), caption: chars(1024).optional() }),
  buttonsSchema,
  listSchema,
  z.object({
    type: z.literal('template'),
    name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'must be a template name (lowercase letters, digits, underscores)'),
    language: z.string().regex(/^[a-z]{2,3}(_[A-Za-z]{2,4})?$/, 'must be a language code such as en or en_US'),
    // Meta refuses new lines, tabs and more than four spaces in a row in a parameter (#132018).
    bodyParams: z.array(z.string().min(1, 'must not be empty').refine((p) => !/[\n\t]| {5,}/.test(p), 'must not hold new lines, tabs or 5 spaces in a row')),
    headerImageLink: z.url({ protocol: /^https?$/ }).optional(),
    quickReplyPayloads: z.array(chars(256)).max(10).optional(),
  }),
]);

/** Checks WhatsApp's documented limits; throws OutboundMessageError naming each broken one. */
export function validateOutboundMessage(message: OutboundMessage): OutboundMessage {
  const parsed = outboundSchema.safeParse(message);
  if (!parsed.success) {
    throw new OutboundMessageError(parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'message'} ${i.message}`));
  }
  return message;
}
