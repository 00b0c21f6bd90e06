import { describe, expect, it } from 'vitest';
import { e164Digits, parseRetryAfter } from './http';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-05-01T10:00:00Z');
  it('reads delta-seconds and HTTP dates, and ignores junk', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Fri, 01 May 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Fri, 01 May 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});

describe('e164Digits', () => {
  it('strips one leading + and rejects non-numbers', () => {
    expect(e164Digits('+919876543210')).toBe('919876543210');
    expect(e164Digits('919876543210')).toBe('919876543210');
    expect(() => e164Digits('0919876543210')).toThrow(/E\.164/);
    expect(() => e164Digits('++91987')).toThrow();
    expect(() => e164Digits('91 98765 43210')).toThrow();
  });
});
