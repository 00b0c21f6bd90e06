import type { PushSubscriptionBody } from '@tutorline/contracts';
import { z } from 'zod';
import type { PushSender } from '../../integrations/webpush';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db';
import { defineJob, PermanentJobError, RetryLaterError } from '../../platform/jobs';
import type { Logger } from '../../platform/logger';
import { type Fail, type Result, fail, ok } from '../../platform/result';
import { deleteSubscription, deleteSubscriptionById, subscriptionById, subscriptionsOf, upsertSubscription } from './notifications.push.repo';
import { endpointAllowed, pushOutcome, pushPlanFor } from './notifications.push.rules';
import type { NotificationChannel, OutboundMessage } from './notifications.service';

/** One push to one subscription: a job of its own, so each browser is retried (or dropped on 410) on its own. */
export const PUSH_SEND_QUEUE = defineJob(
  'notify.push',
  // userId: whose browser it is, so support's timeline finds a person's pushes (#18); absent on jobs queued before.
  z.object({ subscriptionId: z.string(), userId: z.string().optional(), message: z.object({ kind: z.string(), text: z.string(), data: z.record(z.string(), z.unknown()).optional() }) }),
);

export type SubscribeRefusal = 'endpoint_not_allowed';

export interface PushDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  sender: PushSender;
  httpsEndpointsOnly: boolean;
  poke(): void;
}

/**
 * Web Push (#21): browsers' subscriptions, and the outbox's push channel. A message for a user becomes one job per
 * subscription, keyed by the outbox message's own key, so the outbox's once-per-tutor rule holds per browser too and a
 * retried outbox job pushes nothing twice. A 404/410 deletes the subscription; 429 and 5xx retry; other 4xx give up.
 */
export function createPush(deps: PushDeps) {
  const { db, clock, logger } = deps;

  const channel: NotificationChannel = {
    name: 'push',
    async reaches(userId) {
      return (await subscriptionsOf(db, userId)).length > 0;
    },
    async send(userId, message: OutboundMessage, key) {
      const subs = await subscriptionsOf(db, userId);
      if (!subs.length) return;
      await PUSH_SEND_QUEUE.enqueueMany(
        db,
        subs.map((s) => ({ payload: { subscriptionId: s.id, userId, message }, dedupeKey: `notify.push:${s.id}:${key}` })),
        { now: clock.now() },
      );
      deps.poke();
    },
  };

  /** The notify.push job. */
  async function deliver(payload: z.infer<typeof PUSH_SEND_QUEUE.schema>) {
    const sub = await subscriptionById(db, payload.subscriptionId);
    if (!sub) return; // unsubscribed, or gone, since it was queued
    const plan = pushPlanFor(payload.message);
    const answer = await deps.sender.send(sub, JSON.stringify(plan.payload), { ttlSeconds: plan.ttlSeconds, urgency: plan.urgency });
    const log = { subscriptionId: sub.id, userId: sub.userId, kind: payload.message.kind, status: answer.status };
    switch (pushOutcome(answer.status)) {
      case 'sent':
        logger.info({ event: 'push_sent', ...log }, 'push sent');
        return;
      case 'gone':
        await deleteSubscriptionById(db, sub.id);
        logger.info({ event: 'push_subscription_gone', ...log }, 'the push service says the subscription is gone: deleted');
        return;
      case 'retry':
        logger.warn({ event: 'push_send_retry', ...log, error: answer.message }, 'push failed; will retry');
        if (answer.retryAfterMs !== null) throw new RetryLaterError(`push service answered ${answer.status}`, answer.retryAfterMs);
        throw new Error(`push service answered ${answer.status ?? 'nothing'}: ${answer.message}`);
      case 'refused':
        logger.error({ event: 'push_send_failed', ...log, error: answer.message }, 'push refused by the push service');
        throw new PermanentJobError(`push refused (${answer.status}): ${answer.message}`);
    }
  }

  return {
    channel,
    deliver,

    /** Stores the browser's subscription for the user (the same endpoint again replaces it). */
    async subscribe(userId: string, body: PushSubscriptionBody, userAgent: string | null): Promise<Result<{ id: string }, Fail<SubscribeRefusal>>> {
      if (!endpointAllowed(body.endpoint, deps.httpsEndpointsOnly)) return fail('endpoint_not_allowed');
      const row = await upsertSubscription(db, { userId, endpoint: body.endpoint, p256dh: body.keys.p256dh, auth: body.keys.auth, userAgent: userAgent?.slice(0, 300) ?? null, createdAt: clock.now() });
      logger.info({ event: 'push_subscribed', userId, subscriptionId: row.id, host: new URL(body.endpoint).host }, 'push subscription stored');
      return ok({ id: row.id });
    },

    async unsubscribe(userId: string, endpoint: string): Promise<boolean> {
      const removed = await deleteSubscription(db, userId, endpoint);
      if (removed) logger.info({ event: 'push_unsubscribed', userId }, 'push subscription deleted');
      return removed;
    },
  };
}
export type Push = ReturnType<typeof createPush>;
