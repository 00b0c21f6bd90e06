import type { Clock } from '../../../platform/clock';
import { z } from 'zod';
import { defineJob, type JobRunner } from '../../../platform/jobs';
import type { Logger } from '../../../platform/logger';
import type { Provider } from '../billing.ports';
import type { NormalizedEvent, PaymentProviderAdapter } from './providers';
import type { ProviderRepo } from './payments.repo';
import type { SubscriptionsService } from '../subscriptions/subscriptions.service';
import type { WebhooksService } from './webhooks.service';

export const RECONCILE_QUEUE = defineJob('billing.reconcile', z.object({}));
export const RECONCILE_EVERY_MS = 60 * 60_000;

/**
 * Reconciliation: for checkouts and subscriptions touched in the last `days`, ask the provider for the object's
 * current state and apply what we are missing through the same forward-only rules as webhooks (a dropped or lost
 * webhook is made good; nothing moves back). Each fix is logged. It also lapses subscriptions whose grace period is over.
 */
export function createReconciler(deps: { repo: ProviderRepo; webhooks: WebhooksService; subscriptions: SubscriptionsService; adapters: Partial<Record<Provider, PaymentProviderAdapter>>; clock: Clock; logger: Logger; days?: number }) {
  const { repo, webhooks, subscriptions, clock, logger } = deps;
  const days = deps.days ?? 3;

  async function apply(provider: Provider, what: string, events: NormalizedEvent[]): Promise<string[]> {
    const changes: string[] = [];
    await repo.db.transaction(async (tx) => {
      for (const ev of events) await webhooks.applyNormalized(tx, provider, ev, null, changes);
    });
    for (const change of changes) logger.info({ event: 'billing_reconcile_fix', provider, object: what, change }, 'reconciliation applied what a webhook had not');
    return changes;
  }

  return {
    async run(): Promise<{ checked: number; fixes: string[] }> {
      const now = clock.now();
      const since = new Date(now.getTime() - days * 86_400_000);
      const fixes: string[] = [];
      let checked = 0;
      for (const [provider, adapter] of Object.entries(deps.adapters) as [Provider, PaymentProviderAdapter][]) {
        for (const c of await repo.recentCheckouts(provider, since)) {
          if (c.status !== 'open' || !c.providerRef) continue;
          checked++;
          try {
            fixes.push(...(await apply(provider, `checkout:${c.id}`, await adapter.retrieveCheckout(c.providerRef, now))));
          } catch (err) {
            logger.error({ event: 'billing_reconcile_failed', provider, checkoutId: c.id, err }, 'could not reconcile a checkout');
          }
        }
        for (const s of await repo.recentSubscriptions(provider, since)) {
          checked++;
          try {
            fixes.push(...(await apply(provider, `subscription:${s.id}`, await adapter.retrieveSubscription(s.providerSubscriptionId!, now))));
          } catch (err) {
            logger.error({ event: 'billing_reconcile_failed', provider, subscriptionId: s.id, err }, 'could not reconcile a subscription');
          }
        }
      }
      // Our own clock's part: a grace period that ran out lapses the subscription.
      for (const { id } of await repo.graceExpired(now)) {
        await repo.db.transaction(async (tx) => {
          const sub = await repo.lockSubscription(tx, id);
          if (sub?.status !== 'past_due') return;
          const r = await subscriptions.apply(tx, sub, 'grace_expired', { at: now, provider: null, providerEventId: null, data: { pastDueSince: sub.pastDueSince?.toISOString() } });
          if (r.result === 'applied') fixes.push(`subscription ${id}: past_due → lapsed (grace_expired)`);
        });
      }
      logger.info({ event: 'billing_reconcile_done', checked, fixes: fixes.length }, 'reconciliation finished');
      return { checked, fixes };
    },

    async install(jobs: JobRunner) {
      const schedule = async (at: Date) => {
        const slot = new Date(Math.ceil(at.getTime() / RECONCILE_EVERY_MS) * RECONCILE_EVERY_MS);
        await RECONCILE_QUEUE.enqueue(repo.db, {}, { now: clock.now(), runAt: slot, dedupeKey: `${RECONCILE_QUEUE.queue}:${slot.toISOString()}` });
      };
      jobs.register(RECONCILE_QUEUE, async () => {
        await schedule(new Date(clock.now().getTime() + 1000));
        await this.run();
      });
      await schedule(clock.now());
    },
  };
}
export type Reconciler = ReturnType<typeof createReconciler>;
