/**
 * The one rules file of interaction weights (#17): how much each kind of event says a student liked a tutor.
 * Repeat lessons with the same tutor are the strongest signal; a low rating, a no-show and a lesson the tutor
 * cancelled count against. Pure: no clock, no I/O.
 */
import type { Interaction, SparseRows } from './interactions';

export type { SparseRows } from './interactions';

/** Weight of each kind at its reference value (see interactionWeight for how the value scales it). */
export const kindWeights = {
  /** An answered instant-help session of about 30 minutes. */
  session: 1,
  /** A first completed lesson with this tutor. */
  lesson: 2,
  /** Each further lesson with the same tutor: the student came back, the strongest signal we have. */
  repeatLesson: 3,
  class: 0.75,
  favourite: 1.5,
  view_booked: 0.5,
  /** Per star above 3 (4 stars +0.5, 5 stars +1). */
  ratingPerStarAbove3: 0.5,
  /** Per star below 3 (2 stars -1.5, 1 star -3). */
  ratingPerStarBelow3: -1.5,
  no_show: -1,
  tutor_cancelled: -1.5,
} as const;

/** A student-tutor pair's summed weight is clipped to this range, so one very loyal pair does not drown the rest. */
export const cellRange = { min: -3, max: 8 } as const;

/** Kinds whose events count toward repeatIndex ("how many times has this student already worked with this tutor"). */
const engagements = new Set(['session', 'lesson', 'class']);

/** A session's length factor: 30 minutes is 1, between a quarter (a few minutes) and 1.5 (an hour or more). */
const lengthFactor = (minutes: number) => Math.min(1.5, Math.max(0.25, minutes / 30));

/**
 * The weight of one event. `repeatIndex` is how many sessions, lessons or classes the student had with this tutor
 * before this event (0 for the first).
 */
export function interactionWeight(i: Interaction, ctx: { repeatIndex: number }): number {
  const v = Number.isFinite(i.value) ? i.value : 0;
  switch (i.kind) {
    case 'session':
      return kindWeights.session * lengthFactor(v);
    case 'lesson':
      return ctx.repeatIndex > 0 ? kindWeights.repeatLesson : kindWeights.lesson;
    case 'class':
      return kindWeights.class;
    case 'favourite':
      return kindWeights.favourite;
    case 'view_booked':
      return kindWeights.view_booked;
    case 'rating': {
      const stars = Math.min(5, Math.max(1, v));
      return stars >= 3 ? (stars - 3) * kindWeights.ratingPerStarAbove3 : (3 - stars) * kindWeights.ratingPerStarBelow3;
    }
    case 'no_show':
      return kindWeights.no_show;
    case 'tutor_cancelled':
      return kindWeights.tutor_cancelled;
  }
}

const clip = (x: number) => Math.min(cellRange.max, Math.max(cellRange.min, x));

/**
 * Sums the weights of each student-tutor pair into a sparse matrix (rows: students, columns: tutors, both sorted by
 * id), each sum clipped to cellRange; pairs that sum to 0 are left out. Events are weighed in time order per pair, so
 * the repeat index does not depend on the input's order.
 */
export function buildMatrix(rows: Interaction[]): { studentIds: string[]; tutorIds: string[]; X: SparseRows } {
  const ordered = rows.map((r, k) => ({ r, k })).sort((a, b) => a.r.ts.getTime() - b.r.ts.getTime() || a.k - b.k);
  const seen = new Map<string, number>();
  const sums = new Map<string, Map<string, number>>();
  for (const { r } of ordered) {
    const key = `${r.studentId}\u0000${r.tutorId}`;
    const repeatIndex = seen.get(key) ?? 0;
    const w = interactionWeight(r, { repeatIndex });
    if (engagements.has(r.kind)) seen.set(key, repeatIndex + 1);
    let row = sums.get(r.studentId);
    if (!row) sums.set(r.studentId, (row = new Map()));
    row.set(r.tutorId, (row.get(r.tutorId) ?? 0) + w);
  }
  const studentIds = [...sums.keys()].sort();
  const tutorIds = [...new Set(rows.map((r) => r.tutorId))].sort();
  const col = new Map(tutorIds.map((id, j) => [id, j]));
  const rowPtr = new Int32Array(studentIds.length + 1);
  const cols: number[] = [];
  const vals: number[] = [];
  studentIds.forEach((s, r) => {
    const entries = [...sums.get(s)!].map(([t, w]) => [col.get(t)!, clip(w)] as const).filter(([, w]) => w !== 0);
    entries.sort((a, b) => a[0] - b[0]);
    for (const [j, w] of entries) {
      cols.push(j);
      vals.push(w);
    }
    rowPtr[r + 1] = cols.length;
  });
  return {
    studentIds,
    tutorIds,
    X: { nRows: studentIds.length, nCols: tutorIds.length, rowPtr, colIdx: Int32Array.from(cols), values: Float64Array.from(vals) },
  };
}
