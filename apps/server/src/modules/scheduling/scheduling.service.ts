import type { AvailabilityPolicyBody, AvailabilityPolicyView, BookBody, BookingView, MyBookingView, RescheduleBody, SlotsView } from '@tutorline/contracts';
import type { Clock } from '../../platform/clock';
import type { Tx } from '../../platform/db';
import { badRequest, notFound } from '../../platform/errors';
import { PERIODIC_JOBS_KEPT_MS, pruneFinishedRuns } from '../../platform/jobs';
import type { Logger } from '../../platform/logger';
import { type Fail, fail, ok, type Result } from '../../platform/result';
import * as time from '../../platform/time';
import { type AuthUser, type GuardianLimitRefusal, type GuardianLimits, lacksGuardianConsent, tutorSubjectsOf } from '../identity';
import type { Inbox, NoticeRow, Notifications } from '../notifications';
import { confirmDecision, holdUntil, insideLateWindow, priceFor } from './scheduling.lifecycle.rules';
import { type BookingNotices, createBookingNotices } from './scheduling.notices';
import { rescheduleBooking } from './scheduling.reschedule';
import { isExclusionViolation, type BookingRow, type SchedulingRepo } from './scheduling.repo';
import { type AvailabilityPolicy, policyProblems, type SessionLength, type SlotProblem, slotProblem } from './scheduling.rules';
import { createSlotSearch, toRulesPolicy } from './scheduling.slots';
import { type BookingCourses, CourseRefused, tagInCourse } from './scheduling.courses';
import type { BookingPayments, BookingSafety, OnBookingOutcome } from './scheduling.ports';
import { HOLD_SWEEP_QUEUE, scheduleHoldSweep } from './scheduling.hold-sweep';

export { INSTANT_SESSION_BUSY_MINUTES } from './scheduling.busy';
export { HOLD_SWEEP_MINUTES, HOLD_SWEEP_QUEUE, scheduleHoldSweep } from './scheduling.hold-sweep';
export { toRulesPolicy } from './scheduling.slots';
export { bookingView, defaultPolicy, isUniqueViolation } from './scheduling.views';
import { bookingView, defaultPolicy, policyView } from './scheduling.views';

export type { BookingOutcome, BookingPayments, OnBookingOutcome, OutcomeMoney } from './scheduling.ports';

export interface SchedulingDeps {
  repo: SchedulingRepo;
  clock: Clock;
  logger: Logger;
  /** In-app notices, and the outbox to users' other channels (WhatsApp). */
  inbox: Inbox;
  notifications: Notifications;
  /** Absent until billing exists: every booking is then confirmed at once. */
  payments?: BookingPayments;
  /** Absent until billing exists: outcomes move no money. */
  onOutcome?: OnBookingOutcome;
  /** Absent without lti: a booking that names a course is refused. */
  courses?: BookingCourses;
  /** A guardian's allowed hours and monthly spending limit (issue #20), checked on every booking; guardians provide it. */
  guardianLimits?: GuardianLimits;
  /** Whether a student blocked a tutor (#20): a blocked tutor cannot be booked by them. */
  safety?: BookingSafety;
}

const MINUTE_MS = 60_000;

// Typed results (decision 039): scheduling.http.ts words each reason for HTTP; billing and the series switch on it.
/** A slot the rules refuse (why, from scheduling.rules slotProblem), other than one taken meanwhile. */
export type SlotRefusal = Exclude<SlotProblem, 'conflict'>;
/**
 * Why one slot was not booked. `slot_taken`: another booking has it (`slots`: the fresh slots of that day, in the
 * learner's zone; null when the caller asked for none, as the series does). `tutor_not_found`, `no_availability`:
 * no such tutor, or one who never published availability.
 */
export type BookOneFailure = Fail<'tutor_not_found' | 'tutor_blocked' | 'no_availability' | SlotRefusal> | Fail<'slot_taken', { slots: SlotsView['slots'] | null }>;
export type BookFailure = Fail<'consent_required'> | GuardianLimitRefusal | Fail<'subject_not_taught'> | BookOneFailure | Fail<'not_in_course'>;
/** Why a paid hold was not confirmed: no such booking; it lapsed and cannot be confirmed late (`slotGone`: someone took the slot); it is neither held nor confirmed. */
export type ConfirmHoldFailure = Fail<'not_found'> | Fail<'hold_expired', { slotGone: boolean }> | Fail<'not_confirmable', { status: BookingRow['status'] }>;
export type ReleaseHoldFailure = Fail<'not_found'>;

export interface BookOneInput {
  tutorId: string;
  start: Date;
  durationMinutes: number;
  idempotencyKey: string;
  seriesId?: string;
  /** The lesson's subject and level, already checked against what the tutor teaches. */
  subject?: { id: string; level: string } | undefined;
  /** The LMS course the booking is made in (tagged in the same transaction), if any. */
  courseId?: string | undefined;
}

export function createSchedulingService(deps: SchedulingDeps) {
  const { repo, clock, logger, inbox } = deps;
  const notices: BookingNotices = createBookingNotices({ repo, inbox, notifications: deps.notifications, logger });
  const search = createSlotSearch({ repo, clock, logger });
  const { requirePolicy, busyBetween, busyWindow, slots, learnerZoneOf, slotTaken } = search;

  /** After a commit: push the new notices to the users' open apps. */
  function pushed<T>(result: { value: T; notices: NoticeRow[] }): T {
    inbox.push(result.notices);
    return result.value;
  }

  /** Confirms inside `tx`: tells both parties and queues the reminders, all with the change itself. */
  async function afterConfirmed(tx: Tx, b: BookingRow, now: Date): Promise<NoticeRow[]> {
    await notices.scheduleReminders(tx, b, now);
    return notices.tell(tx, b, 'booking_confirmed', `booking-confirmed:${b.id}`, now);
  }

  /**
   * Books one slot for the caller (a single booking, or one week of a series). Rules are rechecked against current
   * facts; the database's exclusion constraint settles races between requests that both passed the recheck. A repeat
   * with the same idempotency key returns the first booking. `quiet` skips the fresh slots a lost slot carries (series).
   */
  async function bookOne(caller: AuthUser, input: BookOneInput, opts: { quiet?: boolean } = {}): Promise<Result<{ booking: BookingRow; created: boolean }, BookOneFailure | Fail<'not_in_course'>>> {
    const earlier = await repo.findByIdempotencyKey(caller.id, input.idempotencyKey);
    if (earlier) return ok({ booking: earlier, created: false });
    if ((await repo.userRole(input.tutorId)) !== 'tutor') return fail('tutor_not_found');
    if (await repo.tutorSuspended(input.tutorId)) return fail('tutor_not_found');
    if (await deps.safety?.blocked(caller.id, input.tutorId)) return fail('tutor_blocked');
    const row = await repo.findPolicy(input.tutorId);
    if (!row) return fail('no_availability');
    const policy = toRulesPolicy(row);
    const { start, durationMinutes } = input;
    const end = new Date(start.getTime() + durationMinutes * MINUTE_MS);
    const now = clock.now();
    const w = busyWindow(start, end, durationMinutes, policy.bufferMinutes);
    const problem = slotProblem(policy, await busyBetween(input.tutorId, w.from, w.to), start, durationMinutes, now, time);
    // The fresh slots read in the student's own zone.
    const freshSlots = slotTaken(input.tutorId, policy, start, durationMinutes, learnerZoneOf(caller), caller.id);
    const taken = async (via: 'recheck' | 'constraint') => fail('slot_taken', { slots: opts.quiet ? null : await freshSlots(via) });
    if (problem === 'conflict') return taken('recheck');
    if (problem) return fail(problem);

    const rate = await repo.tutorRate(input.tutorId);
    const priceMinor = priceFor(rate?.hourlyRateMinor ?? 0, durationMinutes);
    const currency = rate?.currency ?? 'INR';
    const held = deps.payments ? await deps.payments.requiresPayment({ tutorId: input.tutorId, studentId: caller.id, startsAt: start, endsAt: end, priceMinor, currency }) : false;

    let result: { value: BookingRow; notices: NoticeRow[]; covered: boolean };
    try {
      result = await repo.db.transaction(async (tx) => {
        const expired = await repo.cancelExpiredHolds(tx, input.tutorId, now);
        for (const h of expired) logger.info({ event: 'booking_hold_expired', bookingId: h.id, tutorId: h.tutorId, studentId: h.studentId }, 'expired hold cancelled');
        const b = await repo.insertBooking(tx, {
          tutorId: input.tutorId,
          studentId: caller.id,
          startsAt: start,
          endsAt: end,
          idempotencyKey: input.idempotencyKey,
          createdAt: now,
          priceMinor,
          currency,
          seriesId: input.seriesId ?? null,
          subjectId: input.subject?.id ?? null,
          level: input.subject?.level ?? null,
          ...(held ? { status: 'held' as const, heldUntil: holdUntil(now) } : { status: 'confirmed' as const, confirmedAt: now }),
        });
        // A course's allowance may pay for a held lesson: it is then confirmed here, in the same transaction.
        const c = input.courseId ? await tagInCourse(tx, { courses: deps.courses, repo }, b, { courseId: input.courseId, userId: caller.id, now, minutes: durationMinutes }) : { row: b, covered: false };
        return { value: c.row, covered: c.covered, notices: c.row.status === 'held' ? [] : await afterConfirmed(tx, c.row, now) };
      });
    } catch (err) {
      if (err instanceof CourseRefused) {
        logger.warn({ event: 'booking_course_refused', tutorId: input.tutorId, studentId: caller.id, courseId: input.courseId }, 'booking refused: the learner is not in that course');
        return fail('not_in_course');
      }
      if (isExclusionViolation(err)) return taken('constraint');
      // Two requests with the same key at once: the other one inserted; return its booking.
      const same = await repo.findByIdempotencyKey(caller.id, input.idempotencyKey);
      if (same) return ok({ booking: same, created: false });
      throw err;
    }
    const booking = pushed(result);
    const waits = booking.status === 'held';
    logger.info(
      {
        event: waits ? 'booking_held' : 'booking_confirmed',
        bookingId: booking.id,
        tutorId: booking.tutorId,
        studentId: booking.studentId,
        start: booking.startsAt.toISOString(),
        end: booking.endsAt.toISOString(),
        priceMinor,
        currency,
        ...(booking.seriesId ? { seriesId: booking.seriesId } : {}),
        ...(input.courseId ? { courseId: input.courseId, coveredByCourse: result.covered } : {}),
      },
      waits ? 'booking held for payment' : result.covered ? 'booking confirmed, paid by the course' : 'booking confirmed',
    );
    return ok({ booking, created: true });
  }

  /** Cancels one booking of the caller's inside `tx`, telling both parties when it had been confirmed. */
  async function cancelIn(tx: Tx, found: BookingRow, by: string, now: Date, freeHours: number, tell: boolean) {
    // Only a confirmed lesson can be cancelled late: a hold (releasing it before paying) was never agreed to.
    const outcome = found.status === 'confirmed' && insideLateWindow(found.startsAt, now, freeHours) ? 'late_cancellation' : 'cancelled';
    const row = await repo.cancelBooking(tx, found.id, by, now, outcome);
    if (!row) return { row: undefined, outcome, notices: [] as NoticeRow[], money: null };
    const party = by === found.studentId ? 'student' : by === found.tutorId ? 'tutor' : null;
    const money = deps.onOutcome ? await deps.onOutcome(tx, { bookingId: row.id, outcome, by: party, wasConfirmed: found.status === 'confirmed', at: now }) : null;
    await deps.courses?.bookingCancelled(tx, { bookingId: row.id, at: now, outcome, by: party });
    const said = money?.action === 'refund' ? { money: { refundMinor: money.amountMinor, currency: money.currency } } : money?.action === 'keep' ? { money: { noRefundHours: freeHours } } : {};
    const told = tell && found.status === 'confirmed' ? await notices.tell(tx, row, 'booking_cancelled', `booking-cancelled:${row.id}`, now, { by, late: outcome === 'late_cancellation', ...said }) : [];
    return { row, outcome, notices: told, money };
  }

  /** A lapsed (or swept) hold whose payment came late: confirmed if its slot is still bookable now; undefined if not. */
  async function confirmLate(found: BookingRow, now: Date): Promise<BookingRow | undefined> {
    const row = await repo.findPolicy(found.tutorId);
    if (!row) return undefined;
    const policy = toRulesPolicy(row);
    const minutes = Math.round((found.endsAt.getTime() - found.startsAt.getTime()) / MINUTE_MS);
    const w = busyWindow(found.startsAt, found.endsAt, minutes, policy.bufferMinutes);
    const problem = slotProblem(policy, await busyBetween(found.tutorId, w.from, w.to, found.id), found.startsAt, minutes, now, time);
    if (problem) {
      logger.info({ event: 'booking_late_payment_refused', bookingId: found.id, tutorId: found.tutorId, studentId: found.studentId, problem }, 'paid after the hold lapsed; the slot is no longer bookable');
      return undefined;
    }
    let result: { value: BookingRow; notices: NoticeRow[] } | null;
    try {
      result = await repo.db.transaction(async (tx) => {
        const b = await repo.reinstateLapsedHold(tx, found.id, now);
        return b ? { value: b, notices: await afterConfirmed(tx, b, now) } : null;
      });
    } catch (err) {
      // Someone booked the slot between the recheck and the update: the database's exclusion constraint says no.
      if (isExclusionViolation(err)) return undefined;
      throw err;
    }
    if (!result) return undefined;
    const b = pushed(result);
    logger.info({ event: 'booking_confirmed', bookingId: b.id, tutorId: b.tutorId, studentId: b.studentId, start: b.startsAt.toISOString(), via: 'late_payment' }, 'paid after the hold lapsed; the slot was still free, so the booking is confirmed');
    return b;
  }

  const ctx = { repo, clock, logger, courses: deps.courses, bookOne, cancelIn, busyBetween, busyWindow, requirePolicy, toRulesPolicy, notices, slotTaken, learnerZoneOf, pushed };

  return {
    async getPolicy(caller: AuthUser): Promise<AvailabilityPolicyView> {
      const row = await repo.findPolicy(caller.id);
      return row ? policyView(row) : { ...defaultPolicy(caller.user.timeZone), updatedAt: null };
    },

    async setPolicy(caller: AuthUser, body: AvailabilityPolicyBody): Promise<AvailabilityPolicyView> {
      const fields = policyProblems({ ...body, durationsMinutes: body.durationsMinutes as SessionLength[], rules: body.rules as AvailabilityPolicy['rules'] }).map((message) => ({
        path: message.split(':')[0]!,
        message,
      }));
      if (!time.isValidTimeZone(body.timeZone)) fields.unshift({ path: 'timeZone', message: 'timeZone: is not a known IANA time zone' });
      if (fields.length) throw badRequest('Please fix the availability: ' + fields.map((f) => f.message).join('; '), fields);
      const row = await repo.upsertPolicy({
        tutorId: caller.id,
        timeZone: body.timeZone,
        rules: body.rules as AvailabilityPolicy['rules'],
        overrides: body.overrides,
        durations: [...new Set(body.durationsMinutes)].sort((a, b) => a - b),
        bufferMinutes: body.bufferMinutes,
        minNoticeMinutes: body.minNoticeMinutes,
        maxPerDay: body.maxPerDay,
        horizonDays: body.horizonDays,
        cancelFreeHours: body.cancelFreeHours,
        updatedAt: clock.now(),
      });
      logger.info({ event: 'availability_updated', tutorId: caller.id, timeZone: row.timeZone, rules: row.rules.length, overrides: row.overrides.length }, 'availability updated');
      return policyView(row);
    },

    slots,
    /** slots() in its two steps, reading and computing (bench/slots.bench.ts times each). */
    slotSearch: search,

    /** Books a slot (201), or returns the booking of an earlier request with the same key (200). */
    async book(caller: AuthUser, body: BookBody): Promise<Result<{ booking: BookingView; created: boolean }, BookFailure>> {
      if (lacksGuardianConsent(caller, clock.now())) return fail('consent_required');
      const { subject } = body;
      if (subject && !(await tutorSubjectsOf(repo.db, [body.tutorId])).some((s) => s.subjectId === subject.id && s.level === subject.level)) return fail('subject_not_taught');
      if (deps.guardianLimits && !(await repo.findByIdempotencyKey(caller.id, body.idempotencyKey))) {
        const rate = await repo.tutorRate(body.tutorId);
        const limited = await deps.guardianLimits.check(caller.id, { action: 'book', at: new Date(body.start), priceMinor: priceFor(rate?.hourlyRateMinor ?? 0, body.durationMinutes) });
        if (!limited.ok) return limited;
      }
      const r = await bookOne(caller, { tutorId: body.tutorId, start: new Date(body.start), durationMinutes: body.durationMinutes, idempotencyKey: body.idempotencyKey, subject, courseId: body.course });
      return r.ok ? ok({ booking: bookingView(r.value.booking), created: r.value.created }) : r;
    },

    /**
     * Payment succeeded (billing calls this): a live hold becomes a confirmed booking. Confirming twice is harmless.
     * A payment that arrives after the hold lapsed (a slow provider, a late webhook): the booking is confirmed after
     * all when its slot could still be booked now, by the same rules as a new booking (free, enough notice, inside
     * the tutor's hours); otherwise it is released and refused as `hold_expired` (billing then refunds the payment).
     */
    async confirmHeld(bookingId: string, now: Date = clock.now()): Promise<Result<BookingView, ConfirmHoldFailure>> {
      const found = await repo.findById(bookingId);
      if (!found) return fail('not_found');
      const decision = confirmDecision(found, now);
      if (decision === 'already_confirmed') return ok(bookingView(found));
      if (decision === 'hold_expired') {
        const late = await confirmLate(found, now);
        if (late) return ok(bookingView(late));
        if (found.status === 'held') await this.releaseHold(bookingId, now);
        return fail('hold_expired', { slotGone: true });
      }
      if (decision === 'not_confirmable') return fail('not_confirmable', { status: found.status });
      const result = await repo.db.transaction(async (tx) => {
        const row = await repo.confirmHold(tx, bookingId, now);
        if (!row) return null;
        return { value: row, notices: await afterConfirmed(tx, row, now) };
      });
      // Someone else changed it meanwhile (a concurrent confirm, or a release): decide again from what is there now.
      if (!result) {
        const again = (await repo.findById(bookingId))!;
        if (again.status === 'confirmed') return ok(bookingView(again));
        return fail('hold_expired', { slotGone: false });
      }
      const row = pushed(result);
      logger.info({ event: 'booking_confirmed', bookingId, tutorId: row.tutorId, studentId: row.studentId, start: row.startsAt.toISOString(), via: 'payment' }, 'held booking confirmed');
      return ok(bookingView(row));
    },

    /** Gives up a hold (payment failed or abandoned): cancelled with outcome 'hold_expired'. Other states stay. */
    async releaseHold(bookingId: string, now: Date = clock.now()): Promise<Result<BookingView, ReleaseHoldFailure>> {
      const found = await repo.findById(bookingId);
      if (!found) return fail('not_found');
      if (found.status !== 'held') return ok(bookingView(found));
      const row = await repo.db.transaction(async (tx) => repo.cancelBooking(tx, bookingId, null, now, 'hold_expired'));
      if (!row) return ok(bookingView((await repo.findById(bookingId))!));
      logger.info({ event: 'booking_hold_released', bookingId, tutorId: row.tutorId, studentId: row.studentId }, 'booking hold released');
      return ok(bookingView(row));
    },

    /** The periodic job: cancels every lapsed hold, then queues the next sweep. */
    async sweepHolds(): Promise<number> {
      const now = clock.now();
      const expired = await repo.db.transaction(async (tx) => {
        const rows = await repo.cancelAllExpiredHolds(tx, now);
        await scheduleHoldSweep(tx, now);
        await pruneFinishedRuns(tx, HOLD_SWEEP_QUEUE, new Date(now.getTime() - PERIODIC_JOBS_KEPT_MS));
        return rows;
      });
      for (const h of expired) logger.info({ event: 'booking_hold_expired', bookingId: h.id, tutorId: h.tutorId, studentId: h.studentId, via: 'sweep' }, 'expired hold cancelled');
      return expired.length;
    },

    /**
     * The caller's holds with one tutor that still await payment, from the server's clock: a learner who left the
     * profile (Back, a reload, another device) finds them there again, to pay or release.
     */
    async activeHolds(caller: AuthUser, tutorId: string): Promise<BookingView[]> {
      return (await repo.liveHolds(caller.id, tutorId, clock.now())).map(bookingView);
    },

    /** The caller's bookings, each naming both parties with their zones (four queries however many there are). */
    async listMine(caller: AuthUser): Promise<MyBookingView[]> {
      return (await repo.listMine(caller.id)).map((b) => ({ ...bookingView(b), tutor: b.tutor, student: b.student }));
    },

    /** Either party cancels; inside the tutor's free-cancellation window the outcome is 'late_cancellation'. */
    async cancel(caller: AuthUser, bookingId: string): Promise<BookingView> {
      const found = await repo.findForParty(bookingId, caller.id);
      if (!found) throw notFound('That booking');
      if (found.status !== 'held' && found.status !== 'confirmed') return bookingView(found);
      const now = clock.now();
      const policy = await repo.findPolicy(found.tutorId);
      const done = await repo.db.transaction((tx) => cancelIn(tx, found, caller.id, now, policy?.cancelFreeHours ?? 0, true));
      if (!done.row) return bookingView((await repo.findForParty(bookingId, caller.id))!);
      inbox.push(done.notices);
      logger.info({ event: 'booking_cancelled', bookingId, tutorId: done.row.tutorId, studentId: done.row.studentId, cancelledBy: caller.id, outcome: done.outcome }, 'booking cancelled');
      return bookingView(done.row);
    },

    /**
     * A suspended tutor's lessons that start after the suspension are cancelled as the tutor's cancellations (issue
     * #18): refunded in full through billing's outcome port, both parties told, each in its own transaction. A lesson
     * already under way is left to finish. Only lessons still held or confirmed are touched, so a re-run does nothing.
     */
    async cancelForSuspendedTutor(tutorId: string, suspendedAt: Date): Promise<number> {
      let cancelled = 0;
      for (const found of await repo.upcomingOfTutor(tutorId, suspendedAt)) {
        const now = clock.now();
        // Not a late cancellation: the platform cancelled it, so no free-cancellation window applies.
        const done = await repo.db.transaction((tx) => cancelIn(tx, found, tutorId, now, 0, true));
        if (!done.row) continue;
        cancelled++;
        inbox.push(done.notices);
        logger.info({ event: 'booking_cancelled', bookingId: found.id, tutorId, studentId: found.studentId, cancelledBy: tutorId, outcome: done.outcome, via: 'tutor_suspended' }, 'lesson cancelled: the tutor was suspended');
      }
      return cancelled;
    },

    /** Either party moves a confirmed lesson (scheduling.reschedule.ts). */
    reschedule: (caller: AuthUser, bookingId: string, body: RescheduleBody) => rescheduleBooking(ctx, caller, bookingId, body),

    /** After a commit elsewhere in the module: push notices written in it to the users' open apps. */
    pushNotices: (rows: NoticeRow[]) => inbox.push(rows),

    /** Internals the series and reschedule parts build on. */
    internals: ctx,
  };
}

export type SchedulingService = ReturnType<typeof createSchedulingService>;
export type SchedulingInternals = SchedulingService['internals'];
