import { describe, expect, it } from 'vitest';
import type { Interaction, InteractionKind } from './interactions';
import { buildMatrix, cellRange, interactionWeight } from './weights';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
const ev = (kind: InteractionKind, value = 1, over: Partial<Interaction> = {}): Interaction => ({ studentId: 's1', tutorId: 't1', subject: 'maths', ts: at(0), kind, value, ...over });
const first = { repeatIndex: 0 };

describe('interactionWeight', () => {
  it('makes a repeat lesson the strongest positive signal of all kinds', () => {
    const repeat = interactionWeight(ev('lesson', 60), { repeatIndex: 1 });
    const others = [
      interactionWeight(ev('lesson', 60), first),
      interactionWeight(ev('session', 600), first),
      interactionWeight(ev('class', 60), first),
      interactionWeight(ev('favourite'), first),
      interactionWeight(ev('view_booked'), first),
      interactionWeight(ev('rating', 5), first),
    ];
    for (const w of others) expect(repeat).toBeGreaterThan(w);
    expect(interactionWeight(ev('lesson', 60), { repeatIndex: 5 })).toBe(repeat);
  });

  it('counts a low rating, a no-show and a lesson the tutor cancelled against the tutor', () => {
    expect(interactionWeight(ev('rating', 1), first)).toBeLessThan(0);
    expect(interactionWeight(ev('rating', 2), first)).toBeLessThan(0);
    expect(interactionWeight(ev('rating', 1), first)).toBeLessThan(interactionWeight(ev('rating', 2), first));
    expect(interactionWeight(ev('no_show'), first)).toBeLessThan(0);
    expect(interactionWeight(ev('tutor_cancelled'), first)).toBeLessThan(0);
  });

  it('weighs ratings by stars: 3 is neutral, 4 and 5 positive, out-of-range stars clamped', () => {
    expect(interactionWeight(ev('rating', 3), first)).toBe(0);
    expect(interactionWeight(ev('rating', 4), first)).toBeGreaterThan(0);
    expect(interactionWeight(ev('rating', 5), first)).toBeGreaterThan(interactionWeight(ev('rating', 4), first));
    expect(interactionWeight(ev('rating', 9), first)).toBe(interactionWeight(ev('rating', 5), first));
    expect(interactionWeight(ev('rating', 0), first)).toBe(interactionWeight(ev('rating', 1), first));
  });

  it('scales a session by its length, bounded both ways, and treats a non-number value as the shortest', () => {
    expect(interactionWeight(ev('session', 30), first)).toBe(1);
    expect(interactionWeight(ev('session', 60), first)).toBeGreaterThan(1);
    expect(interactionWeight(ev('session', 600), first)).toBe(interactionWeight(ev('session', 45), first));
    expect(interactionWeight(ev('session', 2), first)).toBeGreaterThan(0);
    expect(interactionWeight(ev('session', Number.NaN), first)).toBe(interactionWeight(ev('session', 0), first));
  });
});

describe('buildMatrix', () => {
  it('sums each pair, counts repeats in time order whatever the input order, and sorts ids', () => {
    const rows = [
      ev('lesson', 60, { ts: at(20) }), // second lesson: a repeat
      ev('lesson', 60, { ts: at(10) }),
      ev('favourite', 1, { studentId: 's0', tutorId: 't2' }),
      ev('rating', 1, { studentId: 's0', tutorId: 't1' }),
    ];
    const { studentIds, tutorIds, X } = buildMatrix(rows);
    expect(studentIds).toEqual(['s0', 's1']);
    expect(tutorIds).toEqual(['t1', 't2']);
    expect(X.nRows).toBe(2);
    expect(X.nCols).toBe(2);
    expect([...X.rowPtr]).toEqual([0, 2, 3]);
    expect([...X.colIdx]).toEqual([0, 1, 0]);
    expect([...X.values]).toEqual([-3, 1.5, 2 + 3]);
    expect(buildMatrix([...rows].reverse()).X.values).toEqual(X.values);
  });

  it('clips a summed pair to the cell range and leaves out pairs that cancel to 0', () => {
    const many = Array.from({ length: 10 }, (_, k) => ev('lesson', 60, { ts: at(k) }));
    const cancel = [ev('favourite', 1, { tutorId: 't2' }), ev('rating', 2, { tutorId: 't2', ts: at(1) })];
    const { tutorIds, X } = buildMatrix([...many, ...cancel]);
    expect(tutorIds).toEqual(['t1', 't2']);
    expect([...X.values]).toEqual([cellRange.max]);
    expect([...X.colIdx]).toEqual([0]);
  });

  it('gives an empty matrix for no rows', () => {
    const { studentIds, tutorIds, X } = buildMatrix([]);
    expect(studentIds).toEqual([]);
    expect(tutorIds).toEqual([]);
    expect([...X.rowPtr]).toEqual([0]);
  });
});
