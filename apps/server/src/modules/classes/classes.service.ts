import { randomUUID } from 'node:crypto';
import type { ClassCreateBody, ClassListQuery, ClassView, EnrolmentView } from '@tutorline/contracts';
import type { Clock } from '../../platform/clock';
import type { Tx } from '../../platform/db';
import { type Fail, fail, ok, type Result } from '../../platform/result';
import type { Logger } from '../../platform/logger';
import * as time from '../../platform/time';
import { accountsByIds, type AuthUser, lacksGuardianConsent, tutorTeaching } from '../identity';
// A seat waits for its payment as long as a booked lesson's hold does.
import { HOLD_MINUTES } from '../scheduling';
import type { ClassNotices } from './classes.notices';
import type { ClassCourses, ClassMoney } from './classes.ports';
import type { ClassRow, ClassesRepo, EnrolmentRow, NewClassRow } from './classes.repo';
import { canEnrol, type ClassAccessRefusal, type ClassRole, decideAccess, leaveRefund, reminderPlan, roomWindow } from './classes.rules';
import { CLASS_REMINDER_QUEUE } from './classes.settle';

/** What the live classroom gets when it asks who may be in a class's room (through a port it declares). */
export interface ClassAccess {
  classId: string;
  role: ClassRole;
  tutorId: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  capacity: number;
  lobby: boolean;
  roomOpensAt: Date;
}

export type CreateClassFailure = Fail<'not_approved' | 'not_teaching' | 'in_the_past' | 'bad_zone'>;
export type EnrolFailure = Fail<'class_not_found' | 'class_not_open' | 'own_class' | 'class_full' | 'consent_required' | 'not_a_learner' | 'not_in_course'>;
/** Why a paid seat could not be confirmed (billing then refunds the payment). */
export type ConfirmSeatFailure = Fail<'not_found' | 'hold_expired' | 'not_confirmable'>;
export type LeaveFailure = Fail<'class_not_found' | 'not_enrolled' | 'class_started'>;
export type CancelFailure = Fail<'class_not_found' | 'not_yours' | 'class_not_open'>;
export type AttendanceFailure = Fail<'class_not_found' | 'not_yours' | 'not_started'>;
export type RecordAttendanceFailure = Fail<'class_not_found' | 'not_a_participant'>;

const MIN = 60_000;
const zoneOrUtc = (zone: string | undefined) => (zone && time.isValidTimeZone(zone) ? zone : 'UTC');

export function createClassesService(deps: { repo: ClassesRepo; clock: Clock; logger: Logger; notices: ClassNotices; money: ClassMoney; courses?: ClassCourses }) {
  const { repo, clock, logger, notices, money } = deps;

  /** Classes as a viewer sees them: times on their clock, and whether they teach it or hold a seat. */
  async function views(rows: ClassRow[], viewer: { id: string; timeZone: string } | null, zone?: string): Promise<ClassView[]> {
    const tz = zoneOrUtc(zone ?? viewer?.timeZone);
    const names = new Map((await accountsByIds(repo.db, rows.map((r) => r.tutorId))).map((a) => [a.id, a.displayName]));
    const mine = viewer ? await repo.enrolledIn(rows.map((r) => r.id), viewer.id) : new Map<string, { id: string; status: 'held' | 'enrolled'; heldUntil: Date | null }>();
    return rows.map((c) => {
      const start = time.instantToZoned(c.startsAt, tz);
      return {
        id: c.id,
        tutorId: c.tutorId,
        tutorName: names.get(c.tutorId) ?? '',
        subjectId: c.subjectId,
        level: c.level,
        title: c.title,
        description: c.description,
        language: c.language,
        start: c.startsAt.toISOString(),
        end: c.endsAt.toISOString(),
        local: { date: start.date, time: start.time, endTime: time.instantToZoned(c.endsAt, tz).time, timeZone: tz },
        durationMinutes: Math.round((c.endsAt.getTime() - c.startsAt.getTime()) / MIN),
        capacity: c.capacity,
        enrolled: c.enrolledCount,
        seatsLeft: Math.max(0, c.capacity - c.enrolledCount),
        priceMinor: c.priceMinor,
        currency: c.currency,
        free: c.priceMinor === 0,
        lobby: c.lobby,
        status: c.status,
        seriesId: c.seriesId,
        roomOpensAt: roomWindow(c).opensAt.toISOString(),
        mine: viewer?.id === c.tutorId ? 'teaching' : (mine.get(c.id)?.status ?? null),
        seat: mine.get(c.id) ? { id: mine.get(c.id)!.id, heldUntil: mine.get(c.id)!.heldUntil?.toISOString() ?? null } : null,
      };
    });
  }

  const viewerOf = (caller: AuthUser | null) => (caller ? { id: caller.id, timeZone: caller.user.timeZone } : null);

  /** Cancels a scheduled class in one transaction: held seats let go, paid seats refunded through billing, learners told. */
  /** A live seat taken without a course, enrolled again from a course link: tagged with it when the learner is a member. */
  async function tagSeat(e: EnrolmentRow, courseId: string, admitted: (tx: Tx) => Promise<boolean>, refused: () => Fail<'not_in_course'>): Promise<Result<EnrolmentView, EnrolFailure>> {
    const tagged = await repo.db.transaction(async (tx) => ((await admitted(tx)) ? ((await repo.tagEnrolment(tx, e.id, courseId)) ?? e) : null));
    if (!tagged) return refused();
    logger.info({ event: 'class_enrolment_tagged', classId: e.classId, studentId: e.studentId, enrolmentId: e.id, courseId: tagged.courseId }, 'class seat tagged with its LMS course');
    return ok(enrolmentView(tagged));
  }

  async function cancelClass(c: ClassRow, now: Date) {
    const id = c.id;
    return repo.db.transaction(async (tx) => {
      const row = await repo.finish(tx, id, 'cancelled', now);
      if (!row) return undefined;
      // Seats still being paid for are let go; a payment that lands later finds the class cancelled and is refunded.
      for (const held of await repo.enrolmentsOf(tx, id, 'held')) await repo.releaseSeat(tx, held.id, 'expired', now);
      const seats = await repo.enrolmentsOf(tx, id, 'enrolled');
      for (const e of seats) {
        if (c.priceMinor > 0) {
          await repo.releaseSeat(tx, e.id, 'refunded', now);
          await money.refundSeat(tx, { enrolmentId: e.id, classId: c.id, studentId: e.studentId, amountMinor: c.priceMinor, currency: c.currency, reason: 'The tutor cancelled the class.', at: now });
        }
      }
      await notices.tell(tx, row, seats.map((s) => s.studentId), 'class_cancelled', `class-cancelled:${c.id}`, now, () => (c.priceMinor > 0 ? ' Your payment is refunded in full.' : ''));
      return { row, seats: seats.length };
    });
  }

  return {
    views,

    /** A tutor creates a class, or a weekly series of them, at a wall-clock time in their own zone. */
    async create(caller: AuthUser, body: Required<Omit<ClassCreateBody, 'description'>> & { description: string }): Promise<Result<ClassView[], CreateClassFailure>> {
      const now = clock.now();
      const teaching = await tutorTeaching(repo.db, caller.id, body.subjectId, body.level);
      if (!teaching || teaching.status !== 'approved') return fail('not_approved');
      if (!teaching.teaches) return fail('not_teaching');
      const zone = caller.user.timeZone;
      if (!time.isValidTimeZone(zone)) return fail('bad_zone');
      const seriesId = body.weeks > 1 ? randomUUID() : null;
      const rows: NewClassRow[] = [];
      for (let w = 0; w < body.weeks; w++) {
        const startsAt = time.zonedToInstant(time.addDaysLocal(body.date, 7 * w), body.time, zone);
        if (startsAt.getTime() <= now.getTime()) return fail('in_the_past');
        rows.push({
          tutorId: caller.id,
          subjectId: body.subjectId,
          level: body.level,
          title: body.title,
          description: body.description,
          language: body.language,
          startsAt,
          endsAt: new Date(startsAt.getTime() + body.durationMinutes * MIN),
          timeZone: zone,
          capacity: body.capacity,
          priceMinor: body.priceMinor,
          currency: body.currency,
          lobby: body.lobby,
          status: 'scheduled' as const,
          seriesId,
          createdAt: now,
        });
      }
      const created = await repo.db.transaction(async (tx) => {
        const inserted = await repo.insertClasses(tx, rows);
        for (const c of inserted) {
          for (const r of reminderPlan(c.startsAt, now)) {
            await CLASS_REMINDER_QUEUE.enqueue(tx, { classId: c.id, kind: r.kind, start: c.startsAt.toISOString() }, { now, runAt: r.runAt, dedupeKey: `classes.reminder:${c.id}:${r.kind}` });
          }
        }
        return inserted;
      });
      for (const c of created) {
        logger.info({ event: 'class_created', classId: c.id, tutorId: c.tutorId, seriesId, startsAt: c.startsAt.toISOString(), capacity: c.capacity, priceMinor: c.priceMinor, currency: c.currency }, 'class created');
      }
      return ok(await views(created, viewerOf(caller)));
    },

    async list(caller: AuthUser | null, q: ClassListQuery & { limit: number }): Promise<ClassView[]> {
      const now = clock.now();
      const rows = await repo.list({ ...q, from: q.from ? new Date(Math.max(Date.parse(q.from), now.getTime())) : now, to: q.to ? new Date(q.to) : undefined });
      return views(rows, viewerOf(caller), q.timeZone);
    },

    async detail(caller: AuthUser | null, id: string, zone?: string): Promise<ClassView | null> {
      const c = await repo.findById(id);
      if (!c || (c.status === 'cancelled' && caller?.id !== c.tutorId && !(caller && (await repo.liveEnrolment(repo.db, id, caller.id))))) return null;
      return (await views([c], viewerOf(caller), zone))[0]!;
    },

    /** The tutor's own classes (every status) from now on. */
    async mine(caller: AuthUser): Promise<ClassView[]> {
      const rows = caller.role === 'tutor' ? await repo.ofTutor(caller.id, clock.now()) : await repo.ofStudent(caller.id, clock.now());
      return views(rows, viewerOf(caller));
    },

    /**
     * Takes a seat. The seat count is decided by the database (repo.takeSeat); enrolling again, or twice at once, gives
     * the one enrolment. A seat that must be paid for first (a price, and a payment provider on) is held for
     * HOLD_MINUTES while the learner pays through billing's checkout; the payment confirms it (confirmHeldSeat).
     */
    async enrol(caller: AuthUser, id: string, courseId?: string): Promise<Result<EnrolmentView, EnrolFailure>> {
      const now = clock.now();
      if (caller.role !== 'student') return fail('not_a_learner');
      if (lacksGuardianConsent(caller, now)) return fail('consent_required');
      const c = await repo.findById(id);
      if (!c) return fail('class_not_found');
      // From a course's class or series item (#16): only an active member of that course, checked in the seat's transaction.
      const admitted = (tx: Tx) => (courseId && deps.courses ? deps.courses.isActiveMember(tx, courseId, caller.id) : Promise.resolve(false));
      const refused = () => {
        logger.warn({ event: 'class_enrol_refused', classId: id, studentId: caller.id, courseId, reason: 'not_in_course' }, 'enrolment refused: the learner is not in that course');
        return fail('not_in_course');
      };
      const existing = await repo.liveEnrolment(repo.db, id, caller.id);
      if (existing && courseId && !existing.courseId) return tagSeat(existing, courseId, admitted, refused);
      if (existing) return ok(enrolmentView(existing));
      const open = canEnrol(c, caller.id, now);
      if (!open.ok) return fail(open.reason);
      const heldUntil = money.requiresPayment(c) ? new Date(now.getTime() + HOLD_MINUTES * MIN) : null;
      const inTx = async (tx: Tx, e: EnrolmentRow) => {
        if (!heldUntil) await notices.tell(tx, c, [caller.id], 'class_enrolled', `class-enrolled:${e.id}`, now);
      };
      const taken = await repo.takeSeat(id, caller.id, now, heldUntil, inTx, courseId ? { id: courseId, admitted } : undefined);
      if (taken === 'not_in_course') return refused();
      if (taken === 'full') {
        logger.info({ event: 'class_enrol_refused', classId: id, studentId: caller.id, reason: 'class_full' }, 'class full');
        return fail('class_full');
      }
      if (taken === 'closed') return fail('class_not_open');
      const row = taken === 'already' ? await repo.liveEnrolment(repo.db, id, caller.id) : taken;
      if (!row) return fail('class_full');
      if (taken !== 'already') {
        const event = row.status === 'held' ? 'class_seat_held' : 'class_enrolled';
        logger.info({ event, classId: id, studentId: caller.id, enrolmentId: row.id, heldUntil: row.heldUntil?.toISOString() ?? null, courseId: row.courseId }, row.status === 'held' ? 'class seat held for payment' : 'learner enrolled in a class');
      }
      return ok(enrolmentView(row));
    },

    /** A learner gives their seat back before the start; refunded as a lesson's cancellation (in full until 24 h before). */
    async leave(caller: AuthUser, id: string): Promise<Result<EnrolmentView, LeaveFailure>> {
      const now = clock.now();
      const c = await repo.findById(id);
      if (!c) return fail('class_not_found');
      const e = await repo.liveEnrolment(repo.db, id, caller.id);
      if (!e) return fail('not_enrolled');
      if (now.getTime() >= c.startsAt.getTime() || c.status !== 'scheduled') return fail('class_started');
      // A held seat was never paid for: giving it back costs nothing and returns nothing.
      const refund = e.status === 'held' ? { amountMinor: 0, late: false } : leaveRefund(c, now);
      const left = await repo.db.transaction(async (tx) => {
        const row = await repo.releaseSeat(tx, e.id, 'left', now);
        if (!row) return undefined;
        if (refund.amountMinor > 0) await money.refundSeat(tx, { enrolmentId: e.id, classId: c.id, studentId: caller.id, amountMinor: refund.amountMinor, currency: c.currency, reason: 'The learner left the class in time for a refund.', at: now });
        await notices.tell(tx, c, [caller.id], 'class_left', `class-left:${e.id}`, now, () => (c.priceMinor > 0 && e.status === 'enrolled' ? (refund.late ? ' It was less than 24 hours before the start, so there is no refund.' : ' Your payment is refunded.') : ''));
        return row;
      });
      if (!left) return fail('not_enrolled');
      logger.info({ event: 'class_left', classId: id, studentId: caller.id, enrolmentId: e.id, late: refund.late, refundMinor: refund.amountMinor }, 'learner left a class');
      return ok(enrolmentView(left));
    },

    /** The tutor cancels a class before its start: every enrolled learner is told, and refunded what they paid. */
    async cancel(caller: AuthUser, id: string): Promise<Result<ClassView, CancelFailure>> {
      const now = clock.now();
      const c = await repo.findById(id);
      if (!c || (c.tutorId !== caller.id && caller.role !== 'admin')) return fail(c ? 'not_yours' : 'class_not_found');
      if (c.status !== 'scheduled' || now.getTime() >= c.endsAt.getTime()) return fail('class_not_open');
      const done = await cancelClass(c, now);
      if (!done) return fail('class_not_open');
      logger.info({ event: 'class_cancelled', classId: id, tutorId: c.tutorId, by: caller.id, learners: done.seats }, 'class cancelled by the tutor');
      return ok((await views([done.row], viewerOf(caller)))[0]!);
    },

    /**
     * A suspended tutor's classes that start after the suspension are cancelled as the tutor's cancellation (issue
     * #18): every learner told and refunded through billing. Only scheduled classes are touched, so a re-run does nothing.
     */
    async cancelForSuspendedTutor(tutorId: string, suspendedAt: Date): Promise<number> {
      let cancelled = 0;
      for (const c of await repo.scheduledOfTutorAfter(tutorId, suspendedAt)) {
        const done = await cancelClass(c, clock.now());
        if (!done) continue;
        cancelled++;
        logger.info({ event: 'class_cancelled', classId: c.id, tutorId, by: tutorId, learners: done.seats, via: 'tutor_suspended' }, 'class cancelled: the tutor was suspended');
      }
      return cancelled;
    },

    /** The enrolled learners, for the class's tutor (and admins). */
    async roster(caller: AuthUser, id: string): Promise<Result<{ userId: string; name: string; status: EnrolmentView['status']; enrolledAt: string }[], Fail<'class_not_found' | 'not_yours'>>> {
      const c = await repo.findById(id);
      if (!c) return fail('class_not_found');
      if (c.tutorId !== caller.id && caller.role !== 'admin') return fail('not_yours');
      const rows = await repo.enrolmentsOf(repo.db, id);
      const names = new Map((await accountsByIds(repo.db, rows.map((r) => r.studentId))).map((a) => [a.id, a.displayName]));
      return ok(rows.map((r) => ({ userId: r.studentId, name: names.get(r.studentId) ?? '', status: r.status, enrolledAt: r.enrolledAt.toISOString() })));
    },

    /**
     * A held seat's payment settled (billing calls this from its payment job): the seat is enrolled, and the learner
     * told. A seat whose hold lapsed is taken again if the class still has room; otherwise, or for a class cancelled or
     * started meanwhile, a definite refusal, and billing refunds. Idempotent: an enrolled seat is simply ok.
     */
    async confirmHeldSeat(enrolmentId: string, now: Date): Promise<Result<EnrolmentView, ConfirmSeatFailure>> {
      if (!isUuid(enrolmentId)) return fail('not_found');
      const e = await repo.enrolmentById(repo.db, enrolmentId);
      if (!e) return fail('not_found');
      if (e.status === 'enrolled') return ok(enrolmentView(e));
      const c = (await repo.findById(e.classId))!;
      if (c.status !== 'scheduled' || now.getTime() >= c.startsAt.getTime()) return fail('not_confirmable');
      let row: EnrolmentRow | undefined;
      if (e.status === 'held') {
        row = await repo.db.transaction(async (tx) => {
          const r = await repo.confirmHeld(tx, e.id, now);
          if (r) await notices.tell(tx, c, [e.studentId], 'class_enrolled', `class-enrolled:${e.id}`, now);
          return r;
        });
      } else if (e.status === 'expired') {
        row = await repo.retakeExpired(e.id, now);
        if (!row) return fail('hold_expired');
        await repo.db.transaction((tx) => notices.tell(tx, c, [e.studentId], 'class_enrolled', `class-enrolled:${e.id}`, now));
      } else return fail('not_confirmable');
      if (!row) return fail('not_confirmable');
      logger.info({ event: 'class_seat_paid', classId: c.id, studentId: e.studentId, enrolmentId: e.id, late: e.status === 'expired' }, 'class seat paid and confirmed');
      return ok(enrolmentView(row));
    },

    /** A held seat's payment failed: the seat is free again (the learner may enrol again). */
    async releaseHeldSeat(enrolmentId: string, now: Date): Promise<Result<void, Fail<'not_found'>>> {
      if (!isUuid(enrolmentId)) return fail('not_found');
      const released = await repo.db.transaction((tx) => repo.releaseSeat(tx, enrolmentId, 'expired', now));
      if (released) logger.info({ event: 'class_seat_released', classId: released.classId, studentId: released.studentId, enrolmentId, reason: 'payment_failed' }, 'held class seat released');
      return released || (await repo.enrolmentById(repo.db, enrolmentId)) ? ok(undefined) : fail('not_found');
    },

    /** Who may be in the class's room at `at`, and as what (the live classroom calls this through its port). */
    async access(classId: string, userId: string, at: Date): Promise<Result<ClassAccess, Fail<ClassAccessRefusal>>> {
      if (!isUuid(classId) || !isUuid(userId)) return fail('class_not_found');
      const c = await repo.findById(classId);
      if (!c) return fail('class_not_found');
      const [account] = await accountsByIds(repo.db, [userId]);
      const enrolled = (await repo.liveEnrolment(repo.db, classId, userId))?.status === 'enrolled';
      const d = decideAccess(c, { userId, isAdmin: account?.role === 'admin' && !account.disabled, enrolled }, at);
      if (!d.ok) return fail(d.reason);
      const { opensAt } = roomWindow(c);
      return ok({ classId: c.id, role: d.role, tutorId: c.tutorId, title: c.title, startsAt: c.startsAt, endsAt: c.endsAt, capacity: c.capacity, lobby: c.lobby, roomOpensAt: opensAt });
    },

    /** Whether this user may watch the class's recordings: its tutor, or a learner enrolled in it (not one who left or was refunded). */
    async mayWatchRecordings(classId: string, userId: string): Promise<boolean> {
      if (!isUuid(classId) || !isUuid(userId)) return false;
      const c = await repo.findById(classId);
      if (!c) return false;
      return c.tutorId === userId || (await repo.liveEnrolment(repo.db, classId, userId))?.status === 'enrolled';
    },

    /** A join or a leave of the class's room by its tutor or an enrolled learner (the classroom reports them). */
    async recordAttendance(a: { classId: string; userId: string; kind: 'join' | 'leave'; at: Date }): Promise<Result<void, RecordAttendanceFailure>> {
      if (!isUuid(a.classId) || !isUuid(a.userId)) return fail('class_not_found');
      const c = await repo.findById(a.classId);
      if (!c) return fail('class_not_found');
      const isTutor = c.tutorId === a.userId;
      if (!isTutor && (await repo.liveEnrolment(repo.db, a.classId, a.userId))?.status !== 'enrolled') return fail('not_a_participant');
      await repo.recordAttendance(a.classId, a.userId, a.kind, a.at, isTutor && a.kind === 'join');
      logger.info({ event: 'class_attendance', classId: a.classId, userId: a.userId, kind: a.kind, at: a.at.toISOString(), role: isTutor ? 'teacher' : 'learner' }, `class ${a.kind}`);
      return ok(undefined);
    },
  };
}
export type ClassesService = ReturnType<typeof createClassesService>;

const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

function enrolmentView(e: EnrolmentRow): EnrolmentView {
  return { id: e.id, classId: e.classId, status: e.status, enrolledAt: e.enrolledAt.toISOString(), heldUntil: e.heldUntil?.toISOString() ?? null, leftAt: e.leftAt?.toISOString() ?? null };
}
