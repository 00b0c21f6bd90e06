import { describe, expect, it } from 'vitest';
import { interactionKinds } from './interactions';
import { generateInteractions } from './generate';

const opts = { seed: 42, students: 400, tutors: 60, interactions: 5000, start: new Date(Date.UTC(2026, 0, 1)), days: 120 };

describe('generateInteractions', () => {
  const g = generateInteractions(opts);

  it('is the same for the same seed, and different for another', () => {
    expect(generateInteractions(opts).rows).toEqual(g.rows);
    expect(generateInteractions({ ...opts, seed: 43 }).rows).not.toEqual(g.rows);
  });

  it('makes about the asked number of rows, in time order, inside the period, of known kinds, with known people', () => {
    expect(g.rows.length).toBeGreaterThan(0.8 * opts.interactions);
    expect(g.rows.length).toBeLessThan(1.1 * opts.interactions);
    const tutors = new Map(g.tutors.map((t) => [t.id, t]));
    const students = new Set(g.students.map((s) => s.id));
    const end = opts.start.getTime() + opts.days * 86_400_000;
    const wrong = g.rows.filter(
      (r, k) =>
        !(interactionKinds as readonly string[]).includes(r.kind) ||
        !students.has(r.studentId) ||
        !tutors.get(r.tutorId)?.subjects.includes(r.subject) ||
        r.ts.getTime() >= end ||
        (k > 0 && r.ts.getTime() < g.rows[k - 1]!.ts.getTime()),
    );
    expect(wrong).toEqual([]);
  });

  it('has the structure of tutoring: popularity skew, language affinity, repeat loyalty, and tutors who join late', () => {
    const perTutor = new Map<string, number>();
    for (const r of g.rows) perTutor.set(r.tutorId, (perTutor.get(r.tutorId) ?? 0) + 1);
    const counts = [...perTutor.values()].sort((a, b) => b - a);
    const top = counts.slice(0, Math.ceil(opts.tutors / 10)).reduce((a, b) => a + b, 0);
    expect(top / g.rows.length).toBeGreaterThan(0.2);

    const lang = new Map([...g.students.map((s) => [s.id, s.language] as const), ...g.tutors.map((t) => [t.id, t.language] as const)]);
    const lessons = g.rows.filter((r) => r.kind === 'lesson');
    // Chance: the share of (student, tutor) pairs with the same language if they met at random.
    const share = (xs: Array<{ language: string }>, l: string) => xs.filter((x) => x.language === l).length / xs.length;
    const chance = [...new Set(g.tutors.map((t) => t.language))].reduce((a, l) => a + share(g.students, l) * share(g.tutors, l), 0);
    expect(lessons.filter((r) => lang.get(r.studentId) === lang.get(r.tutorId)).length / lessons.length).toBeGreaterThan(chance + 0.1);

    const pairs = new Map<string, number>();
    for (const r of lessons) pairs.set(`${r.studentId}/${r.tutorId}`, (pairs.get(`${r.studentId}/${r.tutorId}`) ?? 0) + 1);
    expect([...pairs.values()].filter((n) => n > 1).length).toBeGreaterThan(0.2 * pairs.size);

    expect(g.tutors.some((t) => t.createdAt.getTime() > opts.start.getTime())).toBe(true);
    expect(g.tutors.some((t) => t.leftAt !== null)).toBe(true);
  });
});
