import { z } from 'zod';
import { defineJob, type EnqueueOptions, PermanentJobError } from '../../platform/jobs';
import type { Clock } from '../../platform/clock';
import type { Db, Tx } from '../../platform/db';
import type { Logger } from '../../platform/logger';

const outboundMessage = z.object({ kind: z.string(), text: z.string(), data: z.record(z.string(), z.unknown()).optional() });
/** A message for a user's other channels (WhatsApp later); each channel renders it its own way. */
export type OutboundMessage = z.infer<typeof outboundMessage>;

/** A way to reach a user outside the open app. `send` throws to retry, or PermanentJobError to give up. */
export interface NotificationChannel {
  name: string;
  reaches(userId: string): Promise<boolean>;
  send(userId: string, message: OutboundMessage): Promise<void>;
}

export const NOTIFY_QUEUE = defineJob('notify.deliver', z.object({ userId: z.string(), message: outboundMessage }));
export type DeliveryPayload = z.infer<typeof NOTIFY_QUEUE.schema>;

/**
 * The notification outbox: a message is a durable job, written in the same transaction as the change
 * that caused it, keyed so the same logical message is never sent twice, retried with back-off.
 */
export function createNotifications(deps: { channels: NotificationChannel[]; clock: Clock; logger: Logger }) {
  return {
    /** Queues a message; `dedupeKey` makes it at-most-once per logical message. */
    async queue(tx: Db | Tx, userId: string, message: OutboundMessage, dedupeKey: string, opts: Omit<EnqueueOptions, 'dedupeKey' | 'now'> = {}) {
      await NOTIFY_QUEUE.enqueue(tx, { userId, message }, { ...opts, now: deps.clock.now(), dedupeKey: `notify:${dedupeKey}` });
    },

    /** Queues one message per user in one statement; nothing is queued when no channel is configured. */
    async queueMany(tx: Db | Tx, items: { userId: string; message: OutboundMessage; dedupeKey: string }[]) {
      if (!deps.channels.length || !items.length) return;
      await NOTIFY_QUEUE.enqueueMany(
        tx,
        items.map((it) => ({ payload: { userId: it.userId, message: it.message }, dedupeKey: `notify:${it.dedupeKey}` })),
        { now: deps.clock.now() },
      );
    },

    /** The job handler: every channel that reaches the user gets the message. */
    async deliver({ userId, message }: DeliveryPayload) {
      const reaching = [];
      for (const channel of deps.channels) if (await channel.reaches(userId)) reaching.push(channel);
      if (!reaching.length) {
        deps.logger.info({ event: 'notification_no_channel', userId, kind: message.kind }, 'no channel reaches this user');
        return;
      }
      for (const channel of reaching) {
        await channel.send(userId, message);
        deps.logger.info({ event: 'notification_sent', userId, kind: message.kind, channel: channel.name }, 'notification sent');
      }
    },
  };
}
export type Notifications = ReturnType<typeof createNotifications>;
export { PermanentJobError };
