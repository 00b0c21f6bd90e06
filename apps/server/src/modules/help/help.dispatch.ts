import type { Clock } from '../../platform/clock';
import { z } from 'zod';
import { defineJob, type JobRunner } from '../../platform/jobs';
import type { Logger } from '../../platform/logger';
import type { Notifications } from '../notifications';
import type { HelpRepo, QuestionRow } from './help.repo';
import type { QuestionCloseReason } from '@tutorline/contracts';
import { type DispatchConfig, nextWave, transition } from './help.rules';
import { feedItem } from './help.views';
import type { HelpSafety } from './help.events';
import type { HelpBilling, HelpEmitter } from './help.service';

/** A question's next wave; `at` is the time it was scheduled for (only the job matching `next_wave_at` acts). */
export const WAVE_QUEUE = defineJob('help.wave', z.object({ questionId: z.string(), at: z.string() }));
/** A question's expiry. */
export const EXPIRE_QUEUE = defineJob('help.expire', z.object({ questionId: z.string() }));

export interface DispatchDeps {
  repo: HelpRepo;
  notifications: Notifications;
  clock: Clock;
  logger: Logger;
  emit: HelpEmitter;
  jobs: Pick<JobRunner, 'poke'>;
  config: DispatchConfig;
  scarceThreshold: number;
  /** Gives back what an expired question used (billing, issue #7). */
  billing?: Pick<HelpBilling, 'returnForQuestion'>;
  /** Tutors blocked by the student or held from alerts by a safety review (#20). */
  safety?: HelpSafety;
  /** Users with a live socket, on any node. */
  onlineUserIds(): Promise<string[]>;
}

/**
 * Waves and expiry, run from durable jobs. Each wave job carries the time it was scheduled for, and only
 * the job matching the question's `next_wave_at` may act, so a retried or duplicated job never starts a
 * second chain of waves; a restart resumes from the jobs table.
 */
export function createDispatch(deps: DispatchDeps) {
  const { repo, clock, logger, emit, config } = deps;

  async function expire(questionId: string) {
    const now = clock.now();
    const q = await repo.findQuestion(questionId);
    if (!q || transition(q.status, 'expire') === null) return;
    if (q.expiresAt.getTime() > now.getTime()) {
      // Woken early (a clock skew between nodes): look again at the right time.
      await EXPIRE_QUEUE.enqueue(repo.db, { questionId }, { now, runAt: q.expiresAt, dedupeKey: `help.expire:${questionId}:${q.expiresAt.toISOString()}` });
      return;
    }
    await close(q, q.notifiedCount === 0 ? 'nobody_reached' : null, now);
  }

  /**
   * Closes an open question unanswered: at expiry, or at once when nobody teaches it ('no_tutors'). What it used
   * (a credit, an included question) is given back in the same transaction. A question that reached nobody says why.
   */
  async function close(q: QuestionRow, reason: QuestionCloseReason | null, now: Date) {
    const closed = await repo.db.transaction(async (tx) => {
      const row = await repo.move(tx, q.id, 'open', { status: 'expired', closedAt: now, nextWaveAt: null, closeReason: reason, waitingTutors: 0 });
      if (!row) return null;
      await repo.addEvent(tx, q.id, 'expired', now, { notifiedCount: row.notifiedCount, ...(reason ? { reason } : {}) });
      const refunded = (await deps.billing?.returnForQuestion(tx, { studentId: row.studentId, questionId: q.id, askedAt: row.createdAt, at: now })) ?? false;
      return { row, refunded };
    });
    if (!closed) return;
    const { row: moved, refunded } = closed;
    logger.info({ event: 'question_expired', questionId: q.id, notifiedCount: moved.notifiedCount, ...(reason ? { reason, refunded } : {}) }, reason === 'no_tutors' ? 'question closed: no tutor teaches it' : 'question expired');
    emit([moved.studentId], 'help:closed', { questionId: q.id, status: 'expired', ...(reason ? { reason, refunded } : {}) });
    emit(await repo.notifiedTutorIds(q.id), 'help:taken', { questionId: q.id });
  }

  async function wave(payload: { questionId: string; at: string }) {
    const now = clock.now();
    const q = await repo.findQuestion(payload.questionId);
    if (!q || q.status !== 'open' || q.nextWaveAt?.toISOString() !== payload.at) return;
    // Photos are read before the transaction: a question's photos never change, and the broadcast must follow the commit at once.
    const [scarce, online, photos] = await Promise.all([repo.scarceSubjects(deps.scarceThreshold), deps.onlineUserIds(), repo.photosOf([q.id])]);
    const onlineSet = new Set(online);
    const teaching = await repo.candidateTutors(q, scarce);
    const withheld = deps.safety ? await deps.safety.withheldTutors(q.studentId, teaching.map((t) => t.id)) : new Set<string>();
    const candidates = teaching.map(({ statsOnline, ...t }) => ({ ...t, online: statsOnline && onlineSet.has(t.id), blockedByStudent: t.blockedByStudent || withheld.has(t.id) }));
    const decision = nextWave(q, candidates, now, config);
    if (decision.kind === 'expire') return expire(q.id);
    if (decision.kind === 'unanswerable') return close(q, 'no_tutors', now);
    if (decision.kind === 'stop') return;

    const result = await repo.db.transaction(async (tx) => {
      const locked = await repo.lockQuestion(tx, q.id);
      if (!locked || locked.status !== 'open' || locked.nextWaveAt?.toISOString() !== payload.at) return null;
      const notified = await repo.recordWave(tx, locked, decision.wave, decision.tutorIds, now, decision.nextWaveAt, decision.waiting);
      if (notified.length) {
        await repo.addEvent(tx, q.id, 'wave', now, { wave: decision.wave, notified: notified.length, heldBack: decision.heldBack, coolingDown: decision.coolingDown, onProbation: decision.onProbation });
        await deps.notifications.queueMany(
          tx,
          notified.map((tutorId) => ({
            userId: tutorId,
            message: { kind: 'help.question', text: `New ${q.subjectId} question (${q.level}) is waiting for a tutor.`, data: { questionId: q.id, subjectId: q.subjectId, level: q.level } },
            dedupeKey: `question:${q.id}:tutor:${tutorId}`,
          })),
        );
      }
      if (decision.nextWaveAt) {
        const at = decision.nextWaveAt.toISOString();
        await WAVE_QUEUE.enqueue(tx, { questionId: q.id, at }, { now, runAt: decision.nextWaveAt, dedupeKey: `help.wave:${q.id}:${at}` });
      }
      return { notified, row: { ...locked, wave: decision.wave, notifiedCount: locked.notifiedCount + notified.length, nextWaveAt: decision.nextWaveAt, waitingTutors: decision.waiting } as QuestionRow };
    });
    if (!result) return;
    if (result.notified.length) emit(result.notified, 'help:question', feedItem(result.row, photos));
    deps.jobs.poke();
    if (result.notified.length) {
      logger.info({ event: 'question_wave', questionId: q.id, wave: decision.wave, notified: result.notified.length, heldBack: decision.heldBack, onProbation: decision.onProbation }, 'wave sent');
    }
    emit([q.studentId], 'help:progress', {
      questionId: q.id,
      wave: result.row.wave,
      notifiedCount: result.row.notifiedCount,
      nextWaveAt: result.row.nextWaveAt?.toISOString() ?? null,
      expiresAt: q.expiresAt.toISOString(),
      waitingTutors: result.row.waitingTutors,
    });
  }

  return { wave, expire };
}
export type Dispatch = ReturnType<typeof createDispatch>;
