import { z } from 'zod';
import type { Attendance } from '@tutorline/contracts';
import type { Clock } from '../../platform/clock';
import type { Db, Tx } from '../../platform/db';
import { defineJob, type JobRunner, PERIODIC_JOBS_KEPT_MS, pruneFinishedRuns } from '../../platform/jobs';
import type { Logger } from '../../platform/logger';
import { type Fail, fail, ok, type Result } from '../../platform/result';
import { accountsByIds, type AuthUser } from '../identity';
import type { Inbox } from '../notifications';
import type { ClassNotices } from './classes.notices';
import type { ClassMoney } from './classes.ports';
import type { ClassRow, ClassesRepo } from './classes.repo';
import { attendanceIntervals, csvCell, decideSettlement, minutesPresent, reminderIsStale } from './classes.rules';

/** A class's 24-hour and 15-minute reminders (to the tutor and every enrolled learner). */
export const CLASS_REMINDER_QUEUE = defineJob('classes.reminder', z.object({ classId: z.string(), kind: z.enum(['24h', '15m']), start: z.string() }));
/** The periodic sweep that settles ended classes (decision 036: typed, one per slot). */
export const CLASS_SWEEP_QUEUE = defineJob('classes.sweep', z.object({ slot: z.iso.datetime() }));
export const CLASS_SWEEP_EVERY_MS = 60_000;
const PAGE = 200;

export async function scheduleClassSweep(db: Db, at: Date, now: Date): Promise<void> {
  const slot = new Date(Math.floor(at.getTime() / CLASS_SWEEP_EVERY_MS) * CLASS_SWEEP_EVERY_MS);
  await CLASS_SWEEP_QUEUE.enqueue(db, { slot: slot.toISOString() }, { dedupeKey: `${CLASS_SWEEP_QUEUE.queue}:${slot.toISOString()}`, now, runAt: slot });
}

/** Settling ended classes, reminding people of coming ones, and the attendance list. */
export function createClassLifecycle(deps: {
  repo: ClassesRepo;
  clock: Clock;
  logger: Logger;
  notices: ClassNotices;
  inbox: Inbox;
  money: ClassMoney;
  /** Listeners of CLASS_SETTLED (LTI grades), run inside the settling transaction. */
  onSettled?: (tx: Tx, e: { classId: string; tutorId: string; outcome: 'completed' | 'tutor_no_show'; attendedBy: string[]; at: Date }) => Promise<void>;
}) {
  const { repo, clock, logger, notices, inbox, money } = deps;

  /** One ended class: completed (the tutor credited) or a tutor no-show (every paid learner refunded), once. */
  async function settle(c: ClassRow, now: Date) {
    const d = decideSettlement(c, now);
    if (!d.settle) return null;
    const joined = deps.onSettled ? new Set((await repo.attendanceOf(c.id)).filter((a) => a.kind === 'join').map((a) => a.userId)) : new Set<string>();
    const done = await repo.db.transaction(async (tx) => {
      const row = await repo.finish(tx, c.id, d.outcome, now);
      if (!row) return undefined;
      const seats = await repo.enrolmentsOf(tx, c.id, 'enrolled');
      if (d.outcome === 'completed') {
        if (c.priceMinor > 0 && seats.length > 0) await money.classEarned(tx, { classId: c.id, tutorId: c.tutorId, enrolmentIds: seats.map((e) => e.id), priceMinor: c.priceMinor, currency: c.currency, at: now });
      } else if (c.priceMinor > 0) {
        for (const e of seats) await money.refundSeat(tx, { enrolmentId: e.id, classId: c.id, studentId: e.studentId, amountMinor: c.priceMinor, currency: c.currency, reason: 'The tutor did not come to the class.', at: now });
      }
      const kind = d.outcome === 'completed' ? 'class_completed' : 'class_tutor_no_show';
      const extra = () => (d.outcome === 'tutor_no_show' && c.priceMinor > 0 ? ' Your payment is refunded in full.' : '');
      const rows = await notices.tell(tx, row, [c.tutorId, ...seats.map((s) => s.studentId)], kind, `class-settled:${c.id}`, now, extra);
      await deps.onSettled?.(tx, { classId: c.id, tutorId: c.tutorId, outcome: d.outcome, attendedBy: seats.map((s) => s.studentId).filter((id) => joined.has(id)), at: now });
      return { rows, seats: seats.length };
    });
    if (!done) return null;
    inbox.push(done.rows);
    logger.info({ event: 'class_settled', classId: c.id, tutorId: c.tutorId, outcome: d.outcome, learners: done.seats, tutorJoinedAt: c.tutorJoinedAt?.toISOString() ?? null }, `class settled: ${d.outcome}`);
    return d.outcome;
  }

  /** Held seats whose time to pay ran out go back to the class (a payment landing later retakes one if it can). */
  async function expireHolds(now: Date): Promise<number> {
    let expired = 0;
    for (const e of await repo.lapsedHolds(now, 500)) {
      const released = await repo.db.transaction((tx) => repo.releaseSeat(tx, e.id, 'expired', now));
      if (!released) continue;
      expired++;
      logger.info({ event: 'class_seat_released', classId: e.classId, studentId: e.studentId, enrolmentId: e.id, reason: 'hold_expired' }, 'unpaid class seat released');
    }
    return expired;
  }

  async function sweep(): Promise<{ settled: number }> {
    const now = clock.now();
    await expireHolds(now);
    let settled = 0;
    for (;;) {
      const page = await repo.endedScheduled(now, PAGE);
      let progressed = 0;
      for (const c of page) {
        try {
          if (await settle(c, now)) {
            settled++;
            progressed++;
          }
        } catch (err) {
          logger.error({ err, event: 'class_settle_failed', classId: c.id }, 'could not settle a class');
        }
      }
      if (page.length < PAGE || progressed === 0) break;
    }
    return { settled };
  }

  async function remind(p: z.infer<typeof CLASS_REMINDER_QUEUE.schema>): Promise<void> {
    const now = clock.now();
    const c = await repo.findById(p.classId).catch(() => undefined);
    if (!c || c.status !== 'scheduled' || c.startsAt.toISOString() !== p.start || reminderIsStale(c.startsAt, now)) {
      logger.info({ event: 'class_reminder_skipped', classId: p.classId, kind: p.kind }, 'class reminder skipped (cancelled, moved or late)');
      return;
    }
    const rows = await repo.db.transaction(async (tx) => {
      const seats = await repo.enrolmentsOf(tx, c.id, 'enrolled');
      return notices.tell(tx, c, [c.tutorId, ...seats.map((s) => s.studentId)], 'class_reminder', `class-reminder:${c.id}:${p.kind}:${p.start}`, now, () => (p.kind === '24h' ? 'tomorrow' : 'in 15 minutes'));
    });
    inbox.push(rows);
    logger.info({ event: 'class_reminder_sent', classId: c.id, kind: p.kind, recipients: rows.length }, 'class reminder sent');
  }

  /** Join and leave times per learner, for the class's tutor and admins, once the class has started. */
  async function attendance(caller: AuthUser, classId: string): Promise<Result<Attendance, Fail<'class_not_found' | 'not_yours' | 'not_started'>>> {
    const c = await repo.findById(classId);
    if (!c) return fail('class_not_found');
    if (c.tutorId !== caller.id && caller.role !== 'admin') return fail('not_yours');
    const now = clock.now();
    if (now.getTime() < c.startsAt.getTime()) return fail('not_started');
    const until = new Date(Math.min(now.getTime(), c.endsAt.getTime()));
    const log = (await repo.attendanceOf(classId)).filter((r) => r.userId !== c.tutorId);
    const byUser = attendanceIntervals(log);
    const learnerIds = [...new Set([...(await repo.enrolmentsOf(repo.db, classId)).map((e) => e.studentId), ...byUser.keys()])];
    const names = new Map((await accountsByIds(repo.db, learnerIds)).map((a) => [a.id, a.displayName]));
    return ok({
      classId: c.id,
      title: c.title,
      start: c.startsAt.toISOString(),
      end: c.endsAt.toISOString(),
      learners: learnerIds.map((id) => {
        const intervals = byUser.get(id) ?? [];
        return {
          userId: id,
          name: names.get(id) ?? '',
          intervals: intervals.map((i) => ({ joinedAt: i.joinedAt.toISOString(), leftAt: i.leftAt?.toISOString() ?? null })),
          minutesPresent: minutesPresent(intervals, c.startsAt, until),
        };
      }),
    });
  }

  return {
    settle,
    sweep,
    remind,
    attendance,
    /** The attendance list as CSV: one line per visit (a learner who never came has one line with empty times). */
    attendanceCsv(a: Attendance): string {
      const lines = [['learner', 'user_id', 'joined_at', 'left_at', 'minutes_present_total'].join(',')];
      for (const l of a.learners) {
        const visits = l.intervals.length ? l.intervals : [{ joinedAt: '', leftAt: null }];
        for (const v of visits) lines.push([csvCell(l.name), l.userId, v.joinedAt, v.leftAt ?? '', String(l.minutesPresent)].join(','));
      }
      return `${lines.join('\r\n')}\r\n`;
    },
    async install(jobs: JobRunner, db: Db) {
      jobs.register(CLASS_REMINDER_QUEUE, (p) => remind(p));
      jobs.register(CLASS_SWEEP_QUEUE, async () => {
        await scheduleClassSweep(db, new Date(clock.now().getTime() + CLASS_SWEEP_EVERY_MS), clock.now());
        await pruneFinishedRuns(db, CLASS_SWEEP_QUEUE, new Date(clock.now().getTime() - PERIODIC_JOBS_KEPT_MS));
        await sweep();
      });
      await scheduleClassSweep(db, clock.now(), clock.now());
    },
  };
}
export type ClassLifecycle = ReturnType<typeof createClassLifecycle>;
