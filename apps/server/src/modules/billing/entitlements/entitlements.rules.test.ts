import { describe, expect, it } from 'vitest';
import { entitlement, type EntitlementFacts, type SubscriptionFacts } from './entitlements.rules';
import { shortDate } from './entitlements.service';

const now = new Date('2026-11-20T10:00:00Z');
const sub = (over: Partial<SubscriptionFacts> = {}): SubscriptionFacts => ({
  status: 'active',
  planName: 'Monthly 20',
  questions: 20,
  graceDays: 3,
  questionsUsed: 0,
  currentPeriodEnd: new Date('2026-11-30T18:30:00Z'), // 1 Dec 00:00 in Kolkata
  pastDueSince: null,
  ...over,
});
const facts = (over: Partial<EntitlementFacts> & { timeZone?: string } = {}): EntitlementFacts => {
  const { timeZone = 'Asia/Kolkata', ...rest } = over;
  return { now, formatDate: (d) => shortDate(d, timeZone), subscription: sub(), credits: 0, pack: { questions: 10 }, ...rest };
};

describe('entitlements', () => {
  it('active or trialing with questions left: included', () => {
    expect(entitlement(facts())).toMatchObject({ allowed: true, source: 'included', questionsLeft: 20, next: null });
    expect(entitlement(facts({ subscription: sub({ status: 'trialing', questionsUsed: 19 }) }))).toMatchObject({ allowed: true, source: 'included', questionsLeft: 1 });
  });

  it('included questions used: a credit if any, else the next step names the pack and the renewal date in the student zone', () => {
    expect(entitlement(facts({ subscription: sub({ questionsUsed: 20 }), credits: 2 }))).toMatchObject({ allowed: true, source: 'credit' });
    const e = entitlement(facts({ subscription: sub({ questionsUsed: 20 }) }));
    expect(e).toMatchObject({ allowed: false, source: null });
    expect(e.next).toBe("Your plan's 20 questions for this month are used. Buy a pack of 10 questions or wait until 1 Dec.");
    expect(entitlement(facts({ subscription: sub({ questionsUsed: 20 }), timeZone: 'America/New_York' })).next).toMatch(/wait until 30 Nov\.$/);
  });

  it('past due within grace: asking allowed up to the included count, with a warning; after grace: refused', () => {
    const pastDue = sub({ status: 'past_due', pastDueSince: new Date('2026-11-18T09:00:00Z'), questionsUsed: 5 });
    const inGrace = entitlement(facts({ subscription: pastDue }));
    expect(inGrace).toMatchObject({ allowed: true, source: 'included', questionsLeft: 15 });
    expect(inGrace.next).toBe('Your payment failed on 18 Nov; update your card by 21 Nov to keep asking.');
    expect(inGrace.graceEndsAt?.toISOString()).toBe('2026-11-21T09:00:00.000Z');
    const used = entitlement(facts({ subscription: { ...pastDue, questionsUsed: 20 } }));
    expect(used.allowed).toBe(false);
    expect(used.next).toMatch(/update your card by 21 Nov/);
    const after = entitlement(facts({ subscription: pastDue, now: new Date('2026-11-21T09:00:00Z') }));
    expect(after).toMatchObject({ allowed: false, questionsLeft: 0 });
    expect(after.next).toMatch(/Your payment failed on 18 Nov and the grace period has ended; update your card/);
    expect(entitlement(facts({ subscription: pastDue, now: new Date('2026-11-22T00:00:00Z'), credits: 1 }))).toMatchObject({ allowed: true, source: 'credit' });
  });

  it('lapsed, canceled, refunded or no plan: only credits', () => {
    for (const status of ['lapsed', 'canceled', 'refunded', 'incomplete'] as const) {
      expect(entitlement(facts({ subscription: sub({ status }) }))).toMatchObject({ allowed: false, questionsLeft: 0 });
      expect(entitlement(facts({ subscription: sub({ status }), credits: 1 }))).toMatchObject({ allowed: true, source: 'credit' });
    }
    expect(entitlement(facts({ subscription: sub({ status: 'lapsed' }) })).next).toMatch(/lapsed because a payment failed\. Update your card/);
    const none = entitlement(facts({ subscription: null }));
    expect(none).toMatchObject({ allowed: false, status: 'none' });
    expect(none.next).toBe('You have no plan or question credits. Choose a plan, or buy a pack of 10 questions.');
  });
});
