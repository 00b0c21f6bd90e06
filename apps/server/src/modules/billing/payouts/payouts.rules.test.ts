import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from '../ledger/reports';
import { cutoffFor, mayMove, meetsMinimum, parseMinimums, payableAmount } from './payouts.rules';

describe('payout rules', () => {
  it('pays credits older than the cutoff, less every debit (payouts, reversals) whenever it happened', () => {
    expect(payableAmount({ beforeCutoff: -60000, debitsSince: 0 })).toBe(60000);
    expect(payableAmount({ beforeCutoff: -60000, debitsSince: 60000 })).toBe(0);
    expect(payableAmount({ beforeCutoff: -60000, debitsSince: 10000 })).toBe(50000);
    expect(payableAmount({ beforeCutoff: 5000, debitsSince: 0 })).toBe(0);
    expect(cutoffFor(new Date('2026-11-27T00:00:00Z'), 7).toISOString()).toBe('2026-11-20T00:00:00.000Z');
  });

  it('minimums per currency; a currency without one is never paid', () => {
    const mins = parseMinimums('INR:50000, USD:1000');
    expect(mins).toEqual({ INR: 50000, USD: 1000 });
    expect(meetsMinimum(50000, 'INR', mins)).toBe(true);
    expect(meetsMinimum(49999, 'INR', mins)).toBe(false);
    expect(meetsMinimum(5000, 'EUR', mins)).toBe(false);
    expect(() => parseMinimums('INR=5')).toThrow();
  });

  it('statuses only move forward', () => {
    expect(mayMove('pending', 'in_transit')).toBe(true);
    expect(mayMove('in_transit', 'failed')).toBe(true);
    expect(mayMove('paid', 'failed')).toBe(false);
    expect(mayMove('failed', 'paid')).toBe(false);
    expect(mayMove('in_transit', 'pending')).toBe(false);
  });

  it('CSV: quotes, commas and line breaks escaped; formulas defused; negative amounts left alone', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('-12.50')).toBe('-12.50');
    expect(toCsv(['a', 'b'], [[1, 'x,y']])).toBe('a,b\r\n1,"x,y"\r\n');
  });
});
