import { describe, expect, it } from 'vitest';
import { nodeOf, pairedRatios, perNode, slices } from './spread';

describe('spreading clients over processes and nodes', () => {
  it('slices keeps every item once, in order, with sizes within one of each other', () => {
    const items = Array.from({ length: 2000 }, (_, i) => i);
    for (const parts of [1, 2, 3, 7]) {
      const s = slices(items, parts);
      expect(s).toHaveLength(parts);
      expect(s.flat()).toEqual(items);
      const sizes = s.map((x) => x.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
    expect(slices([1, 2], 3).map((x) => x.length)).toEqual([0, 1, 1]);
    expect(() => slices([1], 0)).toThrow(/parts/);
  });

  it('2,000 tutors over 3 nodes: 667, 667 and 666, whichever process holds them', () => {
    expect(perNode(2000, 3)).toEqual([667, 667, 666]);
    const counts = [0, 0, 0];
    for (let i = 0; i < 2000; i++) counts[nodeOf(i, 3)]!++;
    expect(counts).toEqual(perNode(2000, 3));
    expect(perNode(2000, 1)).toEqual([2000]);
    expect(() => nodeOf(1, 0)).toThrow(/nodes/);
  });
});

describe('same-round ratios', () => {
  it('the headline is the median of the per-round ratios, not the ratio of the medians', () => {
    const r = pairedRatios([10, 30, 12], [10, 10, 4]);
    expect(r.perRound).toEqual([1, 3, 3]);
    expect(r.median).toBe(3);
    // ratio of medians would be 12 / 10 = 1.2
  });

  it('fails closed on a missing, zero or non-finite side, or unpaired rounds', () => {
    expect(pairedRatios([1, 2], [1, 0]).median).toBeNaN();
    expect(pairedRatios([1, Number.NaN], [1, 1]).median).toBeNaN();
    expect(pairedRatios([1, 2], [1]).median).toBeNaN();
    expect(pairedRatios([], []).median).toBeNaN();
  });
});
