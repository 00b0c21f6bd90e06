/**
 * A course's school-paid tutoring (issue #16, decision 068), pure: how much a lesson draws on a learner's monthly
 * allowance, and whether it still fits. Months are calendar months in UTC, by the lesson's start.
 */
export type AllowanceUnit = 'lessons' | 'minutes';
export interface Allowance {
  unit: AllowanceUnit;
  perLearnerMonthly: number;
}

export const ALLOWANCE_MAX = { lessons: 100, minutes: 6000 } as const;

/** '2026-12': the UTC calendar month a lesson starting at `startsAt` counts in. */
export const allowanceMonth = (startsAt: Date): string => startsAt.toISOString().slice(0, 7);

/** What one lesson of `minutes` takes from the allowance, in its unit. */
export const drawOf = (unit: AllowanceUnit, minutes: number): number => (unit === 'lessons' ? 1 : minutes);

/**
 * The draw for a lesson, or null when the allowance does not pay for it: none set, switched off (0), or what the
 * learner has already used this month leaves too little (a lesson is never paid in part).
 */
export function allowanceDraw(allowance: Allowance | null, usedThisMonth: number, minutes: number): number | null {
  if (!allowance || allowance.perLearnerMonthly <= 0) return null;
  const draw = drawOf(allowance.unit, minutes);
  return usedThisMonth + draw <= allowance.perLearnerMonthly ? draw : null;
}

/**
 * Whether a cancelled lesson's draw comes back to the learner's month (decision 076): not when the school is billed
 * for it, which is a learner's late cancellation (billing keeps a paid lesson's price then, decision 075). A
 * cancellation in time, a tutor's late one, or one by nobody in particular (an admin) gives it back.
 */
export function drawReturnsOnCancel(c: { outcome: string; by: 'student' | 'tutor' | null }): boolean {
  return !(c.outcome === 'late_cancellation' && c.by === 'student');
}

/** Why an allowance a member of staff typed is refused (null: fine). */
export function allowanceProblem(a: Allowance): string | null {
  if (!Number.isInteger(a.perLearnerMonthly) || a.perLearnerMonthly < 0) return 'perLearnerMonthly: must be a whole number, 0 or more';
  if (a.perLearnerMonthly > ALLOWANCE_MAX[a.unit]) return `perLearnerMonthly: at most ${ALLOWANCE_MAX[a.unit]} ${a.unit} a month`;
  return null;
}
