import fp from 'fastify-plugin';
import { GUARDIAN_LIMITS, TUTOR_SUSPENDED } from '../identity';
import { LESSON_SETTLED } from './scheduling.events';
import { createCalendarService } from './scheduling.ics';
import { createLessonsService } from './scheduling.lessons';
import { createLessonsRepo } from './scheduling.lessons.repo';
import { lessonsRoutes } from './scheduling.lessons.routes';
import { REMINDER_QUEUE, type ReminderPayload } from './scheduling.notices';
import { BOOKING_COURSES, BOOKING_OUTCOME_MONEY, BOOKING_PAYMENT_POLICY, BOOKING_SAFETY } from './scheduling.ports';
import { createSchedulingRepo } from './scheduling.repo';
import { schedulingRoutes } from './scheduling.routes';
import { createSchedulingService, HOLD_SWEEP_QUEUE, scheduleHoldSweep } from './scheduling.service';
import { createSeriesService } from './scheduling.series';

/**
 * Scheduled tutoring: availability, bookings, series, reminders, calendars, and booked lessons in the room.
 * Booked lessons are paid at booking when a payment provider is on: held, paid through billing's checkout, then
 * confirmed; a paid lesson's outcome refunds or keeps its money, decided and queued with the outcome. Both are
 * ports billing fills when it registers (after this module), checked when the app starts.
 */
export const schedulingModule = fp(
  async (fastify) => {
    const { database, clock, logger, config, jobs, ports, events } = fastify.platform;
    const { inbox, notifications } = fastify.notifications;
    const { rooms } = fastify.rooms;
    const schedulingRepo = createSchedulingRepo(database.db);
    const onOutcome = ports.lateFn(BOOKING_OUTCOME_MONEY, 'tutorline-scheduling');
    const payments = ports.late(BOOKING_PAYMENT_POLICY, 'tutorline-scheduling');
    const courses = ports.late(BOOKING_COURSES, 'tutorline-scheduling');
    const safety = ports.late(BOOKING_SAFETY, 'tutorline-scheduling');
    const scheduling = createSchedulingService({ repo: schedulingRepo, clock, logger, inbox, notifications, payments, onOutcome, courses, safety, guardianLimits: ports.late(GUARDIAN_LIMITS, 'tutorline-scheduling') });
    const series = createSeriesService({ repo: schedulingRepo, clock, logger, scheduling });
    const calendar = createCalendarService({ repo: schedulingRepo, clock, logger, publicUrl: config.publicUrl });
    jobs.register(REMINDER_QUEUE, (payload: ReminderPayload) => scheduling.internals.notices.remind(database.db, payload, clock.now()));
    jobs.register(HOLD_SWEEP_QUEUE, async () => void (await scheduling.sweepHolds()));
    await scheduleHoldSweep(database.db, clock.now());
    await fastify.register(schedulingRoutes, { scheduling, series, calendar });
    // Booked lessons in the live room: opening it, and a periodic sweep that settles them (completed or a no-show).
    const lessons = createLessonsService({ repo: createLessonsRepo(database.db), rooms, inbox, clock, logger, onOutcome, onSettled: (tx, e) => events.emit(LESSON_SETTLED, { tx, ...e }) });
    await lessons.installSweep(jobs, database.db);
    await fastify.register(lessonsRoutes, { lessons });
    events.on(TUTOR_SUSPENDED, async (e) => void (await scheduling.cancelForSuspendedTutor(e.tutorId, e.at)));
    fastify.decorate('scheduling', scheduling);
    fastify.decorate('calendarFeed', { addSource: calendar.addSource });
  },
  { name: 'tutorline-scheduling', fastify: '5.x', decorators: { fastify: ['platform'] }, dependencies: ['tutorline-identity', 'tutorline-notifications', 'tutorline-rooms'] },
);
