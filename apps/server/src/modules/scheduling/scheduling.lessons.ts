import type { LessonRoom, LessonRoomView } from '@tutorline/contracts';
import type { Clock } from '../../platform/clock';
import type { Db, Tx } from '../../platform/db';
import { AppError, notFound } from '../../platform/errors';
import { z } from 'zod';
import { defineJob, type JobRunner, PERIODIC_JOBS_KEPT_MS, pruneFinishedRuns } from '../../platform/jobs';
import type { Logger } from '../../platform/logger';
import * as time from '../../platform/time';
import type { AuthUser } from '../identity';
import type { NewNotice, NoticeRow } from '../notifications';
import type { RoomsService } from '../rooms';
import type { OnBookingOutcome } from './scheduling.service';
import type { LessonBookingRow, LessonsRepo } from './scheduling.lessons.repo';
import { decideLesson, type LessonOutcome, lessonNotice, NO_SHOW_AFTER_MINUTES, ROOM_OPENS_MINUTES_BEFORE, roomEntry, roomWindow } from './scheduling.lessons.rules';

/** The queue of the periodic sweep that settles booked lessons (completed or a no-show). */
export const LESSON_SWEEP_QUEUE = defineJob('lessons.sweep', z.object({ slot: z.iso.datetime() }));
/** How often the sweep runs: a no-show is settled at most this long after its deadline. */
export const LESSON_SWEEP_EVERY_MS = 60_000;
const SWEEP_PAGE = 200;

/** The in-app notices a settled lesson writes (notifications.createInbox, or a stand-in in tests). */
export interface LessonInbox {
  add(tx: Tx, notices: NewNotice[], now: Date): Promise<NoticeRow[]>;
  push?(rows: NoticeRow[]): void;
}

export interface LessonsDeps {
  repo: LessonsRepo;
  rooms: Pick<RoomsService, 'openForBooking' | 'findByBooking' | 'firstJoins' | 'endInTx' | 'announceEndedBySystem'>;
  inbox: LessonInbox;
  clock: Clock;
  logger: Logger;
  /** Billing plugs in: a settled paid lesson's refund (a tutor no-show) is queued in the settling transaction. */
  onOutcome?: OnBookingOutcome;
  /** Listeners of LESSON_SETTLED (LTI grades), run inside the settling transaction. */
  onSettled?: (tx: Tx, e: { bookingId: string; studentId: string; tutorId: string; outcome: LessonOutcome; at: Date }) => Promise<void>;
}

/** The sweep job for the time slot `at` falls in: one per slot however many processes enqueue it (dedupe key); `now` from the clock. */
export async function scheduleLessonSweep(db: Db | Tx, at: Date, now: Date): Promise<void> {
  const slot = new Date(Math.floor(at.getTime() / LESSON_SWEEP_EVERY_MS) * LESSON_SWEEP_EVERY_MS);
  await LESSON_SWEEP_QUEUE.enqueue(db, { slot: slot.toISOString() }, { dedupeKey: `${LESSON_SWEEP_QUEUE.queue}:${slot.toISOString()}`, now, runAt: slot });
}

const readable = (at: Date, zone: string) => {
  const z = time.instantToZoned(at, time.isValidTimeZone(zone) ? zone : 'UTC');
  return `${z.date} ${z.time} (UTC${z.offset})`;
};

export function createLessonsService(deps: LessonsDeps) {
  const { repo, rooms, inbox, clock, logger } = deps;

  async function requireBooking(caller: AuthUser, bookingId: string): Promise<LessonBookingRow> {
    const b = await repo.findForParty(bookingId, caller.id);
    if (!b) throw notFound('That booking');
    return b;
  }

  /** Settles one lesson when its time has come; returns the outcome, or null when it is not yet due (or was settled meanwhile). */
  async function settleLesson(b: LessonBookingRow, now: Date) {
    const session = await rooms.findByBooking(b.id);
    const joins = session ? await rooms.firstJoins(session.id) : new Map<string, Date>();
    const tutorJoinedAt = joins.get(b.tutorId) ?? null;
    const studentJoinedAt = joins.get(b.studentId) ?? null;
    const decision = decideLesson(b, { tutorJoinedAt, studentJoinedAt }, now);
    if (!decision.settle) return null;
    const { status, outcome } = decision;
    const done = await repo.db.transaction(async (tx) => {
      const row = await repo.settle(tx, b.id, { status, outcome, settledAt: now });
      if (!row) return undefined;
      if (outcome === 'completed') await repo.countCompletedLesson(tx, b.tutorId);
      if (deps.onOutcome) await deps.onOutcome(tx, { bookingId: b.id, outcome, by: null, wasConfirmed: true, at: now });
      await deps.onSettled?.(tx, { bookingId: b.id, studentId: b.studentId, tutorId: b.tutorId, outcome, at: now });
      const ended = session?.status === 'active' ? await rooms.endInTx(tx, session.id) : undefined;
      const notices = await inbox.add(
        tx,
        (['tutor', 'student'] as const).map((party) => ({
          userId: party === 'tutor' ? b.tutorId : b.studentId,
          ...lessonNotice(outcome, party),
          data: { bookingId: b.id, outcome },
          dedupeKey: `lesson-settled:${b.id}:${party}`,
        })),
        now,
      );
      return { ended, notices };
    });
    if (!done) return null;
    logger.info(
      { event: 'lesson_settled', bookingId: b.id, status, outcome, tutorId: b.tutorId, studentId: b.studentId, sessionId: session?.id ?? null, tutorJoinedAt, studentJoinedAt },
      `lesson settled: ${outcome}`,
    );
    if (done.ended) rooms.announceEndedBySystem(done.ended.id, done.ended.endedAt!, `lesson_${outcome}`);
    inbox.push?.(done.notices);
    return outcome;
  }

  /**
   * Settles every confirmed lesson whose time has come: no-shows from start + NO_SHOW_AFTER_MINUTES, completed ones
   * at their end. One transaction per lesson; running it again changes nothing.
   */
async function sweep(): Promise<{ settled: number }> {
    const now = clock.now();
    const startedBy = new Date(now.getTime() - NO_SHOW_AFTER_MINUTES * 60_000);
    let settled = 0;
    let after: { startsAt: Date; id: string } | undefined;
    for (;;) {
      const page = await repo.confirmedStartedBy(startedBy, SWEEP_PAGE, after);
      for (const b of page) {
        try {
          if (await settleLesson(b, now)) settled++;
        } catch (err) {
          // One lesson's failure must not hold up the others; the next sweep tries it again.
          logger.error({ err, event: 'lesson_settle_failed', bookingId: b.id }, 'could not settle a lesson');
        }
      }
      if (page.length < SWEEP_PAGE) break;
      after = { startsAt: page.at(-1)!.startsAt, id: page.at(-1)!.id };
    }
    return { settled };
  }

  return {
    /**
     * Either party opens the booked lesson's room, from ROOM_OPENS_MINUTES_BEFORE the start until the end plus a grace.
     * The first call creates the session; every later or concurrent one (the other party) gets the same.
     */
    async openRoom(caller: AuthUser, bookingId: string): Promise<LessonRoom> {
      const b = await requireBooking(caller, bookingId);
      const now = clock.now();
      const { opensAt } = roomWindow(b);
      switch (roomEntry(b, now)) {
        case 'too_early':
          throw new AppError(409, 'too_early', `The lesson room opens at ${readable(opensAt, caller.user.timeZone)}, ${ROOM_OPENS_MINUTES_BEFORE} minutes before the start.`, {
            opensAt: opensAt.toISOString(),
          });
        case 'cancelled':
          throw new AppError(409, 'lesson_ended', 'This lesson was cancelled, so its room does not open.');
        case 'ended':
          throw new AppError(409, 'lesson_ended', 'This lesson has ended.', { status: b.status, outcome: b.outcome });
        case 'not_confirmed':
          throw new AppError(409, 'conflict', 'This booking is not confirmed yet; its room opens once it is.');
        case 'open':
          break;
      }
      const session = await rooms.openForBooking({ studentId: b.studentId, tutorId: b.tutorId, bookingId: b.id });
      return { sessionId: session.id };
    },

    /** When the booking's room opens and closes, whether it is open now, and its session once opened. */
    async roomView(caller: AuthUser, bookingId: string): Promise<LessonRoomView> {
      const b = await requireBooking(caller, bookingId);
      const { opensAt, closesAt } = roomWindow(b);
      const session = await rooms.findByBooking(b.id);
      return {
        bookingId: b.id,
        status: b.status,
        outcome: b.outcome,
        start: b.startsAt.toISOString(),
        end: b.endsAt.toISOString(),
        roomOpensAt: opensAt.toISOString(),
        roomClosesAt: closesAt.toISOString(),
        open: roomEntry(b, clock.now()) === 'open',
        sessionId: session?.id ?? null,
        settledAt: b.settledAt?.toISOString() ?? null,
      };
    },

    sweep,

    /** Registers the sweep's queue and makes sure one is queued; each run queues the next. */
    async installSweep(jobs: JobRunner, db: Db) {
      jobs.register(LESSON_SWEEP_QUEUE, async () => {
        await scheduleLessonSweep(db, new Date(clock.now().getTime() + LESSON_SWEEP_EVERY_MS), clock.now());
        await pruneFinishedRuns(db, LESSON_SWEEP_QUEUE, new Date(clock.now().getTime() - PERIODIC_JOBS_KEPT_MS));
        await sweep();
      });
      await scheduleLessonSweep(db, clock.now(), clock.now());
    },
  };
}
export type LessonsService = ReturnType<typeof createLessonsService>;
