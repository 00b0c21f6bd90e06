import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkBalanced, commissionOf, creditSourceFor, creditsToRemove, formatMinor, lessonEarningEntries, lessonEarningsToReverse, paymentEntries, refundEntries, shareOf, UnbalancedError } from './ledger.rules';

const sumBy = (entries: { amountMinor: number; currency: string }[]) => {
  const m: Record<string, number> = {};
  for (const e of entries) m[e.currency] = (m[e.currency] ?? 0) + e.amountMinor;
  return m;
};

describe('ledger rules', () => {
  it('checkBalanced refuses unbalanced, zero, fractional and single entries', () => {
    expect(() => checkBalanced([{ amountMinor: 100, currency: 'INR' }, { amountMinor: -100, currency: 'INR' }])).not.toThrow();
    expect(() => checkBalanced([{ amountMinor: 100, currency: 'INR' }, { amountMinor: -99, currency: 'INR' }])).toThrow(/do not balance in INR/);
    expect(() => checkBalanced([{ amountMinor: 100, currency: 'INR' }, { amountMinor: -100, currency: 'USD' }])).toThrow(UnbalancedError);
    expect(() => checkBalanced([{ amountMinor: 0, currency: 'INR' }, { amountMinor: 0, currency: 'INR' }])).toThrow(/non-zero/);
    expect(() => checkBalanced([{ amountMinor: 1.5, currency: 'INR' }, { amountMinor: -1.5, currency: 'INR' }])).toThrow(/integer/);
    expect(() => checkBalanced([{ amountMinor: 1, currency: 'INR' }])).toThrow(/two entries/);
  });

  it('a subscription payment debits clearing and credits revenue', () => {
    const e = paymentEntries({ paymentId: 'p', studentId: 's', provider: 'stripe', amountMinor: 49900, currency: 'INR', purpose: 'subscription' });
    expect(e.map((x) => [x.account, x.amountMinor])).toEqual([
      ['provider_clearing:stripe', 49900],
      ['platform_revenue', -49900],
    ]);
  });

  it('a booking payment is a prepayment: nothing to the tutor or revenue until the lesson is earned', () => {
    const e = paymentEntries({ paymentId: 'p', studentId: 's', provider: 'razorpay', amountMinor: 100001, currency: 'INR', purpose: 'booking', tutorId: 't', commissionBps: 2000 });
    expect(e.map((x) => [x.account, x.amountMinor])).toEqual([
      ['provider_clearing:razorpay', 100001],
      ['lesson_prepayments', -100001],
    ]);
  });

  it('an earned lesson moves its price from the prepayments to the tutor less 20% commission, and the commission to revenue', () => {
    expect(lessonEarningEntries('t', 100001, 'INR', 2000).map((x) => [x.account, x.amountMinor])).toEqual([
      ['lesson_prepayments', 100001],
      ['tutor_payable:t', -80001],
      ['platform_revenue', -20000],
    ]);
    expect(lessonEarningEntries('t', 500, 'INR', 0).map((x) => x.account)).toEqual(['lesson_prepayments', 'tutor_payable:t']);
    expect(commissionOf(12345, 2000)).toBe(2469);
  });

  it('a refund reverses lesson earnings only beyond the unearned prepayment, oldest first, never more than is left', () => {
    const earnings = [
      { id: 'a', amountMinor: 1000, reversedMinor: 400 },
      { id: 'b', amountMinor: 1000, reversedMinor: 0 },
    ];
    expect(lessonEarningsToReverse(earnings, 0)).toEqual([]);
    expect(lessonEarningsToReverse(earnings, 250)).toEqual([]);
    expect(lessonEarningsToReverse(earnings, -500).map((x) => [x.earning.id, x.amountMinor])).toEqual([['a', 500]]);
    expect(lessonEarningsToReverse(earnings, -900).map((x) => [x.earning.id, x.amountMinor])).toEqual([['a', 600], ['b', 300]]);
    expect(lessonEarningsToReverse(earnings, -5000).map((x) => [x.earning.id, x.amountMinor])).toEqual([['a', 600], ['b', 1000]]);
  });

  it('a credit pack grants credits in QST, balanced on its own', () => {
    const e = paymentEntries({ paymentId: 'p', studentId: 's', provider: 'fake', amountMinor: 29900, currency: 'INR', purpose: 'credit_pack', credits: 10 });
    expect(sumBy(e)).toEqual({ INR: 0, QST: 0 });
    expect(e.find((x) => x.account === 'student_credits:s')!.amountMinor).toBe(10);
  });

  it('shares stay balanced and the full share is the original', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000 }), (amount, bps, share) => {
        const entries = lessonEarningEntries('t', amount, 'USD', bps);
        const num = Math.min(share, amount);
        const part = shareOf(entries, num, amount);
        expect(sumBy(part).USD).toBe(0);
        expect(shareOf(entries, amount, amount).map((x) => x.amountMinor)).toEqual(entries.map((x) => x.amountMinor));
      }),
    );
  });

  it('any run of partial refunds adds up to exactly the negated payment, each step balanced', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 1_000_000 }), fc.integer({ min: 0, max: 10_000 }), fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 8 }), (amount, bps, weights) => {
        const payment = paymentEntries({ paymentId: 'p', studentId: 's', provider: 'fake', amountMinor: amount, currency: 'INR', purpose: 'booking', tutorId: 't', commissionBps: bps }).filter((x) => x.amountMinor !== 0);
        const total = weights.reduce((a, b) => a + b, 0);
        let before = 0;
        const all: { account: string; amountMinor: number; currency: string }[] = [];
        weights.forEach((w, i) => {
          const refund = i === weights.length - 1 ? amount - before : Math.floor((amount * w) / total);
          if (refund <= 0) return;
          const r = refundEntries(payment, amount, before, refund);
          expect(sumBy(r).INR ?? 0).toBe(0);
          expect(r.find((x) => x.account.startsWith('provider_clearing'))!.amountMinor).toBe(-refund);
          all.push(...r);
          before += refund;
        });
        const byAccount = (xs: { account: string; amountMinor: number }[]) => xs.reduce<Record<string, number>>((m, x) => ({ ...m, [x.account]: (m[x.account] ?? 0) + x.amountMinor }), {});
        const net = byAccount([...payment, ...all]);
        expect(Object.values(net).every((v) => v === 0)).toBe(true);
      }),
    );
  });

  it('a refund never exceeds the payment', () => {
    const payment = paymentEntries({ paymentId: 'p', studentId: 's', provider: 'fake', amountMinor: 100, currency: 'INR', purpose: 'subscription' });
    expect(() => refundEntries(payment, 100, 60, 50)).toThrow(/exceeds/);
  });

  it('refunded credits: the refunded share, capped by what the student still holds', () => {
    expect(creditsToRemove(10, 1000, 0, 1000, 10)).toEqual({ remove: 10, alreadyUsed: 0 });
    expect(creditsToRemove(10, 1000, 0, 1000, 3)).toEqual({ remove: 3, alreadyUsed: 7 });
    expect(creditsToRemove(10, 1000, 0, 500, 10)).toEqual({ remove: 5, alreadyUsed: 0 });
    expect(creditsToRemove(10, 1000, 0, 1, 10)).toEqual({ remove: 1, alreadyUsed: 0 });
    expect(creditsToRemove(10, 1000, 1, 999, 10)).toEqual({ remove: 9, alreadyUsed: 0 });
  });

  it('formats minor units as decimal strings', () => {
    expect(formatMinor(12345, 'INR')).toBe('123.45');
    expect(formatMinor(-5, 'USD')).toBe('-0.05');
    expect(formatMinor(0, 'USD')).toBe('0.00');
    expect(formatMinor(7, 'QST')).toBe('7');
  });

  it('a used credit comes from the oldest source with credits left (FIFO), net of refunds; none when all are spent', () => {
    const a = { id: 'a', granted: 3, removed: 0, used: 3 };
    const b = { id: 'b', granted: 10, removed: 4, used: 5 };
    const c = { id: 'c', granted: 5, removed: 0, used: 0 };
    expect(creditSourceFor([a, b, c])?.id).toBe('b');
    expect(creditSourceFor([a, { ...b, used: 6 }, c])?.id).toBe('c');
    expect(creditSourceFor([a, { ...b, removed: 10, used: 0 }])).toBeNull();
    expect(creditSourceFor([])).toBeNull();
  });
});
