import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../../platform/clock';
import { defineJob, type JobRunner, PermanentJobError } from '../../platform/jobs';
import type { Logger } from '../../platform/logger';
import type { KeyBox } from './lti.keys';
import type { ChildDataSharing } from './lti.ports';
import type { CourseActivities } from './lti.usage.service';
import type { XapiRepo } from './lti.xapi.repo';
import { lrsConfigOf, statementKey, uuidFromDigest, xapiStatement } from './lti.xapi.rules';

/** One xAPI statement to post to its registration's LRS (the durable outbox: retried on 5xx, 429 and network errors). */
export const LTI_XAPI_SEND_QUEUE = defineJob('lti.xapi_send', z.object({ statementId: z.uuid() }));

/**
 * xAPI exports (issue #16): for each session, lesson and class of a course's learners who have launched, one statement,
 * made once (the activity's unique key) and queued in the same transaction; a job posts it to the LRS the
 * registration names in `settings.lrs` (`{ endpoint, key, secret }`, Basic auth, xAPI 1.0.3).
 */
export function createXapiExports(deps: { repo: XapiRepo; activities: CourseActivities; jobs: JobRunner; clock: Clock; logger: Logger; toolOrigin: string; lrsBox: KeyBox; sharing: ChildDataSharing; fetch?: typeof fetch }) {
  const { repo, activities, clock, logger, toolOrigin, lrsBox } = deps;
  const open = (sealed: string) => lrsBox.open(sealed);
  const doFetch = deps.fetch ?? fetch;

  deps.jobs.register(LTI_XAPI_SEND_QUEUE, async ({ statementId }) => {
    const row = await repo.statementWithSettings(statementId);
    if (!row || row.sentAt) return;
    const lrs = lrsConfigOf(row.settings, open);
    if (!lrs) throw new PermanentJobError('the registration has no LRS any more');
    let res: Response;
    try {
      res = await doFetch(`${lrs.endpoint}/statements`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-experience-api-version': '1.0.3', authorization: `Basic ${Buffer.from(`${lrs.key}:${lrs.secret}`).toString('base64')}` },
        body: JSON.stringify(row.statement),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      throw new Error(`LRS unreachable: ${(err as Error).message}`);
    }
    // 409: the LRS already holds a statement with this id (ours are derived from the activity), which is success.
    if (res.ok || res.status === 409) {
      await repo.markSent(statementId, clock.now());
      logger.info({ event: 'lti_xapi_sent', statementId, registrationId: row.registrationId, status: res.status }, 'xAPI statement sent');
      return;
    }
    if (res.status >= 500 || res.status === 429) throw new Error(`LRS answered ${res.status}`);
    logger.warn({ event: 'lti_xapi_refused', statementId, status: res.status }, 'the LRS refused an xAPI statement');
    throw new PermanentJobError(`LRS refused the statement: ${res.status}`);
  });

  return {
    /** Makes the statements not made yet for the course and queues them; 'no_lrs' when the registration names none. */
    async exportCourse(courseId: string): Promise<{ queued: number } | { queued: 0; reason: 'no_lrs' | 'not_found' }> {
      const found = await activities.ofCourse(courseId);
      if (!found) return { queued: 0, reason: 'not_found' };
      if (!lrsConfigOf(found.course.settings, open)) return { queued: 0, reason: 'no_lrs' };
      const now = clock.now();
      // A child's activities go to the LRS only with their guardian's third-party sharing consent (#20).
      const withheld = await deps.sharing.withheld(repo.db, found.items.map((i) => i.activity.userId), now);
      if (withheld.size) logger.info({ event: 'lti_xapi_withheld', courseId, learners: withheld.size }, 'xAPI: children without third-party sharing consent are left out');
      const rows = found.items
        .filter((i) => i.learner.sub && i.learner.userId && !withheld.has(i.activity.userId))
        .map((i) => {
          const id = uuidFromDigest(createHash('sha1').update(statementKey(courseId, i.activity)).digest('hex'));
          return {
            id,
            registrationId: found.course.registrationId,
            courseId,
            userId: i.activity.userId,
            activityKind: i.activity.kind,
            activityId: i.activity.id,
            statement: xapiStatement({ id, activity: i.activity, learner: { name: i.name, issuer: found.course.issuer, sub: i.learner.sub! }, course: found.course, toolOrigin }),
            createdAt: now,
          };
        });
      const queued = await repo.db.transaction(async (tx) => {
        const ids = await repo.insertNew(tx, rows);
        await LTI_XAPI_SEND_QUEUE.enqueueMany(tx, ids.map((statementId) => ({ payload: { statementId }, dedupeKey: `${LTI_XAPI_SEND_QUEUE.queue}:${statementId}` })), { now });
        return ids.length;
      });
      if (queued) logger.info({ event: 'lti_xapi_queued', courseId, count: queued }, 'xAPI statements queued');
      return { queued };
    },
  };
}
export type XapiExports = ReturnType<typeof createXapiExports>;
