import type { Fail, Result } from '../../platform/result';
import type { ClassAccess, ConfirmSeatFailure, RecordAttendanceFailure } from './classes.service';
import type { EnrolmentView } from '@tutorline/contracts';
import type { ClassAccessRefusal } from './classes.rules';

export type { ClassAccessRefusal, ClassRole } from './classes.rules';
export type { ClassAccess, ConfirmSeatFailure, RecordAttendanceFailure } from './classes.service';
export { type ClassAttended, classesAttendedBetween, type ClassPick, type ClassSeat, classSeatById, upcomingClassesForPicker } from './classes.lookups.repo';
export { classesJoinedByStudents, enrolmentsOfCourse } from './classes.usage.repo';
export { CLASS_COURSES, CLASS_MONEY, type ClassCourses, type ClassMoney } from './classes.ports';
export { CLASS_REMINDER_QUEUE, CLASS_SWEEP_QUEUE } from './classes.settle';
export { classesModule } from './classes.install';
export { CLASS_SETTLED } from './classes.events';
export { seedDemoClasses } from './classes.seed';

/** What other modules (the live classroom) may ask of classes. */
export interface ClassesApi {
  /** Who may be in a class's room at `at`, and as what: the tutor teaches, enrolled learners learn, admins observe. */
  access(classId: string, userId: string, at: Date): Promise<Result<ClassAccess, Fail<ClassAccessRefusal>>>;
  /** A join or leave of the room (many per class and person). */
  recordAttendance(a: { classId: string; userId: string; kind: 'join' | 'leave'; at: Date }): Promise<Result<void, RecordAttendanceFailure>>;
  /** A held seat's payment settled: enrolled, or why not (billing refunds then). */
  confirmHeldSeat(enrolmentId: string, now: Date): Promise<Result<EnrolmentView, ConfirmSeatFailure>>;
  /** A held seat's payment failed: the seat is free again. */
  releaseHeldSeat(enrolmentId: string, now: Date): Promise<Result<void, Fail<'not_found'>>>;
  /** Settles every ended class now (the periodic job runs it every minute). */
  sweep(): Promise<{ settled: number }>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Group classes (tutorline-classes). */
    classes: ClassesApi;
  }
}
export { classesTutorQuality } from './classes.quality.repo';
export { CLASSES_ERASURE_RULES, createClassesErasure } from './classes.erasure.repo';
export { classesOfDay, classesRollupFacts, classesStartingBetween, type DayClass } from './classes.rollups.repo';
export { classesTaughtForTimeline, classSeatsForTimeline, type TimelineClassSeat, type TimelineClassTaught } from './classes.support.repo';
