import type { AvailabilityPolicyBody, AvailabilityPolicyView, BookingView } from '@tutorline/contracts';
import type { BookingRow, PolicyRow } from './scheduling.repo';

/** How scheduling's rows are shown (split from scheduling.service.ts, #14). */
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

export function policyView(row: PolicyRow): AvailabilityPolicyView {
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
    heldUntil: b.status === 'held' ? (b.heldUntil?.toISOString() ?? null) : null,
    confirmedAt: b.confirmedAt?.toISOString() ?? null,
    priceMinor: b.priceMinor,
    currency: b.currency,
    seriesId: b.seriesId,
    rescheduledFrom: b.rescheduledFrom,
  };
}

/** A 23505 on the (student, idempotency key) index: a concurrent request with the same key won. */
export function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}
