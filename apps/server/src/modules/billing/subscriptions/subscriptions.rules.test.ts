import { describe, expect, it } from 'vitest';
import { applyDecision, nextState, snapshotEvent, subscriptionEvents, subscriptionStates } from './subscriptions.rules';

/**
 * The expected answer for every state × event, written out as a grid (a second, independent copy of the table):
 * columns in subscriptionEvents order, '-' = forbidden.
 */
const columns = ['checkout_completed', 'trial_started', 'payment_succeeded', 'payment_failed', 'grace_expired', 'cancel_requested', 'canceled', 'period_ended', 'refunded', 'reactivated'];
const grid: Record<string, string[]> = {
  //            checkout   trial     paid      failed      grace     cancel_req  canceled    period_end  refunded    reactivated
  incomplete: ['active', 'trialing', 'active', 'incomplete', '-', '-', 'canceled', '-', '-', '-'],
  trialing: ['trialing', '-', 'active', 'past_due', '-', 'trialing', 'canceled', 'canceled', '-', '-'],
  active: ['active', '-', 'active', 'past_due', '-', 'active', 'canceled', 'canceled', 'refunded', '-'],
  past_due: ['-', '-', 'active', 'past_due', 'lapsed', 'past_due', 'canceled', 'canceled', 'refunded', '-'],
  lapsed: ['-', '-', 'active', '-', '-', '-', 'canceled', '-', 'refunded', 'active'],
  canceled: ['-', '-', '-', '-', '-', '-', '-', '-', 'refunded', 'active'],
  refunded: ['-', '-', '-', '-', '-', '-', '-', '-', '-', 'active'],
};

describe('subscription state machine', () => {
  it('has the grid in the same order as the event list', () => {
    expect(columns).toEqual([...subscriptionEvents]);
    expect(Object.keys(grid).sort()).toEqual([...subscriptionStates].sort());
  });

  const pairs = subscriptionStates.flatMap((s) => subscriptionEvents.map((e, i) => [s, e, grid[s]![i]!] as const));
  it('walks all 70 pairs', () => expect(pairs).toHaveLength(70));
  it.each(pairs)('%s × %s → %s', (state, event, expected) => {
    expect(nextState(state, event) ?? '-').toBe(expected);
  });

  it('never leaves paid for a failure except into the grace period, and a lapsed/canceled student comes back by reactivation', () => {
    expect(nextState('active', 'payment_failed')).toBe('past_due');
    expect(nextState('canceled', 'payment_succeeded')).toBeNull();
    expect(nextState('lapsed', 'reactivated')).toBe('active');
    expect(nextState('refunded', 'reactivated')).toBe('active');
  });
});

describe('ordering rule', () => {
  const t = (s: number) => new Date(1_785_748_500_000 + s * 1000);
  it('applies events at or after the newest applied one, refuses forbidden ones, and ignores older ones', () => {
    expect(applyDecision({ status: 'active', lastEventAt: t(10) }, 'payment_failed', t(10))).toEqual({ kind: 'apply', to: 'past_due' });
    expect(applyDecision({ status: 'active', lastEventAt: t(10) }, 'payment_failed', t(9))).toEqual({ kind: 'stale' });
    expect(applyDecision({ status: 'canceled', lastEventAt: null }, 'payment_failed', t(1))).toEqual({ kind: 'refused' });
    expect(applyDecision({ status: 'incomplete', lastEventAt: null }, 'payment_succeeded', t(1))).toEqual({ kind: 'apply', to: 'active' });
  });
});

describe('provider snapshots', () => {
  it('maps a status to the event it means from where we are', () => {
    expect(snapshotEvent('incomplete', { status: 'trialing' })).toBe('trial_started');
    expect(snapshotEvent('incomplete', { status: 'active' })).toBe('payment_succeeded');
    expect(snapshotEvent('past_due', { status: 'active' })).toBe('payment_succeeded');
    expect(snapshotEvent('lapsed', { status: 'active' })).toBe('reactivated');
    expect(snapshotEvent('active', { status: 'active' })).toBeNull();
    expect(snapshotEvent('active', { status: 'active', cancelAtPeriodEnd: true })).toBe('cancel_requested');
    expect(snapshotEvent('active', { status: 'active', cancelAtPeriodEnd: true }, true)).toBeNull();
    expect(snapshotEvent('active', { status: 'past_due' })).toBe('payment_failed');
    expect(snapshotEvent('past_due', { status: 'unpaid' })).toBe('grace_expired');
    expect(snapshotEvent('active', { status: 'canceled' })).toBe('canceled');
    expect(snapshotEvent('canceled', { status: 'canceled' })).toBeNull();
    expect(snapshotEvent('active', { status: 'ended' })).toBe('period_ended');
    expect(snapshotEvent('active', { status: 'paused' })).toBeNull();
    expect(snapshotEvent('incomplete', { status: 'incomplete' })).toBeNull();
  });
});
