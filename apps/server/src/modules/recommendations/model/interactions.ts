/**
 * What the recommender learns from (#17): one implicit-feedback event of a student with a tutor, from any source the
 * platform already has. Pure types; the weights of each kind live in weights.ts.
 */
export const interactionKinds = ['session', 'lesson', 'class', 'favourite', 'rating', 'no_show', 'view_booked', 'tutor_cancelled'] as const;

export type InteractionKind = (typeof interactionKinds)[number];

export const isInteractionKind = (s: string): s is InteractionKind => (interactionKinds as readonly string[]).includes(s);

/**
 * `value` depends on the kind: minutes for a session, lesson or class, the stars (1-5) for a rating, and 1 for
 * the others (a favourite, a no-show, a view that led to a booking, a lesson the tutor cancelled).
 */
export interface Interaction {
  studentId: string;
  tutorId: string;
  subject: string;
  ts: Date;
  kind: InteractionKind;
  value: number;
}

/**
 * A sparse students x tutors matrix in compressed-row form: row r's entries are colIdx/values[rowPtr[r] .. rowPtr[r+1]),
 * columns ascending within a row.
 */
export interface SparseRows {
  nRows: number;
  nCols: number;
  rowPtr: Int32Array;
  colIdx: Int32Array;
  values: Float64Array;
}
