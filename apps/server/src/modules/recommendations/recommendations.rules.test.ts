import { describe, expect, it } from 'vitest';
import {
  blend,
  type Candidate,
  defaultServingConfig,
  diversify,
  exclusionOf,
  filterEligible,
  modelWeight,
  popularityScore,
  rankForStudent,
  reasonFor,
  reasonText,
  withExploration,
} from './recommendations.rules';

const cand = (over: Partial<Candidate> = {}): Candidate => ({
  tutorId: 't1',
  name: 'Asha',
  approved: true,
  disabled: false,
  teaches: true,
  languages: ['English', 'Hindi'],
  hasFreeSlot: true,
  offsetMinutes: 330,
  interactions: 10,
  ...over,
});

describe('filters', () => {
  it('keeps an approved, enabled tutor who teaches it, speaks the language and is free this week', () => {
    expect(exclusionOf(cand(), { language: 'hindi' })).toBeNull();
    expect(exclusionOf(cand(), { language: null })).toBeNull();
  });

  it('says which rule excludes a tutor', () => {
    expect(exclusionOf(cand({ approved: false }), { language: null })).toBe('unapproved');
    expect(exclusionOf(cand({ disabled: true }), { language: null })).toBe('disabled');
    expect(exclusionOf(cand({ teaches: false }), { language: null })).toBe('does_not_teach');
    expect(exclusionOf(cand(), { language: 'Tamil' })).toBe('language');
    expect(exclusionOf(cand({ hasFreeSlot: false }), { language: null })).toBe('no_free_slot');
  });

  it('filterEligible keeps only the eligible ones, in order', () => {
    const list = [cand({ tutorId: 'a' }), cand({ tutorId: 'b', approved: false }), cand({ tutorId: 'c', hasFreeSlot: false }), cand({ tutorId: 'd' })];
    expect(filterEligible(list, { language: null }).map((c) => c.tutorId)).toEqual(['a', 'd']);
  });
});

describe('cold start and blend', () => {
  it('ranks by popularity, and a tutor in a nearby zone before an equally popular far one', () => {
    const near = popularityScore({ interactions: 5, offsetMinutes: 330 }, 330);
    const far = popularityScore({ interactions: 5, offsetMinutes: -300 }, 330);
    const popularFar = popularityScore({ interactions: 200, offsetMinutes: -300 }, 330);
    expect(near).toBeGreaterThan(far);
    expect(popularFar).toBeGreaterThan(near);
  });

  it('gives the model no weight without history, a share for one or two interactions, all of it from three', () => {
    expect(modelWeight(0, true, defaultServingConfig)).toBe(0);
    expect(modelWeight(5, false, defaultServingConfig)).toBe(0);
    expect(modelWeight(1, true, defaultServingConfig)).toBeCloseTo(1 / 3);
    expect(modelWeight(2, true, defaultServingConfig)).toBeCloseTo(2 / 3);
    expect(modelWeight(3, true, defaultServingConfig)).toBe(1);
  });

  it('blends normalised scores', () => {
    const model = new Map([['a', 10], ['b', 0]]);
    const pop = new Map([['a', 0], ['b', 4]]);
    expect(blend(model, pop, 1).get('a')).toBe(1);
    expect(blend(model, pop, 0).get('b')).toBe(1);
    const half = blend(model, pop, 0.5);
    expect(half.get('a')).toBeCloseTo(0.5);
    expect(half.get('b')).toBeCloseTo(0.5);
  });
});

describe('diversity re-rank', () => {
  const items = [
    { tutorId: 'a', score: 1 },
    { tutorId: 'a2', score: 0.95 },
    { tutorId: 'b', score: 0.9 },
  ];
  const twins = (x: string, y: string) => (x[0] === y[0] ? 1 : 0);

  it('keeps the score order with no diversity', () => {
    expect(diversify(items, 3, 0, twins).map((i) => i.tutorId)).toEqual(['a', 'a2', 'b']);
  });

  it('moves a near-duplicate of the top tutor below a different one', () => {
    expect(diversify(items, 3, 0.3, twins).map((i) => i.tutorId)).toEqual(['a', 'b', 'a2']);
  });

  it('returns at most n, each once', () => {
    const out = diversify(items, 2, 0.5, twins);
    expect(out).toHaveLength(2);
    expect(new Set(out.map((i) => i.tutorId)).size).toBe(2);
  });
});

describe('exploration', () => {
  const ranked = Array.from({ length: 12 }, (_, i) => ({ tutorId: `old${String(i).padStart(2, '0')}`, score: 12 - i }));
  const newOnes = ['n1', 'n2', 'n3', 'n4'];
  const isNew = (id: string) => id.startsWith('n');

  it('gives the configured share of places to new tutors, marked new, spread through the list', () => {
    const out = withExploration(ranked, newOnes, { size: 10, explorationShare: 0.2 }, 0, isNew);
    expect(out).toHaveLength(10);
    const places = out.flatMap((p, i) => (p.isNew ? [i] : []));
    expect(places).toHaveLength(2);
    expect(places[0]).toBeGreaterThan(0);
    expect(places[1]).toBeLessThan(9);
    expect(out[0]!.tutorId).toBe('old00');
  });

  it('rotates which new tutors by the seed, and never repeats one', () => {
    const a = withExploration(ranked, newOnes, { size: 10, explorationShare: 0.2 }, 0, isNew).filter((p) => p.isNew).map((p) => p.tutorId);
    const b = withExploration(ranked, newOnes, { size: 10, explorationShare: 0.2 }, 2, isNew).filter((p) => p.isNew).map((p) => p.tutorId);
    expect(a).toEqual(['n1', 'n2']);
    expect(b).toEqual(['n3', 'n4']);
    const all = withExploration(ranked, newOnes, { size: 10, explorationShare: 0.9 }, 3, isNew).map((p) => p.tutorId);
    expect(new Set(all).size).toBe(all.length);
  });

  it('gives no place when the share is zero or nobody is new, and a place when a small share rounds to zero', () => {
    expect(withExploration(ranked, newOnes, { size: 10, explorationShare: 0 }, 0, isNew).some((p) => p.isNew)).toBe(false);
    expect(withExploration(ranked, [], { size: 10, explorationShare: 0.5 }, 0, isNew)).toHaveLength(10);
    expect(withExploration(ranked, newOnes, { size: 10, explorationShare: 0.01 }, 0, isNew).filter((p) => p.isNew)).toHaveLength(1);
  });

  it('fills a short list with new tutors', () => {
    const out = withExploration(ranked.slice(0, 1), newOnes, { size: 10, explorationShare: 0.2 }, 0, isNew);
    expect(out.map((p) => p.tutorId).sort()).toEqual(['n1', 'n2', 'n3', 'n4', 'old00']);
    expect(out[0]!.tutorId).toBe('old00');
  });
});

describe('tutors the student already has a lesson booked with', () => {
  const base = { want: { language: null }, modelScores: new Map<string, number>(), weight: 0, studentOffsetMinutes: 330, historyWeights: new Map<string, number>(), cfg: defaultServingConfig, size: 10, seed: 0, similarity: () => 0 };
  const candidates = [cand({ tutorId: 'booked', interactions: 40 }), cand({ tutorId: 'other', interactions: 5 }), cand({ tutorId: 'fresh', interactions: 0 })];

  it('takes no place in the list, established or new, while the others keep theirs', () => {
    expect(rankForStudent({ ...base, candidates }).map((p) => p.tutorId).sort()).toEqual(['booked', 'fresh', 'other']);
    expect(rankForStudent({ ...base, candidates, alreadyBooked: new Set(['booked', 'fresh']) }).map((p) => p.tutorId)).toEqual(['other']);
  });
});

describe('reasons', () => {
  const history = new Map([
    ['asha', { name: 'Asha', how: 'session' as const }],
    ['ravi', { name: 'Ravi', how: 'session' as const }],
    ['meera', { name: 'Meera', how: 'lesson' as const }],
  ]);

  it('names the two largest contributions from the student’s history', () => {
    const r = reasonFor({ isNew: false, history, contributions: [{ tutorId: 'asha', share: 0.5 }, { tutorId: 'ravi', share: 0.3 }, { tutorId: 'meera', share: 0.2 }] });
    expect(r).toEqual({ kind: 'history', how: 'session', tutorNames: ['Asha', 'Ravi'] });
    expect(reasonText(r)).toBe('Because you had sessions with Asha and Ravi');
  });

  it('says students who booked one tutor also booked this one', () => {
    const r = reasonFor({ isNew: false, history, contributions: [{ tutorId: 'meera', share: 0.9 }, { tutorId: 'asha', share: 0.05 }] });
    expect(reasonText(r)).toBe('Students who booked Meera also booked this tutor');
  });

  it('marks a new tutor, and falls back to popularity without contributions', () => {
    expect(reasonText(reasonFor({ isNew: true, history, contributions: [{ tutorId: 'asha', share: 1 }] }))).toBe('New tutor');
    expect(reasonFor({ isNew: false, history, contributions: [] })).toEqual({ kind: 'popular' });
  });

  it('never names anyone outside the student’s own history (another student, a tutor they never met)', () => {
    const r = reasonFor({ isNew: false, history, contributions: [{ tutorId: 'student-priya', share: 0.7 }, { tutorId: 'stranger', share: 0.2 }] });
    expect(r).toEqual({ kind: 'popular' });
    expect(JSON.stringify(r)).not.toMatch(/priya|stranger/i);
  });
});
