import { describe, expect, it } from 'vitest';
import { lineKindLabel, majorToMinor, minorToMajorInput, monthLabel, preferredCurrency, rangeEndingOn, reportPath, revenueTotals, statusLabel, statusTone } from './billing-format';

describe('majorToMinor', () => {
  it('converts typed major units to integer minor units without floats', () => {
    expect(majorToMinor('499', 'INR')).toBe(49900);
    expect(majorToMinor('499.5', 'INR')).toBe(49950);
    expect(majorToMinor(' 1,299.00 ', 'INR')).toBe(129900);
    expect(majorToMinor('9.99', 'USD')).toBe(999);
    expect(majorToMinor('0.29', 'USD')).toBe(29);
    expect(majorToMinor('1.', 'USD')).toBe(100);
    expect(majorToMinor('500', 'JPY')).toBe(500);
  });
  it('refuses what is not a plain amount', () => {
    for (const bad of ['', 'abc', '-5', '1.234', '1e3', '.5.5', '12,34.5x']) expect(majorToMinor(bad, 'USD')).toBeNull();
    expect(majorToMinor('5.5', 'JPY')).toBeNull();
  });
  it('round-trips with minorToMajorInput', () => {
    for (const n of [0, 1, 29, 999, 49900, 129999]) expect(majorToMinor(minorToMajorInput(n, 'INR'), 'INR')).toBe(n);
    expect(minorToMajorInput(999, 'USD')).toBe('9.99');
    expect(minorToMajorInput(5, 'USD')).toBe('0.05');
    expect(minorToMajorInput(-150, 'USD')).toBe('-1.50');
    expect(minorToMajorInput(500, 'JPY')).toBe('500');
  });
});

describe('words and choices', () => {
  it('names every status and gives it a tone', () => {
    expect(statusLabel('past_due')).toBe('Payment overdue');
    expect(statusLabel('none')).toBe('No plan');
    expect(statusTone('trialing')).toBe('good');
    expect(statusTone('past_due')).toBe('warn');
    expect(statusTone('lapsed')).toBe('off');
  });
  it('prefers INR in India and USD elsewhere, if sold', () => {
    expect(preferredCurrency('Asia/Kolkata', ['INR', 'USD'])).toBe('INR');
    expect(preferredCurrency('Europe/Berlin', ['INR', 'USD'])).toBe('USD');
    expect(preferredCurrency('Europe/Berlin', ['INR'])).toBe('INR');
    expect(preferredCurrency(undefined, [])).toBe('USD');
  });
  it('writes months, ranges, report paths and line kinds', () => {
    expect(monthLabel('2026-11', 'en-US')).toBe('November 2026');
    expect(monthLabel('bad')).toBe('bad');
    expect(rangeEndingOn('2026-02-15', 2)).toEqual({ from: '2025-12-01', to: '2026-02-15' });
    expect(rangeEndingOn('2026-11-27', 0)).toEqual({ from: '2026-11-01', to: '2026-11-27' });
    expect(reportPath('/api/x', { from: '2026-01-01', to: '2026-01-31' }, true)).toBe('/api/x?from=2026-01-01&to=2026-01-31&format=csv');
    expect(lineKindLabel('payout')).toBe('Payout');
    expect(lineKindLabel('question_earning')).toBe('Question earning');
  });
});

describe('revenueTotals', () => {
  it('adds months up per currency', () => {
    const row = (month: string, currency: string, n: number) => ({ month, currency, receivedMinor: n, refundedMinor: 1, revenueMinor: n - 1, commissionMinor: 2, tutorEarningsMinor: 3, deferredMinor: 4 });
    expect(revenueTotals([row('2026-10', 'INR', 100), row('2026-10', 'USD', 10), row('2026-11', 'INR', 50)])).toEqual([
      { currency: 'INR', receivedMinor: 150, refundedMinor: 2, revenueMinor: 148, commissionMinor: 4, tutorEarningsMinor: 6, deferredMinor: 8 },
      { currency: 'USD', receivedMinor: 10, refundedMinor: 1, revenueMinor: 9, commissionMinor: 2, tutorEarningsMinor: 3, deferredMinor: 4 },
    ]);
    expect(revenueTotals([])).toEqual([]);
  });
});
