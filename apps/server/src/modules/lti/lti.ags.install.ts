import type { Platform } from '../../platform/platform';
import { CLASS_SETTLED } from '../classes';
import { QUESTION_RATED } from '../help';
import { LESSON_SETTLED } from '../scheduling';
import { createAgsClient } from './lti.ags.client';
import { createAgsRepo } from './lti.ags.repo';
import { createAgsService } from './lti.ags.service';
import { createAgsTokens } from './lti.ags.token';
import { LTI_CHILD_SHARING } from './lti.ports';
import type { ToolKeys } from './lti.keys';

/**
 * Grades back (AGS 2.0): the score queue's handler, and the outcomes that become scores, heard as the publishing
 * modules' events inside their transactions (decision 058): a lesson completed, a class attended, a question
 * answered and rated. Learners who never came through LTI are in no graded course, so nothing is queued for them.
 */
export function installAgs(platform: Pick<Platform, 'database' | 'clock' | 'logger' | 'jobs' | 'events' | 'ports'>, keys: ToolKeys, opts: { fetch?: typeof fetch } = {}) {
  const { database, clock, logger, jobs, events, ports } = platform;
  const tokens = createAgsTokens({ keys, clock, logger, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  const client = createAgsClient({ tokens, clock, logger, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  const ags = createAgsService({ repo: createAgsRepo(database.db), client, clock, logger, db: database.db, sharing: ports.late(LTI_CHILD_SHARING, 'tutorline-lti') });
  ags.register(jobs);
  events.on(LESSON_SETTLED, async (e) => {
    if (e.outcome === 'completed') await ags.recordOutcome(e.tx, { userId: e.studentId, kind: 'lesson', sourceId: e.bookingId, at: e.at });
  });
  events.on(CLASS_SETTLED, async (e) => {
    if (e.outcome !== 'completed') return;
    for (const userId of e.attendedBy) await ags.recordOutcome(e.tx, { userId, kind: 'class', sourceId: e.classId, at: e.at });
  });
  events.on(QUESTION_RATED, async (e) => {
    await ags.recordOutcome(e.tx, { userId: e.studentId, kind: 'help', sourceId: e.questionId, at: e.at });
  });
  return { ags, tokens };
}
