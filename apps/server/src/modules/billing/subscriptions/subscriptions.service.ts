import type { Tx } from '../../../platform/db';
import type { Logger } from '../../../platform/logger';
import type { Provider } from '../billing.ports';
import type { SubscriptionRow, SubscriptionsRepo } from './subscriptions.repo';
import { applyDecision, type SubscriptionEvent, type SubscriptionState } from './subscriptions.rules';

export interface TransitionContext {
  at: Date;
  provider: Provider | null;
  providerEventId: string | null;
  data?: Record<string, unknown>;
}

export type TransitionResult = { result: 'applied'; row: SubscriptionRow } | { result: 'stale' | 'refused'; row: SubscriptionRow };

/** Applies state-machine events to subscription rows the caller has locked (inside its transaction). */
export function createSubscriptionsService(deps: { repo: SubscriptionsRepo; logger: Logger }) {
  const { repo, logger } = deps;

  return {
    /**
     * One event on one (locked) subscription. Stale events (older than the newest applied) and forbidden ones change
     * nothing; a forbidden one is logged. Every applied transition is kept in subscription_transitions.
     */
    async apply(tx: Tx, sub: SubscriptionRow, on: SubscriptionEvent, ctx: TransitionContext): Promise<TransitionResult> {
      const from = sub.status as SubscriptionState;
      const decision = applyDecision({ status: from, lastEventAt: sub.lastEventAt }, on, ctx.at);
      if (decision.kind === 'stale') {
        logger.info({ event: 'subscription_event_stale', subscriptionId: sub.id, from, on, providerEventId: ctx.providerEventId, at: ctx.at.toISOString(), lastEventAt: sub.lastEventAt?.toISOString() }, 'older than what we applied: ignored');
        return { result: 'stale', row: sub };
      }
      if (decision.kind === 'refused') {
        logger.warn({ event: 'subscription_transition_refused', subscriptionId: sub.id, from, on, providerEventId: ctx.providerEventId }, 'forbidden subscription transition refused');
        return { result: 'refused', row: sub };
      }
      const to = decision.to;
      const cancelAtPeriodEnd = on === 'cancel_requested' ? true : on === 'reactivated' || on === 'canceled' || on === 'period_ended' ? false : sub.cancelAtPeriodEnd;
      const pastDueSince = to === 'past_due' ? (from === 'past_due' ? sub.pastDueSince : ctx.at) : to === 'lapsed' ? sub.pastDueSince : null;
      const row = await repo.updateSubscription(tx, sub.id, {
        status: to,
        cancelAtPeriodEnd,
        pastDueSince,
        lastEventAt: !sub.lastEventAt || ctx.at > sub.lastEventAt ? ctx.at : sub.lastEventAt,
        updatedAt: ctx.at,
        ...(on === 'reactivated' ? { questionsUsed: 0 } : {}),
      });
      await repo.insertTransition(tx, { subscriptionId: sub.id, fromStatus: from, toStatus: to, event: on, provider: ctx.provider, providerEventId: ctx.providerEventId, at: ctx.at, data: ctx.data ?? {} });
      logger.info({ event: 'subscription_transition', subscriptionId: sub.id, studentId: sub.studentId, from, to, on, providerEventId: ctx.providerEventId }, 'subscription changed state');
      return { result: 'applied', row };
    },
  };
}
export type SubscriptionsService = ReturnType<typeof createSubscriptionsService>;
