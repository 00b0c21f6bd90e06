import { describe, expect, it } from 'vitest';
import { linearFit } from './fit';

describe('linearFit', () => {
  it('a straight line has R² 1 and its own slope and intercept', () => {
    const f = linearFit([5, 10, 15, 20, 25, 30].map((n) => [n, 3 * n + 7] as const));
    expect(f.slope).toBeCloseTo(3, 12);
    expect(f.intercept).toBeCloseTo(7, 12);
    expect(f.r2).toBeCloseTo(1, 12);
  });

  it('matches a hand-computed R² for noisy points', () => {
    // y = 1, 3, 2, 5 at x = 1..4: slope 1.1, intercept 0, SS_res 2.7, SS_tot 8.75.
    const f = linearFit([
      [1, 1],
      [2, 3],
      [3, 2],
      [4, 5],
    ]);
    expect(f.slope).toBeCloseTo(1.1, 12);
    expect(f.intercept).toBeCloseTo(0, 12);
    expect(f.r2).toBeCloseTo(1 - 2.7 / 8.75, 12);
  });

  it('a flat or scattered egress fails a 0.98 check', () => {
    expect(linearFit([5, 10, 15, 20, 25, 30].map((n, i) => [n, i % 2 ? 100 : 900] as const)).r2).toBeLessThan(0.98);
  });

  it('fails closed: too few points, non-finite values, constant x or y give NaN', () => {
    expect(linearFit([[1, 1], [2, 2]]).r2).toBeNaN();
    expect(linearFit([[1, 1], [2, Number.NaN], [3, 3]]).r2).toBeNaN();
    expect(linearFit([[1, 1], [2, Number.POSITIVE_INFINITY], [3, 3]]).r2).toBeNaN();
    expect(linearFit([[2, 1], [2, 2], [2, 3]]).r2).toBeNaN();
    expect(linearFit([[1, 0], [2, 0], [3, 0]]).r2).toBeNaN();
  });
});
