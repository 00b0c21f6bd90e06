import { randomUUID } from 'node:crypto';
import type { BookingView, BookSeriesBody, SeriesPreviewView, SeriesResultView } from '@tutorline/contracts';
import type { Clock } from '../../platform/clock';
import { badRequest, notFound } from '../../platform/errors';
import type { Logger } from '../../platform/logger';
import { type Fail, fail, ok, type Result, unreachable } from '../../platform/result';
import * as time from '../../platform/time';
import { type AuthUser, lacksGuardianConsent } from '../identity';
import type { NoticeRow } from '../notifications';
import { formatWhen } from './scheduling.lifecycle.rules';
import type { SchedulingRepo } from './scheduling.repo';
import { problemMessages, slotTakenMessage } from './scheduling.http';
import { localTimeShifts, recurringOccurrences, slotProblem } from './scheduling.rules';
import { bookingView, type SchedulingService } from './scheduling.service';

const MINUTE_MS = 60_000;

/** Each week's idempotency key, derived from the series key, so a retry books no week twice. */
const occurrenceKey = (seriesKey: string, week: number) => `${seriesKey}#${week}`;

/** Why no week of a series was tried: consent, no such tutor, or one with no availability (a slot's refusal only skips its week). */
export type SeriesFailure = Fail<'consent_required' | 'tutor_not_found' | 'tutor_blocked' | 'no_availability' | 'not_in_course'>;

const zoneProblem = () => badRequest('zone must be an IANA time zone, like America/New_York.', [{ path: 'zone', message: 'is not a known time zone' }]);

/**
 * Weekly lessons (issue #6): the same tutor wall-clock time every week (scheduling.rules rule 5). Each week is booked on
 * its own, in its own transaction, sharing a seriesId; a week that cannot be booked is skipped with its reason.
 */
export function createSeriesService(deps: { repo: SchedulingRepo; clock: Clock; logger: Logger; scheduling: SchedulingService }) {
  const { repo, clock, logger } = deps;
  const core = deps.scheduling.internals;

  return {
    /** Every week's start and end on both clocks, whether it is bookable, and warnings for weeks the learner's clock reads differently. */
    async preview(tutorId: string, q: { start: Date; durationMinutes: number; weeks: number; learnerZone: string }): Promise<SeriesPreviewView> {
      if (!time.isValidTimeZone(q.learnerZone)) throw zoneProblem();
      if ((await repo.userRole(tutorId)) !== 'tutor') throw notFound('That tutor');
      const row = await core.requirePolicy(tutorId);
      const policy = core.toRulesPolicy(row);
      const starts = recurringOccurrences(q.start, q.weeks, policy.timeZone, time);
      const last = starts[starts.length - 1]!;
      const w = core.busyWindow(q.start, new Date(last.getTime() + q.durationMinutes * MINUTE_MS), q.durationMinutes, policy.bufferMinutes);
      const busy = await core.busyBetween(tutorId, w.from, w.to);
      const now = clock.now();
      const reading = (at: Date, zone: string) => {
        const z = time.instantToZoned(at, zone);
        return { date: z.date, weekday: z.weekday, time: z.time, offset: z.offset };
      };
      const occurrences = starts.map((start) => {
        const problem = slotProblem(policy, busy, start, q.durationMinutes, now, time);
        return {
          start: start.toISOString(),
          end: new Date(start.getTime() + q.durationMinutes * MINUTE_MS).toISOString(),
          learnerLocal: reading(start, q.learnerZone),
          tutorLocal: reading(start, policy.timeZone),
          bookable: problem === null,
          problem,
        };
      });
      const first = time.instantToZoned(starts[0]!, q.learnerZone).time;
      const warnings = localTimeShifts(starts, q.learnerZone, time)
        .filter((s) => s.shiftMinutes !== 0)
        .map((s) => ({
          start: s.start.toISOString(),
          shiftMinutes: s.shiftMinutes,
          message: `On ${formatWhen(s.local, q.learnerZone)} the lesson is at ${s.local.time} your time instead of ${first}: the clocks change in ${policy.timeZone} and ${q.learnerZone} on different dates, and the lesson keeps the tutor's local time.`,
        }));
      return { tutorId, tutorTimeZone: policy.timeZone, learnerTimeZone: q.learnerZone, occurrences, warnings };
    },

    /**
     * Books every week it can. A retry with the same key finds the weeks already booked (same bookings, same seriesId)
     * and tries again only the weeks that have none, so a retry after a crash finishes the job and books nothing twice.
     */
    async book(caller: AuthUser, body: BookSeriesBody): Promise<Result<SeriesResultView, SeriesFailure>> {
      if (lacksGuardianConsent(caller, clock.now())) return fail('consent_required');
      if ((await repo.userRole(body.tutorId)) !== 'tutor') return fail('tutor_not_found');
      const row = await repo.findPolicy(body.tutorId);
      if (!row) return fail('no_availability');
      const start = new Date(body.start);
      const starts = recurringOccurrences(start, body.weeks, row.timeZone, time);
      const existing = await Promise.all(starts.map((_, k) => repo.findByIdempotencyKey(caller.id, occurrenceKey(body.idempotencyKey, k + 1))));
      const seriesId = existing.find((b) => b?.seriesId)?.seriesId ?? randomUUID();
      const booked: BookingView[] = [];
      const skipped: SeriesResultView['skipped'] = [];
      for (const [k, at] of starts.entries()) {
        const r = await core.bookOne(caller, { tutorId: body.tutorId, start: at, durationMinutes: body.durationMinutes, idempotencyKey: occurrenceKey(body.idempotencyKey, k + 1), seriesId, courseId: body.course }, { quiet: true });
        if (r.ok) {
          booked.push(bookingView(r.value.booking));
          continue;
        }
        // A week the slot rules refuse, or that someone else has, is skipped with its reason; the tutor or their
        // availability vanishing meanwhile ends the series there (the weeks booked so far stay booked).
        switch (r.reason) {
          case 'slot_taken':
            skipped.push({ start: at.toISOString(), reason: 'conflict', message: slotTakenMessage });
            break;
          case 'too_soon':
          case 'beyond_horizon':
          case 'outside_availability':
          case 'duration_not_offered':
          case 'day_full':
            skipped.push({ start: at.toISOString(), reason: r.reason, message: problemMessages[r.reason] });
            break;
          case 'tutor_not_found':
          case 'tutor_blocked':
          case 'no_availability':
          case 'not_in_course':
            return fail(r.reason);
          default:
            return unreachable(r);
        }
      }
      logger.info({ event: 'booking_series_booked', seriesId, tutorId: body.tutorId, studentId: caller.id, booked: booked.length, skipped: skipped.length }, 'weekly lessons booked');
      return ok({ seriesId, booked, skipped });
    },

    /** Cancels the series' lessons that have not started yet (either party); each one late or not by its own start. */
    async cancel(caller: AuthUser, seriesId: string): Promise<{ seriesId: string; cancelled: BookingView[] }> {
      const all = await repo.bySeries(seriesId);
      if (!all.length || !all.some((b) => b.studentId === caller.id || b.tutorId === caller.id)) throw notFound('That series');
      const now = clock.now();
      const future = all.filter((b) => (b.status === 'held' || b.status === 'confirmed') && b.startsAt.getTime() > now.getTime());
      if (!future.length) return { seriesId, cancelled: [] };
      const policy = await repo.findPolicy(all[0]!.tutorId);
      const result = await repo.db.transaction(async (tx) => {
        const rows = [];
        for (const b of future) {
          const done = await core.cancelIn(tx, b, caller.id, now, policy?.cancelFreeHours ?? 0, false);
          if (done.row) rows.push(done.row);
        }
        // One notice for the whole series, not one per week.
        const first = rows.find((r) => future.find((f) => f.id === r.id)?.status === 'confirmed');
        const notices: NoticeRow[] = first ? await core.notices.tell(tx, first, 'series_cancelled', `series-cancelled:${seriesId}:${now.toISOString()}`, now, { by: caller.id, count: rows.length }) : [];
        return { rows, notices };
      });
      deps.scheduling.pushNotices(result.notices);
      for (const r of result.rows) logger.info({ event: 'booking_cancelled', bookingId: r.id, seriesId, tutorId: r.tutorId, studentId: r.studentId, cancelledBy: caller.id, outcome: r.outcome }, 'booking cancelled');
      return { seriesId, cancelled: result.rows.map(bookingView) };
    },
  };
}
export type SeriesService = ReturnType<typeof createSeriesService>;
