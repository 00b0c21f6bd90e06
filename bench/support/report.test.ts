import { describe, expect, it } from 'vitest';
import { ratio, verdict } from './report';

describe('bench reports fail closed', () => {
  it('ratio is NaN when either side is missing, zero, negative or not finite', () => {
    for (const [ours, base] of [
      [1, 0],
      [0, 1],
      [1, Number.NaN],
      [Number.NaN, 1],
      [1, Number.POSITIVE_INFINITY],
      [1, -2],
      [undefined as unknown as number, 1],
    ] as const) {
      expect(ratio(ours, base)).toBeNaN();
    }
    expect(ratio(3, 2)).toBe(1.5);
  });

  it('a lower-is-better bench with a broken baseline is not ok, even if it claims to be', () => {
    expect(verdict({ ratio: ratio(5, 0), better: 'lower', target: 2, ok: true })).toBe(false);
    expect(verdict({ ratio: 0, better: 'lower', target: 2, ok: true })).toBe(false);
    expect(verdict({ ratio: 1.2, better: 'lower', target: 2, ok: true })).toBe(true);
    expect(verdict({ ratio: 2.5, better: 'lower', target: 2, ok: true })).toBe(false);
  });

  it('a higher-is-better bench needs a finite ratio at or above the target, and its own checks', () => {
    expect(verdict({ ratio: Number.NaN, better: 'higher', target: 0.5, ok: true })).toBe(false);
    expect(verdict({ ratio: 0.7, better: 'higher', target: 0.5, ok: true })).toBe(true);
    expect(verdict({ ratio: 0.7, better: 'higher', target: 0.5, ok: false })).toBe(false);
    expect(verdict({ ratio: 0.4, better: 'higher', target: 0.5, ok: true })).toBe(false);
  });
});
