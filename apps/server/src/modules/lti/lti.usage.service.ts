import type { LtiAllowance } from '@tutorline/contracts';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db';
import { type Fail, fail, ok, type Result } from '../../platform/result';
import { classesJoinedByStudents, enrolmentsOfCourse } from '../classes';
import { sessionsOfCourse } from '../help';
import { accountsByIds } from '../identity';
import { instantSessionsOfStudents } from '../rooms';
import { completedLessonsOfStudents } from '../scheduling';
import type { CourseAllowances } from './lti.allowance.service';
import type { NrpsRepo } from './lti.nrps.repo';
import type { RosterFailure, RosterSync } from './lti.nrps.service';
import { type Activity, activitiesCsv, type Learner, usageReport, type UsageRow } from './lti.usage.rules';
import { ADL_VERBS, verbOf } from './lti.xapi.rules';

/**
 * A course's learners and what they did in it since the course first launched, read through the other modules'
 * index.ts: lessons, instant-help sessions and classes only when tagged with this course (booked, asked or enrolled
 * from its items), so what a learner did in another course or on their own counts nowhere here.
 */
export function createCourseActivities(deps: { db: Db; repo: NrpsRepo; clock: Clock; taggedBookings: (courseId: string) => Promise<string[]> }) {
  const { db, repo, clock } = deps;
  return {
    async ofCourse(courseId: string) {
      const course = await repo.courseForRoster(courseId);
      if (!course) return null;
      const learners = await repo.learnersOf(courseId, course.issuer);
      const ids = learners.flatMap((l) => (l.userId ? [l.userId] : []));
      const range = { since: course.createdAt, until: new Date(clock.now().getTime() + 1) };
      const [allSessions, allLessons, allClasses, accounts, tagged, taggedSessions, seats] = await Promise.all([
        instantSessionsOfStudents(db, ids, range),
        completedLessonsOfStudents(db, ids, range),
        classesJoinedByStudents(db, ids, range),
        accountsByIds(db, ids),
        deps.taggedBookings(courseId).then((b) => new Set(b)),
        sessionsOfCourse(db, courseId).then((s) => new Set(s)),
        enrolmentsOfCourse(db, courseId).then((e) => new Set(e.map((x) => `${x.classId}:${x.studentId}`))),
      ]);
      // Only what was done in this course: lessons booked, questions asked and seats taken from its items.
      const lessons = allLessons.filter((l) => tagged.has(l.id));
      const sessions = allSessions.filter((s) => taggedSessions.has(s.id));
      const classes = allClasses.filter((c) => seats.has(`${c.classId}:${c.studentId}`));
      const activities: Activity[] = [
        ...sessions.map((s) => ({ kind: 'session' as const, id: s.id, userId: s.studentId, title: 'Instant help session', startedAt: s.startedAt, endedAt: s.endedAt })),
        ...lessons.map((l) => ({ kind: 'lesson' as const, id: l.id, userId: l.studentId, title: 'Tutoring lesson', startedAt: l.startsAt, endedAt: l.endsAt })),
        ...classes.map((c) => ({ kind: 'class' as const, id: c.classId, userId: c.studentId, title: c.title, startedAt: c.startsAt, endedAt: c.endsAt })),
      ];
      const names = new Map(accounts.map((a) => [a.id, a.displayName]));
      const learnerOf = new Map(learners.flatMap((l) => (l.userId ? [[l.userId, l] as const] : [])));
      const items = activities.map((activity) => {
        const learner = learnerOf.get(activity.userId)!;
        return { activity, learner, name: learner.name ?? names.get(activity.userId) ?? 'Learner' };
      });
      return { course, learners, activities, names, items };
    },
  };
}
export type CourseActivities = ReturnType<typeof createCourseActivities>;

export type UsageFailure = Fail<'not_found'>;
export interface UsageReport {
  course: { id: string; title: string };
  roster: { syncedAt: Date | null; problem: RosterFailure['reason'] | null };
  learners: UsageRow[];
  allowance: LtiAllowance;
}

/**
 * The usage report for course staff (and admins): opening it refreshes a stale roster first (a failure is shown, not
 * fatal: the last roster stays), then counts each learner's sessions, lessons, classes and minutes.
 */
export function createUsageReports(deps: { repo: NrpsRepo; activities: CourseActivities; roster: RosterSync; allowances: CourseAllowances }) {
  const { repo, activities, roster } = deps;
  async function allowed(courseId: string, viewer: { id: string; role: string }): Promise<boolean> {
    if (viewer.role === 'admin') return true;
    return (await repo.memberRole(courseId, viewer.id)) === 'staff';
  }
  return {
    async report(courseId: string, viewer: { id: string; role: string }): Promise<Result<UsageReport, UsageFailure>> {
      if (!(await allowed(courseId, viewer))) return fail('not_found');
      const synced = await roster.syncRoster(courseId);
      const found = await activities.ofCourse(courseId);
      if (!found) return fail('not_found');
      const problem = synced.ok || synced.reason === 'no_roster' ? null : synced.reason;
      const learners: Learner[] = found.learners;
      const allowance = await deps.allowances.summary(courseId);
      return ok({
        course: { id: found.course.id, title: found.course.title },
        roster: { syncedAt: (await repo.courseForRoster(courseId))?.rosterSyncedAt ?? null, problem },
        learners: usageReport(learners, found.activities, found.names, allowance.perLearner),
        allowance: allowance.view,
      });
    },
    /** Every activity as CSV (the same rows the xAPI export sends). */
    async csv(courseId: string, viewer: { id: string; role: string }): Promise<Result<{ title: string; csv: string }, UsageFailure>> {
      if (!(await allowed(courseId, viewer))) return fail('not_found');
      const found = await activities.ofCourse(courseId);
      if (!found) return fail('not_found');
      const rows = found.items.map((i) => ({ learner: i.name, ltiUserId: i.learner.sub, verb: ADL_VERBS[verbOf(i.activity.kind)].display['en-US'], activity: i.activity }));
      return ok({ title: found.course.title, csv: activitiesCsv(rows) });
    },
  };
}
export type UsageReports = ReturnType<typeof createUsageReports>;
