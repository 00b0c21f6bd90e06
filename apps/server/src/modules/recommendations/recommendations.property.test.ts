import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Candidate, defaultServingConfig, rankForStudent } from './recommendations.rules';

const candidate = (i: number) =>
  fc.record({
    approved: fc.boolean(),
    disabled: fc.boolean(),
    teaches: fc.boolean(),
    hasFreeSlot: fc.boolean(),
    languages: fc.subarray(['English', 'Hindi', 'Tamil']),
    offsetMinutes: fc.integer({ min: -600, max: 840 }),
    interactions: fc.integer({ min: 0, max: 50 }),
  }).map((c): Candidate => ({ ...c, tutorId: `t${i}`, name: `Tutor ${i}` }));

const input = fc.integer({ min: 0, max: 25 }).chain((n) =>
  fc.record({
    candidates: fc.tuple(...Array.from({ length: n }, (_, i) => candidate(i))),
    language: fc.constantFrom(null, 'English', 'Hindi', 'Tamil'),
    scores: fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: n, maxLength: n }),
    history: fc.array(fc.double({ min: -3, max: 8, noNaN: true }), { minLength: n, maxLength: n }),
    weight: fc.double({ min: 0, max: 1, noNaN: true }),
    explorationShare: fc.double({ min: 0, max: 1, noNaN: true }),
    diversity: fc.double({ min: 0, max: 1, noNaN: true }),
    size: fc.integer({ min: 1, max: 20 }),
    seed: fc.nat(),
    booked: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
  }),
);

describe('recommendations property', () => {
  it('never recommends a suspended, unapproved or disabled tutor, one who does not teach it, speak the language or have a free slot, nor one already booked; never twice; never more than asked', () => {
    fc.assert(
      fc.property(input, (x) => {
        const placed = rankForStudent({
          candidates: x.candidates,
          want: { language: x.language },
          // The model scores every tutor, eligible or not (it was trained before some were suspended).
          modelScores: new Map(x.candidates.map((c, i) => [c.tutorId, x.scores[i]!])),
          weight: x.weight,
          studentOffsetMinutes: 330,
          historyWeights: new Map(x.candidates.map((c, i) => [c.tutorId, x.history[i]!])),
          alreadyBooked: new Set(x.candidates.filter((_, i) => x.booked[i]).map((c) => c.tutorId)),
          cfg: { ...defaultServingConfig, explorationShare: x.explorationShare, diversity: x.diversity },
          size: x.size,
          seed: x.seed,
          similarity: (a, b) => (a.length === b.length ? 0.5 : 0),
        });
        const byId = new Map(x.candidates.map((c, i) => [c.tutorId, { c, history: x.history[i]!, booked: x.booked[i]! }]));
        // The checker reads the candidate's own fields, not the code's filter.
        for (const p of placed) {
          const { c, history, booked } = byId.get(p.tutorId)!;
          expect(booked).toBe(false);
          expect(c.approved && !c.disabled && c.teaches && c.hasFreeSlot).toBe(true);
          if (x.language) expect(c.languages).toContain(x.language);
          expect(history).toBeGreaterThanOrEqual(0);
        }
        expect(new Set(placed.map((p) => p.tutorId)).size).toBe(placed.length);
        expect(placed.length).toBeLessThanOrEqual(x.size);
      }),
      { numRuns: 300 },
    );
  });
});
