import { describe, expect, it } from 'vitest';
import type { Interaction, InteractionKind } from './interactions';
import { cutoffAt, evaluate, globalPopularityRecommender, mostUsedTutorRecommender, ndcgAt, type Recommender, splitByTime, topK } from './evaluate';

const day = (d: number) => new Date(Date.UTC(2026, 0, d));
const ev = (studentId: string, tutorId: string, d: number, kind: InteractionKind = 'lesson'): Interaction => ({ studentId, tutorId, subject: 'maths', ts: day(d), kind, value: 60 });

describe('ndcgAt and topK', () => {
  it('computes binary NDCG@10 by hand: hits at ranks 2 and 4 of two targets', () => {
    const expected = (1 / Math.log2(3) + 1 / Math.log2(5)) / (1 + 1 / Math.log2(3));
    expect(ndcgAt(['x', 'a', 'y', 'b'], new Set(['a', 'b']), 10)).toBeCloseTo(expected, 12);
    expect(ndcgAt(['a', 'b'], new Set(['a', 'b']), 10)).toBe(1);
    expect(ndcgAt(['x'], new Set(), 10)).toBe(0);
  });

  it('keeps the k best, skipping excluded ids, ties to the lower index', () => {
    expect(topK([1, 5, 3, 5, 0], ['a', 'b', 'c', 'd', 'e'], 3, new Set())).toEqual(['b', 'd', 'c']);
    expect(topK([1, 5, 3, 5, 0], ['a', 'b', 'c', 'd', 'e'], 2, new Set(['b']))).toEqual(['d', 'c']);
  });
});

describe('evaluate', () => {
  // s1 knew t1 before the cut-off (day 10) and then chose t2 (new) and t1 again (repeat); s2 is cold after it.
  const rows = [ev('s1', 't1', 1), ev('s1', 't3', 2, 'favourite'), ev('s3', 't2', 3), ev('s3', 't4', 4), ev('s4', 't4', 5), ev('s1', 't2', 11), ev('s1', 't1', 12), ev('s2', 't4', 13)];
  const { train, test } = splitByTime(rows, day(10));
  const fixed: Recommender = (_s, k, exclude) => ['t4', 't2', 't1', 't3'].filter((t) => !exclude.has(t)).slice(0, k);

  it('splits by time, separates new from repeat targets, excludes known tutors only for new ones', () => {
    const e = evaluate({ train, test, recommenders: { fixed } });
    expect(e.split).toEqual({ trainRows: 5, testRows: 3, catalogue: 4, coldStudents: 1, newTargets: 1, newTargetsUnseenTutors: 0, repeatTargets: 1 });
    // New: t1 and t3 excluded, list [t4, t2]: hit at rank 2.
    expect(e.newTutors.fixed).toEqual({ students: 1, recall10: 1, ndcg10: 1 / Math.log2(3), hit10: 1, coverage: 2 / 4, top10share: 1 / 2 });
    // Repeat: nothing excluded, t1 at rank 3.
    expect(e.repeatTutors.fixed!.ndcg10).toBeCloseTo(1 / Math.log2(4), 12);
    expect(e.repeatTutors.fixed!.coverage).toBe(1);
  });

  it('runs the baselines: global popularity puts t4 first; most-used rebooks t1 first', () => {
    const e = evaluate({ train, test, recommenders: { popularity: globalPopularityRecommender(train), mostUsed: mostUsedTutorRecommender(train) } });
    expect(e.newTutors.popularity!.ndcg10).toBeCloseTo(1 / Math.log2(3), 12);
    expect(e.repeatTutors.mostUsed!.ndcg10).toBe(1);
  });

  it('finds the cut-off that leaves a share of rows before it', () => {
    expect(cutoffAt(rows, 0.5)).toEqual(day(5));
  });
});
