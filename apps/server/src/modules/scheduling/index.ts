import type { CalendarSource } from './scheduling.ics';
import type { SchedulingService } from './scheduling.service';

export type { BookingCourses, CourseTag } from './scheduling.courses';
export { createSchedulingRepo, type SchedulingRepo } from './scheduling.repo';
export { schedulingRoutes } from './scheduling.routes';
export {
  type BookFailure,
  type BookingOutcome,
  type BookingPayments,
  type ConfirmHoldFailure,
  createSchedulingService,
  type OnBookingOutcome,
  type OutcomeMoney,
  HOLD_SWEEP_QUEUE,
  type ReleaseHoldFailure,
  scheduleHoldSweep,
  type SchedulingService,
} from './scheduling.service';
export { bookErrors, confirmHoldErrors, releaseHoldErrors, slotTakenMessage } from './scheduling.http';
export { createLessonsRepo } from './scheduling.lessons.repo';
export { createLessonsService, LESSON_SWEEP_QUEUE, type LessonsService } from './scheduling.lessons';
export { lessonsRoutes } from './scheduling.lessons.routes';
export { HOLD_MINUTES, priceFor } from './scheduling.lifecycle.rules';
export { REMINDER_QUEUE, type ReminderPayload } from './scheduling.notices';
export { createSeriesService, type SeriesFailure, type SeriesService } from './scheduling.series';
export { type CalendarEntry, type CalendarSource, createCalendarService, type CalendarService, renderCalendar } from './scheduling.ics';
export { availabilityPoliciesOf, bookingHistoryBetween, type BookingHistoryRow, bookingsByIds, bookingsOfSeries, lockBooking } from './scheduling.lookups.repo';
export { tutorsWithFreeSlots } from './scheduling.free';
export { completedLessonsOfStudents } from './scheduling.usage.repo';
export { bookingSpendOfStudent } from './scheduling.spend.repo';
export { seedDemoLessonHistory } from './scheduling.seed.repo';
export { busyIntervals, type BusyRange, INSTANT_SESSION_BUSY_MINUTES } from './scheduling.busy';
export { createSlotSearch, type SlotRows, type SlotSearch, toRulesPolicy } from './scheduling.slots';
export { BOOKING_COURSES, BOOKING_OUTCOME_MONEY, BOOKING_PAYMENT_POLICY, BOOKING_SAFETY, type BookingSafety } from './scheduling.ports';
export { schedulingModule } from './scheduling.install';
export { LESSON_SETTLED } from './scheduling.events';

declare module 'fastify' {
  interface FastifyInstance {
    /** Bookings (billing confirms and releases held ones through it) (tutorline-scheduling). */
    scheduling: SchedulingService;
    /** Where other modules add their events to users' calendar feeds while registering (tutorline-scheduling). */
    calendarFeed: { addSource(source: CalendarSource): void };
  }
}
export { schedulingTutorQuality } from './scheduling.quality.repo';
export { createSchedulingExport } from './scheduling.export.repo';
export { lessonsForSupport, type SupportLesson } from './scheduling.support.repo';
export { createSchedulingErasure, SCHEDULING_ERASURE_RULES } from './scheduling.erasure.repo';
export { type DayLesson, lessonsOfDay, lessonsRollupFacts, lessonsStartingBetween } from './scheduling.rollups.repo';
