import fp from 'fastify-plugin';
import { CLASS_ACCESS } from '../classroom';
import { TUTOR_SUSPENDED } from '../identity';
import { CLASS_SETTLED } from './classes.events';
import { createClassCalendar } from './classes.ics';
import { createClassNotices } from './classes.notices';
import { CLASS_COURSES, CLASS_MONEY } from './classes.ports';
import { createClassesRepo } from './classes.repo';
import { classesRoutes } from './classes.routes';
import { createClassesService } from './classes.service';
import { createClassLifecycle } from './classes.settle';

/**
 * Group classes as a product (issue #15): creating, finding, enrolling (the seat count decided by the database),
 * leaving, cancelling; reminders, .ics and the calendar feed; the room's access rule and attendance; a periodic sweep
 * that settles ended classes. A class's money is billing's (the CLASS_MONEY port; billing confirms paid seats through
 * `fastify.classes`, so it registers after this module). The live classroom is not here: it asks `fastify.classes.access` through its own port.
 */
export const classesModule = fp(
  async (fastify) => {
    const { database, clock, logger, config, jobs, ports, events } = fastify.platform;
    const { inbox, notifications } = fastify.notifications;
    const repo = createClassesRepo(database.db);
    // Billing provides it when it registers (after this module): checked when the app starts.
    const money = ports.late(CLASS_MONEY, 'tutorline-classes');
    const notices = createClassNotices({ inbox, notifications });
    const classes = createClassesService({ repo, clock, logger, notices, money, courses: ports.late(CLASS_COURSES, 'tutorline-classes') });
    const lifecycle = createClassLifecycle({ repo, clock, logger, notices, inbox, money, onSettled: (tx, e) => events.emit(CLASS_SETTLED, { tx, ...e }) });
    const calendar = createClassCalendar({ repo, publicUrl: config.publicUrl });
    await lifecycle.install(jobs, database.db);
    fastify.calendarFeed.addSource((userId, from, to) => calendar.feedEntries(userId, from, to));
    await fastify.register(classesRoutes, { classes, lifecycle, calendar, resolveSession: (token) => fastify.identity.resolveSession(token) });
    // The live classroom asks who may enter and reports joins and leaves through its port (decision 047).
    ports.provide(CLASS_ACCESS, {
      access: classes.access,
      mayWatchRecordings: classes.mayWatchRecordings,
      async recordAttendance(a) {
        const recorded = await classes.recordAttendance(a);
        if (!recorded.ok) logger.warn({ event: 'class_attendance_refused', classId: a.classId, userId: a.userId, kind: a.kind, reason: recorded.reason }, 'attendance not recorded');
      },
    });
    events.on(TUTOR_SUSPENDED, async (e) => void (await classes.cancelForSuspendedTutor(e.tutorId, e.at)));
    fastify.decorate('classes', {
      access: classes.access,
      recordAttendance: classes.recordAttendance,
      confirmHeldSeat: classes.confirmHeldSeat,
      releaseHeldSeat: classes.releaseHeldSeat,
      sweep: lifecycle.sweep,
    });
  },
  {
    name: 'tutorline-classes',
    fastify: '5.x',
    decorators: { fastify: ['platform'] },
    dependencies: ['tutorline-identity', 'tutorline-notifications', 'tutorline-scheduling', '@fastify/cookie'],
  },
);
