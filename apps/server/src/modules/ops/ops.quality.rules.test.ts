import { describe, expect, it } from 'vitest';
import { acceptanceRate, mergeRatings } from './ops.quality.rules';

describe('tutor quality figures', () => {
  it('acceptance rate is accepted over offered, null with no offers', () => {
    expect(acceptanceRate(0, 0)).toBeNull();
    expect(acceptanceRate(4, 1)).toBe(0.25);
  });

  it('merges weekly ratings from help and rooms by week, oldest first, with the overall average', () => {
    const merged = mergeRatings(
      [
        { week: '2026-11-30', count: 2, sum: 9 },
        { week: '2026-11-16', count: 1, sum: 3 },
      ],
      [{ week: '2026-11-30', count: 1, sum: 1 }],
    );
    expect(merged).toEqual({
      count: 4,
      average: 13 / 4,
      weeks: [
        { week: '2026-11-16', count: 1, average: 3 },
        { week: '2026-11-30', count: 3, average: 10 / 3 },
      ],
    });
    expect(mergeRatings([], [])).toEqual({ count: 0, average: null, weeks: [] });
  });
});
