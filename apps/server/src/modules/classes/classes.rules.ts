/** Group classes: pure decisions with the time passed in (issue #15). */

export const ROOM_OPENS_MINUTES_BEFORE = 10;
/** The room stays open this long after the end. */
export const ROOM_GRACE_MINUTES = 15;
/** A learner who leaves at least this long before the start is refunded in full (as a lesson's free cancellation). */
export const FREE_LEAVE_HOURS = 24;
const MIN = 60_000;

export type ClassRole = 'teacher' | 'learner' | 'observer';
export type ClassAccessRefusal = 'class_not_found' | 'not_enrolled' | 'not_open_yet' | 'class_over' | 'class_cancelled';
export type ClassStatus = 'scheduled' | 'cancelled' | 'completed' | 'tutor_no_show';

export interface ClassTimes {
  startsAt: Date;
  endsAt: Date;
  status: ClassStatus;
}

export function roomWindow(c: Pick<ClassTimes, 'startsAt' | 'endsAt'>): { opensAt: Date; closesAt: Date } {
  return { opensAt: new Date(c.startsAt.getTime() - ROOM_OPENS_MINUTES_BEFORE * MIN), closesAt: new Date(c.endsAt.getTime() + ROOM_GRACE_MINUTES * MIN) };
}

/**
 * Who may be in the class's room at `at`, and as what: the tutor teaches, an enrolled learner learns, an admin
 * observes (any time, for support); everyone else is refused. The room is open from 10 minutes before the start to the
 * end plus the grace, and never for a cancelled class.
 */
export function decideAccess(
  c: ClassTimes & { tutorId: string },
  who: { userId: string; isAdmin: boolean; enrolled: boolean },
  at: Date,
): { ok: true; role: ClassRole } | { ok: false; reason: Exclude<ClassAccessRefusal, 'class_not_found'> } {
  const role: ClassRole | null = who.userId === c.tutorId ? 'teacher' : who.enrolled ? 'learner' : who.isAdmin ? 'observer' : null;
  if (!role) return { ok: false, reason: 'not_enrolled' };
  if (c.status === 'cancelled') return { ok: false, reason: 'class_cancelled' };
  const { opensAt, closesAt } = roomWindow(c);
  if (c.status !== 'scheduled' || at.getTime() >= closesAt.getTime()) return { ok: false, reason: 'class_over' };
  if (role !== 'observer' && at.getTime() < opensAt.getTime()) return { ok: false, reason: 'not_open_yet' };
  return { ok: true, role };
}

/** Why a class cannot be joined by enrolling now (the seat count is the database's to decide). */
export type EnrolRefusal = 'class_not_found' | 'class_not_open' | 'own_class' | 'class_full';

export function canEnrol(c: ClassTimes & { tutorId: string }, studentId: string, at: Date): { ok: true } | { ok: false; reason: Exclude<EnrolRefusal, 'class_full' | 'class_not_found'> } {
  if (c.tutorId === studentId) return { ok: false, reason: 'own_class' };
  if (c.status !== 'scheduled' || at.getTime() >= c.startsAt.getTime()) return { ok: false, reason: 'class_not_open' };
  return { ok: true };
}

/** What a learner leaving gets back, as for a lesson's cancellation: everything up to FREE_LEAVE_HOURS before the start, nothing later. */
export function leaveRefund(c: { startsAt: Date; priceMinor: number }, at: Date): { amountMinor: number; late: boolean } {
  const late = c.startsAt.getTime() - at.getTime() < FREE_LEAVE_HOURS * 3_600_000;
  return { amountMinor: late ? 0 : c.priceMinor, late };
}

export type ClassOutcome = 'completed' | 'tutor_no_show';

/**
 * The sweep's decision once a class has ended: taught (the tutor joined at some point before the end) → completed,
 * the tutor paid; never joined → a tutor no-show, every learner refunded. A cancelled or settled class stays as it is.
 */
export function decideSettlement(c: ClassTimes & { tutorJoinedAt: Date | null }, now: Date): { settle: false } | { settle: true; outcome: ClassOutcome } {
  if (c.status !== 'scheduled' || now.getTime() < c.endsAt.getTime()) return { settle: false };
  const taught = c.tutorJoinedAt !== null && c.tutorJoinedAt.getTime() < c.endsAt.getTime();
  return { settle: true, outcome: taught ? 'completed' : 'tutor_no_show' };
}

export type ReminderKind = '24h' | '15m';
const REMINDER_MINUTES: Record<ReminderKind, number> = { '24h': 24 * 60, '15m': 15 };

/** The reminders still worth sending for a class starting at `startsAt`, with when to run them. */
export function reminderPlan(startsAt: Date, now: Date): { kind: ReminderKind; runAt: Date }[] {
  return (Object.keys(REMINDER_MINUTES) as ReminderKind[])
    .map((kind) => ({ kind, runAt: new Date(startsAt.getTime() - REMINDER_MINUTES[kind] * MIN) }))
    .filter((r) => r.runAt.getTime() > now.getTime() - MIN && startsAt.getTime() > now.getTime());
}

/** A reminder whose class has started (a job run late) says nothing. */
export const reminderIsStale = (startsAt: Date, now: Date) => now.getTime() >= startsAt.getTime();

/** A join/leave log folded into present intervals per user (a leave without a join is ignored; an open join stays open). */
export function attendanceIntervals(rows: { userId: string; kind: 'join' | 'leave'; at: Date }[]): Map<string, { joinedAt: Date; leftAt: Date | null }[]> {
  const out = new Map<string, { joinedAt: Date; leftAt: Date | null }[]>();
  const sorted = [...rows].sort((a, b) => a.at.getTime() - b.at.getTime());
  for (const r of sorted) {
    const list = out.get(r.userId) ?? [];
    out.set(r.userId, list);
    const last = list.at(-1);
    if (r.kind === 'join') {
      if (!last || last.leftAt) list.push({ joinedAt: r.at, leftAt: null });
    } else if (last && !last.leftAt) last.leftAt = r.at;
  }
  return out;
}

/** Minutes present inside [start, until] (the class's time so far), counting an open interval until `until`. */
export function minutesPresent(intervals: { joinedAt: Date; leftAt: Date | null }[], start: Date, until: Date): number {
  let ms = 0;
  for (const i of intervals) {
    const from = Math.max(i.joinedAt.getTime(), start.getTime());
    const to = Math.min((i.leftAt ?? until).getTime(), until.getTime());
    ms += Math.max(0, to - from);
  }
  return Math.round(ms / MIN);
}

/** CSV cell: quoted when it holds a comma, quote or newline; a leading = + - @ is neutralised (spreadsheet formulas). */
export function csvCell(v: string): string {
  const safe = /^[=+\-@]/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
