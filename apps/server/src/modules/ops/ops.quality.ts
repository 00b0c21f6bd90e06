import type { TutorQuality } from '@tutorline/contracts';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db';
import { tutorEarningsBetween } from '../billing';
import { classesTutorQuality } from '../classes';
import { helpTutorQuality } from '../help';
import { accountsByIds, tutorProfilesOf } from '../identity';
import { roomsTutorQuality } from '../rooms';
import { schedulingTutorQuality } from '../scheduling';
import { ticketsAboutSessions } from '../support';
import { acceptanceRate, mergeRatings } from './ops.quality.rules';

const DAY_MS = 86_400_000;

/**
 * One tutor's quality over the last `days` (issue #18): each figure read from the module that owns it, through its
 * index.ts, and put together here; money (from the ledger, decision 037) only when the caller may see it.
 * Undefined when there is no such tutor.
 */
export function createTutorQuality(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  return async function tutorQuality(tutorId: string, days: number, withMoney: boolean): Promise<TutorQuality | undefined> {
    const [[profile], [account]] = await Promise.all([tutorProfilesOf(db, [tutorId]), accountsByIds(db, [tutorId])]);
    if (!profile || !account) return undefined;
    const until = clock.now();
    const range = { since: new Date(until.getTime() - days * DAY_MS), until };
    const [help, rooms, lessons, classes, earnings] = await Promise.all([
      helpTutorQuality(db, tutorId, range),
      roomsTutorQuality(db, tutorId, range),
      schedulingTutorQuality(db, tutorId, range),
      classesTutorQuality(db, tutorId, range),
      withMoney ? tutorEarningsBetween(db, tutorId, range) : Promise.resolve(null),
    ]);
    const complaints = await ticketsAboutSessions(db, rooms.sessionIds);
    return {
      tutorId,
      displayName: account.displayName,
      approvalStatus: profile.approvalStatus,
      onProbation: profile.onProbation,
      from: range.since.toISOString(),
      to: range.until.toISOString(),
      offers: {
        offered: help.offered,
        accepted: help.accepted,
        acceptanceRate: acceptanceRate(help.offered, help.accepted),
        acceptSecondsMedian: help.acceptSecondsMedian,
        acceptSecondsMean: help.acceptSecondsMean,
      },
      ratings: mergeRatings(help.ratingWeeks, rooms.ratingWeeks),
      complaints,
      lessons,
      classes,
      sessions: { count: rooms.sessions, minutes: rooms.minutes },
      earnings,
    };
  };
}
export type TutorQualityReader = ReturnType<typeof createTutorQuality>;
