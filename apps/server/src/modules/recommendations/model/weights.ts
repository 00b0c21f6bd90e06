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
  const inOrder = rows.every((r, k) => k === 0 || rows[k - 1]!.ts.getTime() <= r.ts.getTime());
  // A stable sort by time (most callers already pass rows in time order, which skips it).
  const ordered = inOrder ? rows : rows.map((r, k) => ({ r, k, t: r.ts.getTime() })).sort((a, b) => a.t - b.t || a.k - b.k).map((x) => x.r);
  // Ids become numbers first: a Map keyed by a number is much cheaper than one keyed by a joined string.
  const students = new Map<string, number>();
  const tutors = new Map<string, number>();
  const pairOf = new Map<number, number>();
  const pairStudent: number[] = [];
  const pairTutor: number[] = [];
  const pairWeight: number[] = [];
  const pairSeen: number[] = [];
  for (const r of ordered) {
    let s = students.get(r.studentId);
    if (s === undefined) students.set(r.studentId, (s = students.size));
    let t = tutors.get(r.tutorId);
    if (t === undefined) tutors.set(r.tutorId, (t = tutors.size));
    const key = s * 2 ** 24 + t;
    let p = pairOf.get(key);
    if (p === undefined) {
      pairOf.set(key, (p = pairStudent.length));
      pairStudent.push(s);
      pairTutor.push(t);
      pairWeight.push(0);
      pairSeen.push(0);
    }
    pairWeight[p] = pairWeight[p]! + interactionWeight(r, { repeatIndex: pairSeen[p]! });
    if (engagements.has(r.kind)) pairSeen[p] = pairSeen[p]! + 1;
  }
  const studentIds = [...students.keys()].sort();
  const tutorIds = [...tutors.keys()].sort();
  const studentRank = new Int32Array(students.size);
  studentIds.forEach((id, k) => (studentRank[students.get(id)!] = k));
  const tutorRank = new Int32Array(tutors.size);
  tutorIds.forEach((id, k) => (tutorRank[tutors.get(id)!] = k));
  const kept = pairStudent.map((_, p) => p).filter((p) => clip(pairWeight[p]!) !== 0);
  kept.sort((a, b) => studentRank[pairStudent[a]!]! - studentRank[pairStudent[b]!]! || tutorRank[pairTutor[a]!]! - tutorRank[pairTutor[b]!]!);
  const rowPtr = new Int32Array(studentIds.length + 1);
  const colIdx = new Int32Array(kept.length);
  const values = new Float64Array(kept.length);
  kept.forEach((p, k) => {
    const row = studentRank[pairStudent[p]!]! + 1;
    rowPtr[row] = rowPtr[row]! + 1;
    colIdx[k] = tutorRank[pairTutor[p]!]!;
    values[k] = clip(pairWeight[p]!);
  });
  for (let r = 0; r < studentIds.length; r++) rowPtr[r + 1] = rowPtr[r + 1]! + rowPtr[r]!;
  return { studentIds, tutorIds, X: { nRows: studentIds.length, nCols: tutorIds.length, rowPtr, colIdx, values } };
}
