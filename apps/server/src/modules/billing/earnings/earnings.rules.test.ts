import { describe, expect, it } from 'vitest';
import { balanceParts } from '../payouts/payouts.rules';
import { convertMinor, formatRate, parseFxRates, parseRate, questionEarningTerms, rateBetween } from './earnings.rules';

const rates = [
  { currency: 'INR', amountMinor: 4000 },
  { currency: 'USD', amountMinor: 150 },
];
const fx = { rates: [{ from: 'USD', to: 'INR', rate: '83.25' }], source: 'RBI reference 2026-11-30' };

describe('questionEarningTerms: the earning is in the currency of the money that paid for the question', () => {
  it('a question paid in USD earns the USD rate, whatever the tutor’s own currency', () => {
    expect(questionEarningTerms({ paidIn: 'USD', tutorCurrency: 'INR', rates, fx })).toEqual({ amountMinor: 150, currency: 'USD', funded: true, conversion: null, unconverted: null });
    expect(questionEarningTerms({ paidIn: 'INR', tutorCurrency: 'USD', rates, fx })).toEqual({ amountMinor: 4000, currency: 'INR', funded: true, conversion: null, unconverted: null });
  });

  it('a question nobody paid for is the platform’s cost in the tutor’s currency', () => {
    expect(questionEarningTerms({ paidIn: null, tutorCurrency: 'USD', rates, fx })).toMatchObject({ amountMinor: 150, currency: 'USD', funded: false });
    expect(questionEarningTerms({ paidIn: null, tutorCurrency: 'INR', rates, fx })).toMatchObject({ amountMinor: 4000, currency: 'INR', funded: false });
  });

  it('with no rate in the payment currency, the tutor’s rate is converted, and the conversion is described', () => {
    const onlyInr = [{ currency: 'INR', amountMinor: 4000 }];
    // 1 USD = 83.25 INR, so 1 INR = 0.012012012012 USD: ₹40.00 → $0.48.
    expect(questionEarningTerms({ paidIn: 'USD', tutorCurrency: 'INR', rates: onlyInr, fx })).toEqual({
      amountMinor: 48,
      currency: 'USD',
      funded: true,
      conversion: { fromCurrency: 'INR', fromAmountMinor: 4000, rate: '0.012012012012', source: 'RBI reference 2026-11-30' },
      unconverted: null,
    });
    const onlyUsd = [{ currency: 'USD', amountMinor: 150 }];
    expect(questionEarningTerms({ paidIn: 'INR', tutorCurrency: 'USD', rates: onlyUsd, fx })).toMatchObject({ amountMinor: 12488, currency: 'INR', conversion: { rate: '83.250000000000' } });
  });

  it('with no exchange rate either, it stays the platform’s cost in the rate’s currency, flagged, not linked to the payment', () => {
    expect(questionEarningTerms({ paidIn: 'EUR', tutorCurrency: 'INR', rates, fx })).toEqual({ amountMinor: 4000, currency: 'INR', funded: false, conversion: null, unconverted: { wanted: 'EUR' } });
    expect(questionEarningTerms({ paidIn: 'USD', tutorCurrency: 'INR', rates: [], fx })).toBeNull();
  });
});

describe('exchange rates', () => {
  it('parse, format, invert and convert with half-up rounding in exact arithmetic', () => {
    expect(formatRate(parseRate('83.25'))).toBe('83.250000000000');
    expect(rateBetween(fx, 'USD', 'INR')).toEqual({ rate: parseRate('83.25'), via: null });
    expect(formatRate(rateBetween(fx, 'INR', 'USD')!.rate)).toBe('0.012012012012');
    expect(rateBetween(fx, 'EUR', 'INR')).toBeNull();
    // Quoted against one currency, the others cross through it: 1 USD = 83.25 INR = 83.25 / 90.50 EUR.
    const both = { rates: [...fx.rates, { from: 'EUR', to: 'INR', rate: '90.50' }], source: 's' };
    const cross = rateBetween(both, 'USD', 'EUR')!;
    expect(cross.via).toBe('INR');
    expect(Number(formatRate(cross.rate))).toBeCloseTo(83.25 / 90.5, 10);
    expect(questionEarningTerms({ paidIn: 'EUR', tutorCurrency: 'USD', rates: [{ currency: 'USD', amountMinor: 150 }], fx: both })).toMatchObject({
      amountMinor: 138,
      currency: 'EUR',
      conversion: { fromCurrency: 'USD', fromAmountMinor: 150, source: 's (cross rate via INR)' },
    });
    expect(convertMinor(150, parseRate('83.25'))).toBe(12488); // 12487.5 → 12488
    expect(convertMinor(1, parseRate('0.5'))).toBe(1);
    expect(convertMinor(1, parseRate('0.49'))).toBe(0);
    expect(() => parseRate('0')).toThrow(/positive/);
    expect(() => parseRate('1e3')).toThrow(/decimal/);
  });

  it('reads BILLING_FX_RATES', () => {
    expect(parseFxRates('USD:INR=83.25, EUR:INR=90.1')).toEqual([
      { from: 'USD', to: 'INR', rate: '83.25' },
      { from: 'EUR', to: 'INR', rate: '90.1' },
    ]);
    expect(parseFxRates('')).toEqual([]);
    expect(() => parseFxRates('USD:USD=1')).toThrow(/FROM:TO=rate/);
    expect(() => parseFxRates('USD-INR=83')).toThrow(/FROM:TO=rate/);
  });
});

describe('balanceParts: each amount once', () => {
  it('splits what is owed into payable now and on hold, never counting an amount twice', () => {
    expect(balanceParts(4000, 0)).toEqual({ payableMinor: 0, onHoldMinor: 4000 });
    expect(balanceParts(4000, 4000)).toEqual({ payableMinor: 4000, onHoldMinor: 0 });
    expect(balanceParts(7000, 3000)).toEqual({ payableMinor: 3000, onHoldMinor: 4000 });
    // A refund after a payout: the tutor owes; nothing is on hold.
    expect(balanceParts(-500, 0)).toEqual({ payableMinor: -500, onHoldMinor: 0 });
    for (const [owed, available] of [[4000, 0], [7000, 3000], [-500, 0], [100, 100]] as const) {
      const p = balanceParts(owed, available);
      expect(p.payableMinor + p.onHoldMinor).toBe(owed);
    }
  });
});
