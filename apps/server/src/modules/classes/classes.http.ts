import { AppError, forbidden, notFound, type RefusalTable } from '../../platform/errors';
import type { CancelFailure, CreateClassFailure, EnrolFailure, LeaveFailure } from './classes.service';
import type { Fail } from '../../platform/result';

/** Classes' refusals in HTTP words (decision 039): the one place a reason becomes a status, a code and a sentence. */
export const createClassErrors = {
  not_approved: () => forbidden('Only approved tutors can create classes.'),
  not_teaching: () => new AppError(400, 'validation_failed', 'You can only create classes in a subject and level you are approved to teach.', { fields: [{ path: 'level', message: 'is not one you teach' }] }),
  in_the_past: () => new AppError(400, 'validation_failed', 'A class must start in the future.', { fields: [{ path: 'date', message: 'is in the past' }] }),
  bad_zone: () => new AppError(400, 'validation_failed', 'Set your time zone in your profile before creating a class.', { fields: [{ path: 'time', message: 'needs your time zone' }] }),
} satisfies RefusalTable<CreateClassFailure>;

export const enrolErrors = {
  class_not_found: () => notFound('That class'),
  class_not_open: () => new AppError(409, 'conflict', 'This class is no longer open for enrolment.'),
  own_class: () => new AppError(409, 'conflict', 'You teach this class.'),
  class_full: () => new AppError(409, 'class_full', 'This class is full.'),
  consent_required: () => new AppError(403, 'consent_required', 'A guardian needs to consent before you can join classes.'),
  not_a_learner: () => forbidden('Only learners enrol in classes.'),
  not_in_course: () => forbidden('You are not in that course, so you cannot join this class for it. Open Tutorline from the course again.'),
} satisfies RefusalTable<EnrolFailure>;

export const leaveErrors = {
  class_not_found: () => notFound('That class'),
  not_enrolled: () => new AppError(409, 'conflict', 'You are not enrolled in this class.'),
  class_started: () => new AppError(409, 'conflict', 'This class has started; you can no longer leave it.'),
} satisfies RefusalTable<LeaveFailure>;

export const cancelErrors = {
  class_not_found: () => notFound('That class'),
  not_yours: () => notFound('That class'),
  class_not_open: () => new AppError(409, 'conflict', 'This class is already over or cancelled.'),
} satisfies RefusalTable<CancelFailure>;

export const tutorOnlyErrors = {
  class_not_found: () => notFound('That class'),
  // Someone else's class's roster reads like a missing one (decision 020).
  not_yours: () => notFound('That class'),
  not_started: () => new AppError(409, 'too_early', 'The attendance list is ready once the class has started.'),
} satisfies RefusalTable<Fail<'class_not_found' | 'not_yours' | 'not_started'>>;
