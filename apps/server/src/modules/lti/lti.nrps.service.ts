import { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db';
import { defineEvent, type EventBus } from '../../platform/events';
import { defineJob, type JobRunner, PERIODIC_JOBS_KEPT_MS, pruneFinishedRuns } from '../../platform/jobs';
import type { Logger } from '../../platform/logger';
import { type Fail, fail, ok, type Result } from '../../platform/result';
import type { NrpsRepo } from './lti.nrps.repo';
import { checkNextPage, isRosterFresh, NRPS_MEDIA_TYPE, NRPS_SCOPE, nextPageUrl, type PageRefusal, parseMembershipPage, rosterChanges, type RosterMember } from './lti.nrps.rules';
import type { ServiceTokens } from './lti.nrps.token';

/** Learners the course roster no longer lists as active: they lose the course, and whatever it entitled them to. */
export const LTI_COURSE_LEFT = defineEvent<{ courseId: string; userIds: string[]; at: Date }>('lti.course_left');

export type RosterFailure = Fail<'not_found'> | Fail<'no_roster'> | Fail<'token_failed', { reason: string }> | Fail<'roster_unavailable', { status: number }> | Fail<PageRefusal>;
export interface RosterSynced {
  fresh: boolean;
  members: number;
  pages: number;
  left: string[];
}

/** Daily: every course's roster refreshed (a job per run; it schedules the next). */
export const LTI_ROSTER_REFRESH_QUEUE = defineJob('lti.roster_refresh', z.object({ slot: z.iso.datetime() }));
const DAY_MS = 86_400_000;
const FETCH_TIMEOUT_MS = 10_000;

export function createRosterSync(deps: { repo: NrpsRepo; tokens: ServiceTokens; clock: Clock; logger: Logger; events: EventBus; fetch?: typeof fetch }) {
  const { repo, tokens, clock, logger, events } = deps;
  const doFetch = deps.fetch ?? fetch;
  const refuse = (courseId: string, failure: RosterFailure): RosterFailure => {
    logger.warn({ event: 'lti_roster_refused', courseId, reason: failure.reason, ...('detail' in failure ? { detail: failure.detail } : {}) }, 'LTI roster not fetched');
    return failure;
  };

  /** Fetches the course's whole roster (every page), unless it is fresh and `force` is off, and applies it. */
  async function syncRoster(courseId: string, opts: { force?: boolean } = {}): Promise<Result<RosterSynced, RosterFailure>> {
    const course = await repo.courseForRoster(courseId);
    if (!course) return fail('not_found');
    if (!course.membershipsUrl) return fail('no_roster');
    const started = clock.now();
    if (!opts.force && isRosterFresh(course.rosterSyncedAt, started)) return ok({ fresh: true, members: 0, pages: 0, left: [] });
    const token = await tokens.getAccessToken(course.registrationId, [NRPS_SCOPE]);
    if (!token.ok) return refuse(courseId, fail('token_failed', { reason: token.reason }));

    const pages: RosterMember[][] = [];
    const seen = new Set<string>();
    let url: string | null = course.membershipsUrl;
    while (url) {
      seen.add(url);
      let res: Response;
      try {
        res = await doFetch(url, { headers: { authorization: `Bearer ${token.value}`, accept: NRPS_MEDIA_TYPE }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
      } catch {
        return refuse(courseId, fail('roster_unavailable', { status: 0 }));
      }
      if (!res.ok) return refuse(courseId, fail('roster_unavailable', { status: res.status }));
      const page = parseMembershipPage(await res.json().catch(() => null));
      if (!page.ok) return refuse(courseId, fail(page.reason));
      pages.push(page.members);
      const next = nextPageUrl(res.headers.get('link'), url);
      if (next) {
        const refusal = checkNextPage(next, seen, pages.length);
        if (refusal) return refuse(courseId, fail(refusal));
      }
      url = next;
    }

    const current = await repo.membersWithSub(courseId, course.issuer);
    const changes = rosterChanges(pages, current.map((c) => ({ sub: c.sub, courseRole: c.courseRole, left: c.leftAt !== null })));
    const userOf = new Map(current.map((c) => [c.sub, c.userId]));
    const leftUserIds = changes.left.map((s) => userOf.get(s)!).filter(Boolean);
    const backUserIds = changes.back.map((s) => userOf.get(s)!).filter(Boolean);
    const now = clock.now();
    await repo.applyRoster({ courseId, roster: changes.roster, leftUserIds, backUserIds, now });
    logger.info({ event: 'lti_roster_synced', courseId, members: changes.roster.length, pages: pages.length, left: leftUserIds.length, back: backUserIds.length }, 'LTI roster synced');
    if (leftUserIds.length) await events.emit(LTI_COURSE_LEFT, { courseId, userIds: leftUserIds, at: now });
    return ok({ fresh: false, members: changes.roster.length, pages: pages.length, left: leftUserIds });
  }

  return { syncRoster };
}
export type RosterSync = ReturnType<typeof createRosterSync>;

async function scheduleRefresh(db: Db, at: Date): Promise<void> {
  const slot = new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);
  await LTI_ROSTER_REFRESH_QUEUE.enqueue(db, { slot: slot.toISOString() }, { dedupeKey: `${LTI_ROSTER_REFRESH_QUEUE.queue}:${slot.toISOString()}`, now: at, runAt: slot });
}

/** The daily refresh: every course with a roster not fetched in the last day, one after another; a refusal skips that course. */
export async function installRosterRefresh(deps: { jobs: JobRunner; db: Db; repo: NrpsRepo; sync: RosterSync; clock: Clock; logger: Logger; afterSync?: (courseId: string) => Promise<void> }) {
  const { jobs, db, repo, sync, clock, logger } = deps;
  jobs.register(LTI_ROSTER_REFRESH_QUEUE, async () => {
    const now = clock.now();
    await scheduleRefresh(db, new Date(now.getTime() + DAY_MS));
    await pruneFinishedRuns(db, LTI_ROSTER_REFRESH_QUEUE, new Date(now.getTime() - PERIODIC_JOBS_KEPT_MS));
    let done = 0;
    for (const courseId of await repo.coursesDue(new Date(now.getTime() - DAY_MS / 2), 1000)) {
      const r = await sync.syncRoster(courseId, { force: true });
      if (r.ok) done += 1;
      await deps.afterSync?.(courseId);
    }
    logger.info({ event: 'lti_roster_refresh_done', courses: done }, 'daily LTI roster refresh');
  });
  await scheduleRefresh(db, clock.now());
}
