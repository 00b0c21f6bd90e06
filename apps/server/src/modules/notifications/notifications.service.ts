import type { NotificationChannels } from '@tutorline/contracts';
import { z } from 'zod';
import { defineJob, type EnqueueOptions, PermanentJobError } from '../../platform/jobs';
import type { Clock } from '../../platform/clock';
import type { Db, Tx } from '../../platform/db';
import type { Logger } from '../../platform/logger';

const outboundMessage = z.object({ kind: z.string(), text: z.string(), data: z.record(z.string(), z.unknown()).optional() });
/** A message for a user's other channels (WhatsApp later); each channel renders it its own way. */
export type OutboundMessage = z.infer<typeof outboundMessage>;

/**
 * A way to reach a user outside the open app. `send` throws to retry, or PermanentJobError to give up. `key` is the
 * logical message's dedupe key (the same on a retry), for channels that queue sends of their own. The channel's `name`
 * is the user's choice it obeys: 'push' and 'whatsapp' (ChannelPrefs), any other name is always on.
 */
export interface NotificationChannel {
  name: string;
  /** Whether the channel carries this kind of message at all (email carries a few kinds); every kind when absent. */
  carries?(message: OutboundMessage): boolean;
  reaches(userId: string): Promise<boolean>;
  send(userId: string, message: OutboundMessage, key: string): Promise<void>;
}

/** Which channels a user wants (#21); every one is on until they say otherwise. */
export type ChannelPrefs = NotificationChannels;

// `key` is absent on jobs queued before #21; their deliveries key on the message itself.
export const NOTIFY_QUEUE = defineJob('notify.deliver', z.object({ userId: z.string(), message: outboundMessage, key: z.string().optional() }));
export type DeliveryPayload = z.infer<typeof NOTIFY_QUEUE.schema>;

/**
 * The notification outbox: a message is a durable job, written in the same transaction as the change
 * that caused it, keyed so the same logical message is never sent twice, retried with back-off.
 */
export function createNotifications(deps: { channels: NotificationChannel[]; clock: Clock; logger: Logger; prefs?: (userId: string) => Promise<ChannelPrefs> }) {
  const chosen = (prefs: ChannelPrefs | null, channel: NotificationChannel) => !prefs || (channel.name === 'push' ? prefs.push : channel.name === 'whatsapp' ? prefs.whatsapp : true);
  return {
    /** Queues a message; `dedupeKey` makes it at-most-once per logical message. */
    async queue(tx: Db | Tx, userId: string, message: OutboundMessage, dedupeKey: string, opts: Omit<EnqueueOptions, 'dedupeKey' | 'now'> = {}) {
      await NOTIFY_QUEUE.enqueue(tx, { userId, message, key: dedupeKey }, { ...opts, now: deps.clock.now(), dedupeKey: `notify:${dedupeKey}` });
    },

    /** Queues one message per user in one statement; nothing is queued when no channel is configured. */
    async queueMany(tx: Db | Tx, items: { userId: string; message: OutboundMessage; dedupeKey: string }[]) {
      if (!deps.channels.length || !items.length) return;
      await NOTIFY_QUEUE.enqueueMany(
        tx,
        items.map((it) => ({ payload: { userId: it.userId, message: it.message, key: it.dedupeKey }, dedupeKey: `notify:${it.dedupeKey}` })),
        { now: deps.clock.now() },
      );
    },

    /** The job handler: every channel that reaches the user, and that the user has not turned off, gets the message. */
    async deliver({ userId, message, key }: DeliveryPayload) {
      const prefs = deps.prefs ? await deps.prefs(userId) : null;
      const reaching = [];
      const declined = [];
      for (const channel of deps.channels) {
        if ((channel.carries && !channel.carries(message)) || !(await channel.reaches(userId))) continue;
        if (chosen(prefs, channel)) reaching.push(channel);
        else declined.push(channel.name);
      }
      if (declined.length) deps.logger.info({ event: 'notification_channel_declined', userId, kind: message.kind, channels: declined }, 'the user turned these channels off');
      if (!reaching.length) {
        deps.logger.info({ event: 'notification_no_channel', userId, kind: message.kind }, 'no channel reaches this user');
        return;
      }
      for (const channel of reaching) {
        await channel.send(userId, message, key ?? `${message.kind}:${JSON.stringify(message.data ?? {})}`);
        deps.logger.info({ event: 'notification_sent', userId, kind: message.kind, channel: channel.name }, 'notification sent');
      }
    },
  };
}
export type Notifications = ReturnType<typeof createNotifications>;
export { PermanentJobError };
