import type { SlotsView } from '@tutorline/contracts';
import type { Clock } from '../../platform/clock';
import { badRequest, notFound } from '../../platform/errors';
import type { Logger } from '../../platform/logger';
import * as time from '../../platform/time';
import type { AuthUser } from '../identity';
import { busyIntervals } from './scheduling.busy';
import type { PolicyRow, SchedulingRepo } from './scheduling.repo';
import { type AvailabilityPolicy, type Busy, computeSlots, type SessionLength, toLearnerView } from './scheduling.rules';

/**
 * Slots (split from scheduling.service.ts, #14): reading a tutor's rows (policy and busy intervals) and computing the
 * slots from them are two steps of the one function the route runs, so bench/slots.bench.ts times each step of the
 * real code path.
 */
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** The widest slot search one request may ask for. */
const MAX_SEARCH_DAYS = 62;

/** A stored policy row as the pure rules read it (also used by tutor search). */
export function toRulesPolicy(row: PolicyRow): AvailabilityPolicy {
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

/**
 * Busy intervals that matter for slots starting in [from, to): the window widened by a day on each side, so the
 * daily cap counts every booking of a tutor-local date (no zone is more than 14 h from UTC), and buffers see
 * bookings just outside the window.
 */
export function busyWindow(from: Date, to: Date, durationMinutes: number, bufferMinutes: number) {
  const pad = DAY_MS + (durationMinutes + bufferMinutes) * MINUTE_MS;
  return { from: new Date(from.getTime() - pad), to: new Date(to.getTime() + pad) };
}

export interface SlotQuery {
  from: Date;
  to: Date;
  durationMinutes: number;
  learnerZone: string;
}
/** What slots() reads for one tutor: the policy as the rules take it, and the busy intervals around the window. */
export interface SlotRows {
  policy: AvailabilityPolicy;
  busy: Busy[];
}

export function createSlotSearch(deps: { repo: SchedulingRepo; clock: Clock; logger: Logger }) {
  const { repo, clock, logger } = deps;

  async function requirePolicy(tutorId: string): Promise<PolicyRow> {
    const row = await repo.findPolicy(tutorId);
    if (!row) throw notFound('That tutor’s availability');
    return row;
  }

  /** Active bookings overlapping [from, to), plus instant sessions in progress (scheduling.busy.ts busyIntervals). */
  async function busyBetween(tutorId: string, from: Date, to: Date, ignoreBookingId?: string): Promise<Busy[]> {
    return (await busyIntervals(repo.db, [tutorId], { from, to, now: clock.now(), ignoreBookingId })).get(tutorId) ?? [];
  }

  /** Step 1 of slots(): checks the query, then reads the tutor's policy and busy intervals (two round trips). */
  async function readSlotRows(tutorId: string, q: SlotQuery): Promise<SlotRows> {
    if (!time.isValidTimeZone(q.learnerZone)) throw badRequest('zone must be an IANA time zone, like America/New_York.', [{ path: 'zone', message: 'is not a known time zone' }]);
    if (q.to.getTime() <= q.from.getTime()) throw badRequest('to must be after from.', [{ path: 'to', message: 'must be after from' }]);
    if (q.to.getTime() - q.from.getTime() > MAX_SEARCH_DAYS * DAY_MS) throw badRequest(`Search at most ${MAX_SEARCH_DAYS} days at a time.`, [{ path: 'to', message: `at most ${MAX_SEARCH_DAYS} days after from` }]);
    const policy = toRulesPolicy(await requirePolicy(tutorId));
    const w = busyWindow(q.from, q.to, q.durationMinutes, policy.bufferMinutes);
    return { policy, busy: await busyBetween(tutorId, w.from, w.to) };
  }

  /** Step 2 of slots(): the slots from those rows, in memory, shown in the learner's zone. */
  function computeSlotsView(tutorId: string, rows: SlotRows, q: SlotQuery): SlotsView {
    const found = computeSlots(rows.policy, rows.busy, { from: q.from, to: q.to, now: clock.now(), durationMinutes: q.durationMinutes }, time);
    return {
      tutorId,
      timeZone: rows.policy.timeZone,
      slots: found.map((s) => {
        const v = toLearnerView(s, q.learnerZone, time);
        return { ...v, start: v.start.toISOString(), end: v.end.toISOString() };
      }),
    };
  }

  /** GET /api/tutors/:id/slots: read, then compute. */
  async function slots(tutorId: string, q: SlotQuery): Promise<SlotsView> {
    return computeSlotsView(tutorId, await readSlotRows(tutorId, q), q);
  }

  /** The slots of the tutor-local day of `start`, in the learner's zone (sent with a 409 so the learner can pick again). */
  async function slotsOfDay(tutorId: string, policy: AvailabilityPolicy, start: Date, durationMinutes: number, learnerZone: string) {
    const date = time.instantToZoned(start, policy.timeZone).date;
    const from = time.zonedToInstant(date, '00:00', policy.timeZone, 'compatible');
    const to = time.zonedToInstant(time.addDaysLocal(date, 1), '00:00', policy.timeZone, 'compatible');
    return (await slots(tutorId, { from, to, durationMinutes, learnerZone })).slots;
  }

  function learnerZoneOf(caller: AuthUser, fallback = 'UTC') {
    return time.isValidTimeZone(caller.user.timeZone) ? caller.user.timeZone : fallback;
  }

  /** A booking lost its slot: logged, and the fresh slots of that day (sent with the refusal so the learner can pick again). */
  function slotTaken(tutorId: string, policy: AvailabilityPolicy, start: Date, durationMinutes: number, learnerZone: string, who: string) {
    return async (via: 'recheck' | 'constraint') => {
      logger.info({ event: 'booking_conflict', via, tutorId, studentId: who, start: start.toISOString() }, 'booking lost a race');
      return slotsOfDay(tutorId, policy, start, durationMinutes, learnerZone);
    };
  }

  return { requirePolicy, busyBetween, busyWindow, readSlotRows, computeSlotsView, slots, slotsOfDay, learnerZoneOf, slotTaken };
}

export type SlotSearch = ReturnType<typeof createSlotSearch>;
