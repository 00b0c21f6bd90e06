import type { LtiAllowance, LtiAllowanceBody } from '@tutorline/contracts';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import { type Fail, fail, ok, type Result } from '../../platform/result';
import type { AllowanceRepo } from './lti.allowance.repo';
import { allowanceMonth, allowanceProblem } from './lti.allowance.rules';
import type { NrpsRepo } from './lti.nrps.repo';

export type AllowanceFailure = Fail<'not_found'> | Fail<'invalid', { message: string }>;
type Viewer = { id: string; role: string };

/**
 * A course's school-paid tutoring (decision 068): course staff of the course (or an admin) set how many lessons or
 * lesson-minutes each learner may book per month without paying, and see what was used. Drawing happens at booking
 * time (lti.course-bookings.ts).
 */
export function createCourseAllowances(deps: { repo: AllowanceRepo; nrps: NrpsRepo; clock: Clock; logger: Logger }) {
  const { repo, nrps, clock, logger } = deps;
  async function allowed(courseId: string, viewer: Viewer): Promise<boolean> {
    if (!(await nrps.courseForRoster(courseId))) return false;
    return viewer.role === 'admin' || (await nrps.memberRole(courseId, viewer.id)) === 'staff';
  }

  /** The allowance, this month, and per learner what it paid for this month (in its unit). */
  async function summary(courseId: string): Promise<{ view: LtiAllowance; perLearner: Map<string, number> }> {
    const row = await repo.allowanceOf(repo.db, courseId);
    const month = allowanceMonth(clock.now());
    const perLearner = row ? await repo.usedIn(courseId, month, row.unit) : new Map<string, number>();
    const usedThisMonth = [...perLearner.values()].reduce((a, b) => a + b, 0);
    return { view: { allowance: row ? { unit: row.unit, perLearnerMonthly: row.perLearnerMonthly, updatedAt: row.updatedAt.toISOString() } : null, month, usedThisMonth }, perLearner };
  }

  return {
    summary,

    async view(courseId: string, viewer: Viewer): Promise<Result<LtiAllowance, AllowanceFailure>> {
      if (!(await allowed(courseId, viewer))) return fail('not_found');
      return ok((await summary(courseId)).view);
    },

    async set(courseId: string, viewer: Viewer, body: LtiAllowanceBody): Promise<Result<LtiAllowance, AllowanceFailure>> {
      if (!(await allowed(courseId, viewer))) return fail('not_found');
      const problem = allowanceProblem(body);
      if (problem) return fail('invalid', { message: problem });
      const before = await repo.allowanceOf(repo.db, courseId);
      const row = await repo.setAllowance({ courseId, unit: body.unit, perLearnerMonthly: body.perLearnerMonthly, setBy: viewer.id, updatedAt: clock.now() });
      logger.info(
        { event: 'lti_allowance_set', courseId, by: viewer.id, unit: row.unit, perLearnerMonthly: row.perLearnerMonthly, before: before ? { unit: before.unit, perLearnerMonthly: before.perLearnerMonthly } : null },
        "course allowance set",
      );
      return ok((await summary(courseId)).view);
    },
  };
}
export type CourseAllowances = ReturnType<typeof createCourseAllowances>;
