import type { BookingView, RescheduleBody } from '@tutorline/contracts';
import { AppError, badRequest, conflict, notFound } from '../../platform/errors';
import * as time from '../../platform/time';
import type { AuthUser } from '../identity';
import type { NoticeRow } from '../notifications';
import { formatMoney, insideLateWindow } from './scheduling.lifecycle.rules';
import { type BookingRow, isExclusionViolation } from './scheduling.repo';
import { problemMessages, slotTakenError } from './scheduling.http';
import { slotProblem } from './scheduling.rules';
import { bookingView, isUniqueViolation, type SchedulingInternals } from './scheduling.service';

const MINUTE_MS = 60_000;

/**
 * Either party moves a confirmed lesson to another free slot of the same tutor, same length and price, outside the
 * tutor's late window. One transaction: the old booking is cancelled as 'rescheduled' and the new one (pointing
 * back with rescheduledFrom) is inserted; the old booking's own interval does not count against the new time.
 */
export async function rescheduleBooking(ctx: SchedulingInternals, caller: AuthUser, bookingId: string, body: RescheduleBody): Promise<{ booking: BookingView; created: boolean }> {
  const { repo, clock, logger, notices, requirePolicy, toRulesPolicy, busyBetween, busyWindow, learnerZoneOf, slotTaken, pushed } = ctx;
  const old = await repo.findForParty(bookingId, caller.id);
  if (!old) throw notFound('That booking');
  const key = `reschedule:${old.id}:${body.idempotencyKey}`;
  const earlier = await repo.findByIdempotencyKey(old.studentId, key);
  if (earlier) return { booking: bookingView(earlier), created: false };
  if (old.status !== 'confirmed') {
    throw conflict(old.outcome === 'rescheduled' ? 'This lesson was already moved; change the new booking instead.' : `This booking is ${old.status}; only a confirmed lesson can be moved.`);
  }
  const row = await requirePolicy(old.tutorId);
  const policy = toRulesPolicy(row);
  const now = clock.now();
  if (insideLateWindow(old.startsAt, now, row.cancelFreeHours)) {
    throw new AppError(
      409,
      'too_late_to_reschedule',
      `This lesson starts in less than ${row.cancelFreeHours} hours, so it can no longer be moved. You can still cancel it, but that counts as a late cancellation and the lesson price (${formatMoney(old.priceMinor, old.currency)}) may be charged.`,
      { reason: 'late_window', cancelFreeHours: row.cancelFreeHours, cancelOutcome: 'late_cancellation', priceMinor: old.priceMinor, currency: old.currency },
    );
  }
  const start = new Date(body.start);
  const durationMinutes = Math.round((old.endsAt.getTime() - old.startsAt.getTime()) / MINUTE_MS);
  if (start.getTime() === old.startsAt.getTime()) throw badRequest('The lesson is already at that time; choose a different start.', [{ path: 'start', message: 'is the current start' }]);
  const end = new Date(start.getTime() + durationMinutes * MINUTE_MS);
  const w = busyWindow(start, end, durationMinutes, policy.bufferMinutes);
  const problem = slotProblem(policy, await busyBetween(old.tutorId, w.from, w.to, old.id), start, durationMinutes, now, time);
  const zone = caller.id === old.tutorId ? row.timeZone : learnerZoneOf(caller);
  const freshSlots = slotTaken(old.tutorId, policy, start, durationMinutes, zone, old.studentId);
  const taken = async (via: 'recheck' | 'constraint') => slotTakenError(await freshSlots(via));
  if (problem === 'conflict') throw await taken('recheck');
  if (problem) throw new AppError(400, 'validation_failed', problemMessages[problem], { reason: problem });

  let result: { value: BookingRow; notices: NoticeRow[] };
  try {
    result = await repo.db.transaction(async (tx) => {
      const cancelled = await repo.cancelBooking(tx, old.id, caller.id, now, 'rescheduled');
      if (!cancelled) throw conflict('This lesson was changed meanwhile (cancelled or moved). Please reload and try again.');
      const b = await repo.insertBooking(tx, {
        tutorId: old.tutorId,
        studentId: old.studentId,
        startsAt: start,
        endsAt: end,
        status: 'confirmed',
        confirmedAt: now,
        idempotencyKey: key,
        createdAt: now,
        priceMinor: old.priceMinor,
        currency: old.currency,
        seriesId: old.seriesId,
        subjectId: old.subjectId,
        level: old.level,
        rescheduledFrom: old.id,
      });
      await notices.scheduleReminders(tx, b, now);
      // The moved lesson keeps its course tag (and whatever the course's allowance paid for it).
      await ctx.courses?.bookingMoved(tx, { from: old.id, to: b.id, at: now });
      return { value: b, notices: await notices.tell(tx, b, 'booking_rescheduled', `booking-rescheduled:${old.id}`, now, { by: caller.id, previous: old }) };
    });
  } catch (err) {
    if (isExclusionViolation(err)) throw await taken('constraint');
    if (isUniqueViolation(err)) {
      const same = await repo.findByIdempotencyKey(old.studentId, key);
      if (same) return { booking: bookingView(same), created: false };
    }
    throw err;
  }
  const b = pushed(result);
  logger.info(
    { event: 'booking_rescheduled', bookingId: b.id, rescheduledFrom: old.id, tutorId: b.tutorId, studentId: b.studentId, by: caller.id, from: old.startsAt.toISOString(), to: b.startsAt.toISOString() },
    'booking rescheduled',
  );
  return { booking: bookingView(b), created: true };
}
