import type { SnapshotStatus } from '../../../integrations/payments';

export type { SnapshotStatus };

/**
 * The subscription state machine (issue #7): pure, no I/O, time passed in.
 *
 * One explicit table state × event → next state (or forbidden). Provider snapshots ("the subscription is now
 * past_due") are turned into events by snapshotEvent(); the ordering rule (applyDecision) uses the provider's
 * event time so that an older snapshot never moves the state back.
 */
export const subscriptionStates = ['incomplete', 'trialing', 'active', 'past_due', 'lapsed', 'canceled', 'refunded'] as const;
export type SubscriptionState = (typeof subscriptionStates)[number];

export const subscriptionEvents = [
  'checkout_completed',
  'trial_started',
  'payment_succeeded',
  'payment_failed',
  'grace_expired',
  /** Cancel at the end of the paid period: the state stays, cancelAtPeriodEnd is set. */
  'cancel_requested',
  /** Cancelled now. */
  'canceled',
  /** The period ended on a subscription set to cancel at its end. */
  'period_ended',
  'refunded',
  /** A lapsed, cancelled or refunded student pays again: the same subscription comes back. */
  'reactivated',
] as const;
export type SubscriptionEvent = (typeof subscriptionEvents)[number];

type Row = Partial<Record<SubscriptionEvent, SubscriptionState>>;

/** Absent = forbidden. Self-loops are real transitions (a renewal payment, another failed retry) and are recorded. */
export const transitionTable: Record<SubscriptionState, Row> = {
  incomplete: {
    checkout_completed: 'active',
    trial_started: 'trialing',
    payment_succeeded: 'active',
    payment_failed: 'incomplete',
    canceled: 'canceled',
  },
  trialing: {
    checkout_completed: 'trialing',
    payment_succeeded: 'active',
    payment_failed: 'past_due',
    cancel_requested: 'trialing',
    canceled: 'canceled',
    period_ended: 'canceled',
  },
  active: {
    checkout_completed: 'active',
    payment_succeeded: 'active',
    payment_failed: 'past_due',
    cancel_requested: 'active',
    canceled: 'canceled',
    period_ended: 'canceled',
    refunded: 'refunded',
  },
  past_due: {
    payment_succeeded: 'active',
    payment_failed: 'past_due',
    grace_expired: 'lapsed',
    cancel_requested: 'past_due',
    canceled: 'canceled',
    period_ended: 'canceled',
    refunded: 'refunded',
  },
  lapsed: {
    // A late payment of the overdue invoice recovers the subscription.
    payment_succeeded: 'active',
    canceled: 'canceled',
    refunded: 'refunded',
    reactivated: 'active',
  },
  canceled: {
    refunded: 'refunded',
    reactivated: 'active',
  },
  refunded: {
    reactivated: 'active',
  },
};

/** The next state, or null when the event is forbidden in this state. */
export function nextState(from: SubscriptionState, on: SubscriptionEvent): SubscriptionState | null {
  return transitionTable[from][on] ?? null;
}

/** Whether the student may use what the subscription includes (the grace period allows asking; see D1's entitlements). */
export const isLive = (s: SubscriptionState) => s === 'trialing' || s === 'active' || s === 'past_due';


/**
 * The event a provider snapshot means for a subscription in state `current`, or null when it adds nothing.
 * (A snapshot that agrees with us, or one we do not act on, such as paused.)
 */
export function snapshotEvent(current: SubscriptionState, snap: { status: SnapshotStatus; cancelAtPeriodEnd?: boolean }, currentCancelAtPeriodEnd = false): SubscriptionEvent | null {
  switch (snap.status) {
    case 'trialing':
      if (current === 'incomplete') return 'trial_started';
      if (current === 'trialing' && snap.cancelAtPeriodEnd && !currentCancelAtPeriodEnd) return 'cancel_requested';
      return null;
    case 'active':
      if (current === 'lapsed' || current === 'canceled' || current === 'refunded') return 'reactivated';
      if (current === 'active') return snap.cancelAtPeriodEnd && !currentCancelAtPeriodEnd ? 'cancel_requested' : null;
      return 'payment_succeeded';
    case 'past_due':
      if (current === 'past_due') return snap.cancelAtPeriodEnd && !currentCancelAtPeriodEnd ? 'cancel_requested' : null;
      return current === 'lapsed' || current === 'canceled' || current === 'refunded' ? null : 'payment_failed';
    case 'unpaid':
      if (current === 'past_due') return 'grace_expired';
      if (current === 'active' || current === 'trialing') return 'payment_failed';
      return null;
    case 'canceled':
      return current === 'canceled' || current === 'refunded' ? null : 'canceled';
    case 'ended':
      return current === 'canceled' || current === 'refunded' || current === 'lapsed' ? null : 'period_ended';
    default:
      return null;
  }
}

export type ApplyDecision =
  | { kind: 'apply'; to: SubscriptionState }
  | { kind: 'stale' }
  | { kind: 'refused' };

/**
 * Whether to apply `on` now. Ordering rule: an event created before the newest one applied (lastEventAt) is stale
 * and changes nothing: the newer event already describes a later state. Forbidden pairs are refused.
 */
export function applyDecision(current: { status: SubscriptionState; lastEventAt: Date | null }, on: SubscriptionEvent, at: Date): ApplyDecision {
  if (current.lastEventAt && at.getTime() < current.lastEventAt.getTime()) return { kind: 'stale' };
  const to = nextState(current.status, on);
  return to ? { kind: 'apply', to } : { kind: 'refused' };
}

/** The grace period: when a past_due subscription lapses. */
export function graceEndsAt(pastDueSince: Date, graceDays: number): Date {
  return new Date(pastDueSince.getTime() + graceDays * 86_400_000);
}
