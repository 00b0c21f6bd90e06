import { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { Db, Tx } from '../../platform/db';
import { defineJob, type JobRunner, PermanentJobError, RetryLaterError } from '../../platform/jobs';
import type { Logger } from '../../platform/logger';
import type { AgsClient } from './lti.ags.client';
import type { AgsRepo } from './lti.ags.repo';
import { agsEndpointOf, isStale, type OutcomeKind, outcomeKinds, SCORE_MAX_ATTEMPTS, scoreBody } from './lti.ags.rules';
import { AgsCallError } from './lti.ags.token';
import type { ChildDataSharing } from './lti.ports';

/** One score to deliver: the learner's running count of a kind of outcome in a course, stamped with the outcome's time. */
export const LTI_AGS_SCORE_QUEUE = defineJob(
  'lti.ags_score',
  z.object({
    courseId: z.uuid(),
    userId: z.uuid(),
    kind: z.enum(outcomeKinds as [OutcomeKind, ...OutcomeKind[]]),
    count: z.number().int().positive(),
    timestamp: z.coerce.date(),
  }),
);
export type ScoreJob = z.infer<typeof LTI_AGS_SCORE_QUEUE.schema>;

/** An outcome as the publishing module reports it, inside the transaction that decided it. */
export interface Outcome {
  userId: string;
  kind: OutcomeKind;
  sourceId: string;
  at: Date;
}

/**
 * Grades back to the LMS (issue #16, AGS 2.0): a launch records its course's AGS endpoint; an outcome of a learner
 * who came through LTI becomes one durable job per graded course, enqueued in the outcome's own transaction; the job
 * finds or creates the line item and posts the score, retried on 5xx and 429 (Retry-After honoured), final on 4xx,
 * and never over a newer score.
 */
export function createAgsService(deps: { repo: AgsRepo; client: AgsClient; clock: Clock; logger: Logger; sharing: ChildDataSharing; db: Db }) {
  const { repo, client, clock, logger, sharing } = deps;
  const withheld = async (q: Db | Tx, userId: string) => (await sharing.withheld(q, [userId], clock.now())).has(userId);

  async function sendScore(job: ScoreJob, attempt: number): Promise<void> {
    const ctx = { courseId: job.courseId, userId: job.userId, kind: job.kind, count: job.count, timestamp: job.timestamp.toISOString(), attempt };
    if (isStale(await repo.deliveredAt(job.courseId, job.userId, job.kind), job.timestamp)) {
      logger.info({ event: 'lti_ags_score_stale', ...ctx }, 'LTI AGS: a newer score was delivered already; this one is dropped');
      return;
    }
    // Asked again when sending: a guardian may have withdrawn the sharing consent since the score was queued.
    if (await withheld(deps.db, job.userId)) {
      logger.info({ event: 'lti_ags_score_withheld', ...ctx }, 'LTI AGS: a child whose guardian has not agreed to third-party sharing; the score is not sent');
      return;
    }
    const target = await repo.scoreTarget(job.courseId, job.userId);
    if (!target) throw new PermanentJobError('the course has no AGS endpoint or the learner no LTI identity on its platform');
    const reg = { registrationId: target.registrationId, clientId: target.clientId, accessTokenUrl: target.accessTokenUrl };
    const endpoint = { lineItemsUrl: target.lineItemsUrl, scopes: target.scopes };
    try {
      let lineItem = await repo.lineItemUrl(job.courseId, job.kind);
      if (!lineItem) {
        lineItem = await client.findOrCreateLineItem(reg, endpoint, job.kind);
        await repo.saveLineItem(job.courseId, job.kind, lineItem, clock.now());
      }
      const score = scoreBody({ platformUserId: target.platformUserId, kind: job.kind, count: job.count, timestamp: job.timestamp });
      const answer = await client.postScore(reg, endpoint, lineItem, score);
      if (answer === 'stale') {
        logger.info({ event: 'lti_ags_score_stale', ...ctx, by: 'platform' }, 'LTI AGS: the platform holds a newer score; this one is dropped');
        return;
      }
      await repo.markDelivered({ courseId: job.courseId, userId: job.userId, kind: job.kind, scoreGiven: score.scoreGiven, timestamp: job.timestamp, now: clock.now() });
      logger.info({ event: 'lti_ags_score_sent', ...ctx, registrationId: target.registrationId, lineItem, scoreGiven: score.scoreGiven }, 'LTI AGS: score posted');
    } catch (err) {
      if (!(err instanceof AgsCallError)) throw err;
      const retry = err.answer.kind === 'retry' && attempt < SCORE_MAX_ATTEMPTS;
      logger.warn(
        { event: retry ? 'lti_ags_score_retry' : 'lti_ags_score_refused', ...ctx, registrationId: target.registrationId, status: err.status, reason: err.message, ...(err.answer.kind === 'retry' ? { retryAfterMs: err.answer.afterMs } : {}) },
        retry ? 'LTI AGS: score not delivered; it will be retried' : 'LTI AGS: score refused for good',
      );
      if (err.answer.kind !== 'retry') throw new PermanentJobError(err.message);
      throw new RetryLaterError(err.message, err.answer.afterMs ?? 0);
    }
  }

  return {
    sendScore,

    /** A launch's AGS claim, kept per course (the newest launch wins); a launch without one changes nothing. */
    async recordLaunch(tx: Db | Tx, a: { courseId: string; payload: Record<string, unknown>; now: Date }): Promise<void> {
      const endpoint = agsEndpointOf(a.payload);
      if (endpoint) await repo.upsertEndpoint(tx, a.courseId, endpoint, a.now);
    },

    /** An outcome, inside its publisher's transaction: one score job per graded course the learner is in (none for others). */
    async recordOutcome(tx: Db | Tx, o: Outcome): Promise<number> {
      const courses = await repo.gradedCoursesOf(tx, o.userId);
      if (courses.length && (await withheld(tx, o.userId))) {
        logger.info({ event: 'lti_ags_score_withheld', userId: o.userId, kind: o.kind, sourceId: o.sourceId }, 'LTI AGS: a child whose guardian has not agreed to third-party sharing; no score is queued');
        return 0;
      }
      let queued = 0;
      for (const courseId of courses) {
        const count = await repo.addOutcome(tx, { courseId, userId: o.userId, kind: o.kind, sourceId: o.sourceId, at: o.at });
        if (count === null) continue;
        await LTI_AGS_SCORE_QUEUE.enqueue(
          tx,
          { courseId, userId: o.userId, kind: o.kind, count, timestamp: o.at },
          { now: clock.now(), dedupeKey: `lti-ags-score:${courseId}:${o.userId}:${o.kind}:${o.sourceId}`, maxAttempts: SCORE_MAX_ATTEMPTS },
        );
        queued++;
        logger.info({ event: 'lti_ags_score_queued', courseId, userId: o.userId, kind: o.kind, sourceId: o.sourceId, count }, 'LTI AGS: score queued');
      }
      return queued;
    },

    register(jobs: JobRunner) {
      jobs.register(LTI_AGS_SCORE_QUEUE, (payload, ctx) => sendScore(payload, ctx.attempt));
    },
  };
}
export type AgsService = ReturnType<typeof createAgsService>;
