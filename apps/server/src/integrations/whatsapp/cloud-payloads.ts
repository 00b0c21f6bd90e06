import { createHmac, randomBytes } from 'node:crypto';

/**
 * Builds webhook bodies in Meta's documented Cloud API format (see the fixtures in /work/shared/fixtures/whatsapp-cloud),
 * signed like Meta signs them: for the development simulator and for tests. Never used against Meta.
 */
export type SimulatedMessage =
  | { type: 'text'; text: string }
  | { type: 'image'; mediaId: string; mimeType?: string; caption?: string }
  | { type: 'button'; replyId: string; title: string; contextId?: string }
  | { type: 'list'; replyId: string; title: string; contextId?: string }
  /** A tap on a template's quick-reply button. */
  | { type: 'template_button'; payload: string; text: string; contextId?: string }
  | { type: 'sticker' };

export interface SimulatedInbound {
  from: string;
  name?: string;
  /** The wamid; a fresh one when omitted. */
  id?: string;
  at?: Date;
  message: SimulatedMessage;
}

export const newWamid = () => `wamid.${randomBytes(24).toString('base64url')}`;

function messageObject(m: SimulatedInbound): Record<string, unknown> {
  // Meta's own clock when a test gives no time (the simulator passes the app's); this fake stands for the outside world.
  // eslint-disable-next-line no-restricted-syntax
  const base = { from: m.from, id: m.id ?? newWamid(), timestamp: String(Math.floor((m.at ?? new Date()).getTime() / 1000)) };
  const msg = m.message;
  switch (msg.type) {
    case 'text':
      return { ...base, type: 'text', text: { body: msg.text } };
    case 'image':
      return { ...base, type: 'image', image: { id: msg.mediaId, mime_type: msg.mimeType ?? 'image/jpeg', sha256: '', ...(msg.caption ? { caption: msg.caption } : {}) } };
    case 'button':
      return { ...base, type: 'interactive', ...(msg.contextId ? { context: { from: '15550101234', id: msg.contextId } } : {}), interactive: { type: 'button_reply', button_reply: { id: msg.replyId, title: msg.title } } };
    case 'list':
      return { ...base, type: 'interactive', ...(msg.contextId ? { context: { from: '15550101234', id: msg.contextId } } : {}), interactive: { type: 'list_reply', list_reply: { id: msg.replyId, title: msg.title } } };
    case 'template_button':
      return { ...base, type: 'button', ...(msg.contextId ? { context: { from: '15550101234', id: msg.contextId } } : {}), button: { payload: msg.payload, text: msg.text } };
    case 'sticker':
      return { ...base, type: 'sticker', sticker: { id: '1', mime_type: 'image/webp', sha256: '', animated: false } };
  }
}

/** One webhook body carrying these messages (several numbers or messages are batched as separate changes). */
export function cloudMessagesPayload(phoneNumberId: string, messages: SimulatedInbound[]): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '176543210987654',
        changes: messages.map((m) => ({
          field: 'messages',
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: '15550101234', phone_number_id: phoneNumberId },
            contacts: [{ profile: { name: m.name ?? 'Student' }, wa_id: m.from }],
            messages: [messageObject(m)],
          },
        })),
      },
    ],
  });
}

/** A webhook body with delivery statuses of our outbound messages. */
export function cloudStatusesPayload(phoneNumberId: string, statuses: { id: string; status: 'sent' | 'delivered' | 'read' | 'failed'; recipient: string; at?: Date }[]): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '176543210987654',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550101234', phone_number_id: phoneNumberId },
              statuses: statuses.map((s) => ({
                id: s.id,
                status: s.status,
                // eslint-disable-next-line no-restricted-syntax -- Meta's own clock when no time is given, as above
                timestamp: String(Math.floor((s.at ?? new Date()).getTime() / 1000)),
                recipient_id: s.recipient,
                ...(s.status === 'failed' ? { errors: [{ code: 131049, title: 'This message was not delivered to maintain healthy ecosystem engagement.' }] } : {}),
              })),
            },
          },
        ],
      },
    ],
  });
}

/** The X-Hub-Signature-256 header Meta would send for this exact body. */
export const cloudSignature = (body: string | Buffer, appSecret: string) => `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
