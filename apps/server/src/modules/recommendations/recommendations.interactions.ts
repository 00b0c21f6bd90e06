import type { Db } from '../../platform/db';
import { classesAttendedBetween } from '../classes';
import { answeredQuestionsBetween } from '../help';
import { tutorSubjectsOf } from '../identity';
import { sessionSpansOf } from '../rooms';
import { bookingHistoryBetween } from '../scheduling';
import { allFavourites, lessonReviewsBetween } from '../tutors';
import type { Interaction } from './model/interactions';
import type { RecommendationsRepo } from './recommendations.repo';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** A profile view counts as having led to a booking when the student booked that tutor within this long after it. */
export const VIEW_TO_BOOKING_MS = 14 * DAY_MS;

export interface InteractionRange {
  since: Date;
  until: Date;
  /** One student's interactions only (serving); everyone's when absent (training). */
  studentId?: string | undefined;
}

const SLICE_DEFAULT_DAYS = 30;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The time-ranged sources. One student's (serving) in one go. Everyone's (training) slice by slice of `sliceDays`,
 * one query at a time, letting the event loop run between them: on PGlite every query runs on the event loop's
 * thread, so a year of rows read at once kept requests waiting for the whole read (#17: serving while training).
 * Each source filters on a half-open [since, until), so the slices add up to exactly the rows of the whole range.
 */
async function readSources(db: Db, repo: RecommendationsRepo, range: InteractionRange, sliceDays = SLICE_DEFAULT_DAYS) {
  const viewsRange = { ...range, since: new Date(range.since.getTime() - VIEW_TO_BOOKING_MS) };
  if (range.studentId) {
    return Promise.all([answeredQuestionsBetween(db, range), bookingHistoryBetween(db, range), lessonReviewsBetween(db, range), classesAttendedBetween(db, range), repo.viewsBetween(viewsRange)]);
  }
  const answered: Awaited<ReturnType<typeof answeredQuestionsBetween>> = [];
  const bookings: Awaited<ReturnType<typeof bookingHistoryBetween>> = [];
  const reviews: Awaited<ReturnType<typeof lessonReviewsBetween>> = [];
  const classes: Awaited<ReturnType<typeof classesAttendedBetween>> = [];
  const views: Awaited<ReturnType<RecommendationsRepo['viewsBetween']>> = [];
  const step = Math.max(1, sliceDays) * DAY_MS;
  for (let from = viewsRange.since.getTime(); from < range.until.getTime(); from += step) {
    const slice = { since: new Date(from), until: new Date(Math.min(from + step, range.until.getTime())) };
    views.push(...(await repo.viewsBetween(slice)));
    await yieldToEventLoop();
    // The other sources start at range.since (views reach 14 days further back, to find views that led to a booking).
    if (slice.until.getTime() <= range.since.getTime()) continue;
    const inRange = { since: new Date(Math.max(slice.since.getTime(), range.since.getTime())), until: slice.until };
    for (const read of [
      async () => answered.push(...(await answeredQuestionsBetween(db, inRange))),
      async () => bookings.push(...(await bookingHistoryBetween(db, inRange))),
      async () => reviews.push(...(await lessonReviewsBetween(db, inRange))),
      async () => classes.push(...(await classesAttendedBetween(db, inRange))),
    ]) {
      await read();
      await yieldToEventLoop();
    }
  }
  return [answered, bookings, reviews, classes, views] as const;
}

/**
 * Every implicit-feedback signal we already keep, as model Interaction rows (#17), read only through the owners'
 * index.ts (decision 035): answered help sessions with their length and rating (help, rooms), lessons completed,
 * student no-shows and tutor cancellations (scheduling), lesson reviews and favourites (tutors), class attendance
 * (classes), and profile views followed by a booking (this module's own table). A handful of batch queries.
 */
export async function readInteractions(db: Db, repo: RecommendationsRepo, range: InteractionRange, opts: { sliceDays?: number } = {}): Promise<Interaction[]> {
  const [answered, bookings, reviews, classes, views] = await readSources(db, repo, range, opts.sliceDays);
  const favourites = await allFavourites(db, range.studentId);
  const spans = new Map((await sessionSpansOf(db, answered.flatMap((a) => (a.sessionId ? [a.sessionId] : [])))).map((s) => [s.id, s]));
  // A lesson's subject is the one it was booked in; a booking made without one (older rows, the weekly series) and a
  // favourite, review or view: the tutor's first subject stands for it (the model does not use it; baselines do).
  const tutorIds = [...new Set([...bookings.map((b) => b.tutorId), ...favourites.map((f) => f.tutorId), ...reviews.map((r) => r.tutorId), ...views.map((v) => v.tutorId)])];
  const subjectOf = new Map<string, string>();
  for (const s of await tutorSubjectsOf(db, tutorIds)) if (!subjectOf.has(s.tutorId)) subjectOf.set(s.tutorId, s.subjectId);
  const subject = (tutorId: string) => subjectOf.get(tutorId) ?? '';

  const rows: Interaction[] = [];
  for (const a of answered) {
    const span = a.sessionId ? spans.get(a.sessionId) : undefined;
    const minutes = span?.endedAt ? Math.max(0, Math.round((span.endedAt.getTime() - span.startedAt.getTime()) / MINUTE_MS)) : 0;
    rows.push({ studentId: a.studentId, tutorId: a.tutorId, subject: a.subjectId, ts: a.answeredAt, kind: 'session', value: minutes });
    if (a.rating !== null) rows.push({ studentId: a.studentId, tutorId: a.tutorId, subject: a.subjectId, ts: a.answeredAt, kind: 'rating', value: a.rating });
  }
  const bookedAt = new Map<string, Date[]>();
  for (const b of bookings) {
    const key = `${b.studentId}:${b.tutorId}`;
    bookedAt.set(key, [...(bookedAt.get(key) ?? []), b.startsAt]);
    const base = { studentId: b.studentId, tutorId: b.tutorId, subject: b.subjectId ?? subject(b.tutorId), ts: b.startsAt, value: 1 };
    if (b.status === 'completed') rows.push({ ...base, kind: 'lesson' });
    else if (b.outcome === 'student_no_show') rows.push({ ...base, kind: 'no_show' });
    else if (b.outcome === 'tutor_no_show' || (b.status === 'cancelled' && b.cancelledBy === b.tutorId)) rows.push({ ...base, kind: 'tutor_cancelled' });
  }
  for (const r of reviews) rows.push({ studentId: r.studentId, tutorId: r.tutorId, subject: subject(r.tutorId), ts: r.createdAt, kind: 'rating', value: r.rating });
  for (const f of favourites) rows.push({ studentId: f.studentId, tutorId: f.tutorId, subject: subject(f.tutorId), ts: range.until, kind: 'favourite', value: 1 });
  for (const c of classes) rows.push({ studentId: c.studentId, tutorId: c.tutorId, subject: c.subjectId, ts: c.startsAt, kind: 'class', value: 1 });
  for (const v of views) {
    const led = (bookedAt.get(`${v.studentId}:${v.tutorId}`) ?? []).some((at) => at.getTime() >= v.viewedAt.getTime() && at.getTime() - v.viewedAt.getTime() <= VIEW_TO_BOOKING_MS);
    if (led && v.viewedAt >= range.since) rows.push({ studentId: v.studentId, tutorId: v.tutorId, subject: subject(v.tutorId), ts: v.viewedAt, kind: 'view_booked', value: 1 });
  }
  return rows;
}
