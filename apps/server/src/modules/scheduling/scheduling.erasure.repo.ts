import { eq } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import { countInto, type ErasureCounts, type ErasureRules, type UserEraser } from '../../platform/user-erasure';
import { availabilityPolicies, calendarFeeds } from './scheduling.schema';

/** scheduling's erasure rules (#20, decision 077). */
export const SCHEDULING_ERASURE_RULES: ErasureRules = {
  bookings: { rule: 'keep_pseudonymised', why: 'a lesson happened and was paid: the ledger and the tutor\'s record refer to it (ids, times, price only)' },
  availability_policies: { rule: 'erase', what: "a tutor's weekly hours" },
  calendar_feeds: { rule: 'erase', what: "the user's calendar feed token" },
};

export function createSchedulingErasure(deps: { db: Db }): UserEraser {
  const { db } = deps;
  return {
    module: 'scheduling',
    async eraseFor(userId) {
      const counts: ErasureCounts = {};
      countInto(counts, 'availability_policies', (await db.delete(availabilityPolicies).where(eq(availabilityPolicies.tutorId, userId)).returning({ id: availabilityPolicies.tutorId })).length);
      countInto(counts, 'calendar_feeds', (await db.delete(calendarFeeds).where(eq(calendarFeeds.userId, userId)).returning({ id: calendarFeeds.userId })).length);
      return counts;
    },
  };
}
