import type { WhatsAppConfig } from '../../config';
import { type OutboundMessage, ProviderError, type TemplateMessage, type WhatsAppSender } from '../../integrations/whatsapp';
import type { Clock } from '../../platform/clock';
import { z } from 'zod';
import { defineJob, PermanentJobError } from '../../platform/jobs';
import type { Logger } from '../../platform/logger';
import type { SharedCounter } from '../../platform/rate-limit';
import type { OutboundMessageSpec } from './conversation';
import type { ContactRow, WhatsAppRepo } from './whatsapp.repo';
import { updateTemplate } from './whatsapp.templates';

/** One wa_messages row to send. */
export const WA_SEND_QUEUE = defineJob('wa.send', z.object({ messageId: z.string() }));

/** The conversation's message as the provider-neutral message the adapters send. */
export function toOutbound(spec: OutboundMessageSpec): OutboundMessage {
  switch (spec.kind) {
    case 'text':
      return { type: 'text', text: spec.text };
    case 'buttons':
      return { type: 'buttons', body: spec.body, buttons: spec.buttons };
    case 'list':
      return { type: 'list', body: spec.body, button: spec.button, sections: spec.sections };
  }
}


/** Free-form messages are allowed this long after the user's last message; after it only templates. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface OutboxDeps {
  repo: WhatsAppRepo;
  clock: Clock;
  logger: Logger;
  config: WhatsAppConfig;
  sender: WhatsAppSender;
  /** Counts the sends of every node against WHATSAPP_SENDS_PER_SECOND (Redis when there is one, decision 085). */
  sendRate: SharedCounter;
  poke(): void;
}

/**
 * WHATSAPP_SENDS_PER_SECOND as a fixed window the shared counter can count: a second and that many sends, or for a
 * rate below one a second, one send per window as long as the rate allows (a fractional rate above one rounds down).
 */
export function sendWindow(perSecond: number): { windowMs: number; max: number } {
  return perSecond >= 1 ? { windowMs: 1000, max: Math.floor(perSecond) } : { windowMs: Math.ceil(1000 / perSecond), max: 1 };
}

/**
 * The outbox: every send is a `wa_messages` row with an idempotency key (one per logical message) and a job, retried
 * with back-off on 5xx/timeouts and never on other 4xx. Outside the 24-hour window a free-form message goes as a
 * template: the one the caller gives, or the generic update template carrying its text.
 */
export function createOutbox(deps: OutboxDeps) {
  const { repo, clock, logger, config } = deps;

  /** Whether free-form messages may go to this contact now (they wrote within 24 hours). */
  const windowOpen = (contact: ContactRow | undefined): boolean =>
    Boolean(contact?.lastInboundAt && clock.now().getTime() - contact.lastInboundAt.getTime() < SERVICE_WINDOW_MS);

  /** Queues one logical message (its key makes a repeat a no-op). */
  async function queue(waId: string, message: OutboundMessage, key: string, kind: string, ref: string | null = null, template?: TemplateMessage) {
    let body = message;
    if (message.type !== 'template' && !windowOpen(await repo.contact(waId))) {
      const text = message.type === 'text' ? message.text : message.type === 'image' ? (message.caption ?? '') : message.body;
      body = template ?? updateTemplate(config.templates, text);
    }
    const now = clock.now();
    await repo.db.transaction(async (tx) => {
      const { row, created } = await repo.addOutbound(tx, { waId, idempotencyKey: key, kind, ref, body: body as unknown as Record<string, unknown> }, now);
      if (created) await WA_SEND_QUEUE.enqueue(tx, { messageId: row.id }, { now, dedupeKey: `wa.send:${row.id}` });
    });
    deps.poke();
  }

  /**
   * Sends within the provider's rate, which is per sending number and so shared by every node: a window counted by
   * the shared counter; a send past the window's count waits for the next window (real time, not the app's clock).
   */
  const { windowMs, max } = sendWindow(config.sendsPerSecond);
  async function takeToken() {
    for (;;) {
      const { current, ttl } = await deps.sendRate.incr('wa-send', windowMs);
      if (current <= max) return;
      await new Promise((r) => setTimeout(r, Math.max(1, ttl)));
    }
  }

  /** The wa.send job. */
  async function send(payload: { messageId: string }) {
    const row = await repo.outbound(payload.messageId);
    if (!row || row.status !== 'queued') return; // sent already: at most once per logical message
    await takeToken();
    try {
      const { providerMessageId } = await deps.sender.send(row.waId, row.body as unknown as OutboundMessage, row.idempotencyKey);
      await repo.markAccepted(row.id, providerMessageId, clock.now());
      logger.info({ event: 'whatsapp_sent', messageId: row.id, kind: row.kind, waId: row.waId, providerMessageId }, 'whatsapp message sent');
    } catch (err) {
      const e = err instanceof ProviderError ? err : null;
      const error = { status: e?.status ?? null, code: e?.code ?? null, message: e?.message ?? String(err) };
      const retryable = e ? e.retryable : true;
      await repo.markAttemptFailed(row.id, error, !retryable, clock.now());
      if (!retryable) {
        logger.error({ event: 'whatsapp_send_failed', messageId: row.id, kind: row.kind, waId: row.waId, ...error }, 'whatsapp message refused by the provider');
        throw new PermanentJobError(`whatsapp send refused: ${error.message}`);
      }
      logger.warn({ event: 'whatsapp_send_retry', messageId: row.id, kind: row.kind, waId: row.waId, ...error }, 'whatsapp send failed; will retry');
      throw err;
    }
  }

  return { queue, send, windowOpen };
}
export type Outbox = ReturnType<typeof createOutbox>;
