import type { LtiStatement } from '@tutorline/contracts';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db';
import { type Fail, fail, ok, type Result } from '../../platform/result';
import { schoolLessonCharges } from '../billing';
import { accountsByIds } from '../identity';
import { bookingsByIds } from '../scheduling';
import { allowanceMonth } from './lti.allowance.rules';
import type { NrpsRepo } from './lti.nrps.repo';
import { statementLine, statementMonth, statementTotals } from './lti.statement.rules';
import type { StatementRepo } from './lti.statement.repo';

export type StatementFailure = Fail<'not_found'> | Fail<'invalid_month'>;

/**
 * A course's monthly statement for the school (decision 075): every lesson its allowance paid for in the month, and
 * what billing charged the course for it (billing's ledger, read through its index.ts), with totals per currency.
 * Course staff of the course and admins only.
 */
export function createCourseStatements(deps: { db: Db; repo: StatementRepo; nrps: NrpsRepo; clock: Clock }) {
  const { db, repo, nrps, clock } = deps;
  return {
    async statement(courseId: string, viewer: { id: string; role: string }, rawMonth: string | undefined): Promise<Result<LtiStatement, StatementFailure>> {
      const course = await nrps.courseForRoster(courseId);
      if (!course) return fail('not_found');
      if (viewer.role !== 'admin' && (await nrps.memberRole(courseId, viewer.id)) !== 'staff') return fail('not_found');
      const month = rawMonth === undefined || rawMonth === '' ? allowanceMonth(clock.now()) : statementMonth(rawMonth);
      if (!month) return fail('invalid_month');
      const draws = await repo.drawsIn(courseId, month);
      const ids = draws.map((d) => d.bookingId);
      const [bookings, charges] = await Promise.all([bookingsByIds(db, ids), schoolLessonCharges(db, ids)]);
      const accounts = await accountsByIds(db, bookings.flatMap((b) => [b.studentId, b.tutorId]));
      const name = new Map(accounts.map((a) => [a.id, a.displayName]));
      const charged = new Map(charges.filter((c) => c.courseId === courseId).map((c) => [c.bookingId, c]));
      const lessons = bookings
        .map((b) => statementLine(b, { learner: name.get(b.studentId) ?? 'Learner', tutor: name.get(b.tutorId) ?? 'Tutor' }, charged.get(b.id)))
        .sort((a, b) => a.start.localeCompare(b.start));
      return ok({ course: { id: course.id, title: course.title }, month, lessons, totals: statementTotals(lessons) });
    },
  };
}
export type CourseStatements = ReturnType<typeof createCourseStatements>;
