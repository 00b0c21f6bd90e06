import type { AvailabilityPolicyBody, AvailabilityPolicyView, BookBody, BookingView, SlotsView } from '@tutorline/contracts';
import type { Clock } from '../../platform/clock';
import { AppError, badRequest, notFound } from '../../platform/errors';
import type { Logger } from '../../platform/logger';
import * as time from '../../platform/time';
import { type AuthUser, canAskOrBook } from '../identity';
import { isExclusionViolation, type BookingRow, type PolicyRow, type SchedulingRepo } from './scheduling.repo';
import { type AvailabilityPolicy, type Busy, computeSlots, policyProblems, type SessionLength, type SlotProblem, slotProblem, toLearnerView } from './scheduling.rules';

export interface SchedulingDeps {
  repo: SchedulingRepo;
  clock: Clock;
  logger: Logger;
}

/**
 * An instant-help session in progress has no planned end; it counts as busy from its start for this long.
 * Instant sessions are short (one question), so an hour covers nearly all of them; when one runs longer, the
 * tutor's next booked lesson still stands (bookings win), and slots reopen once the session ends.
 */
export const INSTANT_SESSION_BUSY_MINUTES = 60;
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** The widest slot search one request may ask for. */
const MAX_SEARCH_DAYS = 62;

export const slotTakenMessage = 'That slot was just taken. Please choose another time.';

const problemMessages: Record<Exclude<SlotProblem, 'conflict'>, string> = {
  too_soon: 'That slot starts too soon: the tutor needs more notice.',
  beyond_horizon: 'That slot is too far ahead: the tutor does not take bookings that far out.',
  outside_availability: 'The tutor is not available at that time.',
  duration_not_offered: 'The tutor does not offer lessons of that length.',
  day_full: 'The tutor is fully booked that day.',
};

export const defaultPolicy = (timeZone: string): AvailabilityPolicyBody => ({
  timeZone,
  rules: [],
  overrides: [],
  durationsMinutes: [60],
  bufferMinutes: 0,
  minNoticeMinutes: 12 * 60,
  maxPerDay: null,
  horizonDays: 60,
  cancelFreeHours: 24,
});

function toRulesPolicy(row: PolicyRow): AvailabilityPolicy {
  return {
    timeZone: row.timeZone,
    rules: row.rules,
    overrides: row.overrides,
    durationsMinutes: row.durations as SessionLength[],
    bufferMinutes: row.bufferMinutes,
    minNoticeMinutes: row.minNoticeMinutes,
    maxPerDay: row.maxPerDay,
    horizonDays: row.horizonDays,
  };
}

function policyView(row: PolicyRow): AvailabilityPolicyView {
  return {
    timeZone: row.timeZone,
    rules: row.rules,
    overrides: row.overrides,
    durationsMinutes: row.durations,
    bufferMinutes: row.bufferMinutes,
    minNoticeMinutes: row.minNoticeMinutes,
    maxPerDay: row.maxPerDay,
    horizonDays: row.horizonDays,
    cancelFreeHours: row.cancelFreeHours,
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function bookingView(b: BookingRow): BookingView {
  return {
    id: b.id,
    tutorId: b.tutorId,
    studentId: b.studentId,
    start: b.startsAt.toISOString(),
    end: b.endsAt.toISOString(),
    status: b.status,
    createdAt: b.createdAt.toISOString(),
    cancelledAt: b.cancelledAt?.toISOString() ?? null,
    cancelledBy: b.cancelledBy,
    outcome: b.outcome,
  };
}

export function createSchedulingService(deps: SchedulingDeps) {
  const { repo, clock, logger } = deps;

  async function requirePolicy(tutorId: string): Promise<PolicyRow> {
    const row = await repo.findPolicy(tutorId);
    if (!row) throw notFound('That tutor’s availability');
    return row;
  }

  /** Active bookings overlapping [from, to), plus instant sessions in progress (busy for an hour from their start). */
  async function busyBetween(tutorId: string, from: Date, to: Date): Promise<Busy[]> {
    const [booked, instant] = await Promise.all([repo.activeBookings(tutorId, from, to), repo.activeInstantSessions(tutorId)]);
    const now = clock.now();
    return [
      // A hold that has expired no longer blocks (it is cancelled for real by the next booking of this tutor).
      ...booked.filter((b) => b.status !== 'held' || !b.heldUntil || b.heldUntil > now).map((b): Busy => ({ start: b.startsAt, end: b.endsAt, kind: 'booking' })),
      ...instant.map((start): Busy => ({ start, end: new Date(start.getTime() + INSTANT_SESSION_BUSY_MINUTES * MINUTE_MS), kind: 'instant' })),
    ];
  }

  /**
   * Busy intervals that matter for slots starting in [from, to): the window widened by a day on each side, so the
   * daily cap counts every booking of a tutor-local date (no zone is more than 14 h from UTC), and buffers see
   * bookings just outside the window.
   */
  function busyWindow(from: Date, to: Date, durationMinutes: number, bufferMinutes: number) {
    const pad = DAY_MS + (durationMinutes + bufferMinutes) * MINUTE_MS;
    return { from: new Date(from.getTime() - pad), to: new Date(to.getTime() + pad) };
  }

  async function slots(tutorId: string, q: { from: Date; to: Date; durationMinutes: number; learnerZone: string }): Promise<SlotsView> {
    if (!time.isValidTimeZone(q.learnerZone)) throw badRequest('zone must be an IANA time zone, like America/New_York.', [{ path: 'zone', message: 'is not a known time zone' }]);
    if (q.to.getTime() <= q.from.getTime()) throw badRequest('to must be after from.', [{ path: 'to', message: 'must be after from' }]);
    if (q.to.getTime() - q.from.getTime() > MAX_SEARCH_DAYS * DAY_MS) throw badRequest(`Search at most ${MAX_SEARCH_DAYS} days at a time.`, [{ path: 'to', message: `at most ${MAX_SEARCH_DAYS} days after from` }]);
    const row = await requirePolicy(tutorId);
    const policy = toRulesPolicy(row);
    const w = busyWindow(q.from, q.to, q.durationMinutes, policy.bufferMinutes);
    const busy = await busyBetween(tutorId, w.from, w.to);
    const found = computeSlots(policy, busy, { from: q.from, to: q.to, now: clock.now(), durationMinutes: q.durationMinutes }, time);
    return {
      tutorId,
      timeZone: policy.timeZone,
      slots: found.map((s) => {
        const v = toLearnerView(s, q.learnerZone, time);
        return { ...v, start: v.start.toISOString(), end: v.end.toISOString() };
      }),
    };
  }

  /** The slots of the tutor-local day of `start`, in the learner's zone (sent with a 409 so the learner can pick again). */
  async function slotsOfDay(tutorId: string, policy: AvailabilityPolicy, start: Date, durationMinutes: number, learnerZone: string) {
    const date = time.instantToZoned(start, policy.timeZone).date;
    const from = time.zonedToInstant(date, '00:00', policy.timeZone, 'compatible');
    const to = time.zonedToInstant(time.addDaysLocal(date, 1), '00:00', policy.timeZone, 'compatible');
    return (await slots(tutorId, { from, to, durationMinutes, learnerZone })).slots;
  }

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

    /**
     * Books a slot. Rules are rechecked against current facts; the database's exclusion constraint settles races
     * between requests that both passed the recheck. A repeat with the same idempotency key returns the first booking.
     */
    async book(caller: AuthUser, body: BookBody): Promise<{ booking: BookingView; created: boolean }> {
      if (!canAskOrBook(caller.user, clock.now())) throw new AppError(403, 'consent_required', 'A parent or guardian must agree before you can book lessons.');
      const earlier = await repo.findByIdempotencyKey(caller.id, body.idempotencyKey);
      if (earlier) return { booking: bookingView(earlier), created: false };

      if ((await repo.userRole(body.tutorId)) !== 'tutor') throw notFound('That tutor');
      const row = await requirePolicy(body.tutorId);
      const policy = toRulesPolicy(row);
      const start = new Date(body.start);
      // The 409's fresh slots read in the student's own zone.
      const learnerZone = time.isValidTimeZone(caller.user.timeZone) ? caller.user.timeZone : 'UTC';
      const end = new Date(start.getTime() + body.durationMinutes * MINUTE_MS);
      const now = clock.now();
      const w = busyWindow(start, end, body.durationMinutes, policy.bufferMinutes);
      const problem = slotProblem(policy, await busyBetween(body.tutorId, w.from, w.to), start, body.durationMinutes, now, time);
      const taken = async (via: 'recheck' | 'constraint') => {
        logger.info({ event: 'booking_conflict', via, tutorId: body.tutorId, studentId: caller.id, start: start.toISOString() }, 'booking lost a race');
        return new AppError(409, 'conflict', slotTakenMessage, { slots: await slotsOfDay(body.tutorId, policy, start, body.durationMinutes, learnerZone) });
      };
      if (problem === 'conflict') throw await taken('recheck');
      if (problem) throw new AppError(400, 'validation_failed', problemMessages[problem], { reason: problem });

      let booking: BookingRow;
      try {
        booking = await repo.db.transaction(async (tx) => {
          const expired = await repo.cancelExpiredHolds(tx, body.tutorId, now);
          for (const h of expired) logger.info({ event: 'booking_hold_expired', bookingId: h.id, tutorId: h.tutorId, studentId: h.studentId }, 'expired hold cancelled');
          // Confirmed at once: payment (billing) is not built yet; with it, this becomes a 'held' booking with held_until.
          return repo.insertBooking(tx, { tutorId: body.tutorId, studentId: caller.id, startsAt: start, endsAt: end, status: 'confirmed', idempotencyKey: body.idempotencyKey, createdAt: now });
        });
      } catch (err) {
        if (isExclusionViolation(err)) throw await taken('constraint');
        // Two requests with the same key at once: the other one inserted; return its booking.
        const same = await repo.findByIdempotencyKey(caller.id, body.idempotencyKey);
        if (same) return { booking: bookingView(same), created: false };
        throw err;
      }
      logger.info(
        { event: 'booking_confirmed', bookingId: booking.id, tutorId: booking.tutorId, studentId: booking.studentId, start: booking.startsAt.toISOString(), end: booking.endsAt.toISOString() },
        'booking confirmed',
      );
      return { booking: bookingView(booking), created: true };
    },

    async listMine(caller: AuthUser): Promise<BookingView[]> {
      return (await repo.listMine(caller.id)).map(bookingView);
    },

    /** Either party cancels; inside the tutor's free-cancellation window the outcome is 'late_cancellation'. */
    async cancel(caller: AuthUser, bookingId: string): Promise<BookingView> {
      const found = await repo.findForParty(bookingId, caller.id);
      if (!found) throw notFound('That booking');
      if (found.status === 'cancelled') return bookingView(found);
      const now = clock.now();
      const policy = await repo.findPolicy(found.tutorId);
      const freeHours = policy?.cancelFreeHours ?? 0;
      const outcome = found.startsAt.getTime() - now.getTime() < freeHours * HOUR_MS ? 'late_cancellation' : 'cancelled';
      const row = await repo.cancelBooking(bookingId, caller.id, now, outcome);
      if (!row) return bookingView((await repo.findForParty(bookingId, caller.id))!);
      logger.info({ event: 'booking_cancelled', bookingId, tutorId: row.tutorId, studentId: row.studentId, cancelledBy: caller.id, outcome }, 'booking cancelled');
      return bookingView(row);
    },
  };
}

export type SchedulingService = ReturnType<typeof createSchedulingService>;
