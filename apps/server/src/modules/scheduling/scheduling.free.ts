import type { Db, Tx } from '../../platform/db';
import * as time from '../../platform/time';
import { busyIntervals } from './scheduling.busy';
import { availabilityPoliciesOf } from './scheduling.lookups.repo';
import { computeSlots } from './scheduling.rules';
import { toRulesPolicy } from './scheduling.slots';

const DAY_MS = 86_400_000;

/**
 * The tutors, among these, with at least one bookable slot starting within `days` of `now` (recommendations, #17):
 * two queries for all of them (policies, busy intervals), then each tutor's slots with their shortest length, stopping
 * at the first tutor-local day that has one.
 */
export async function tutorsWithFreeSlots(q: Db | Tx, tutorIds: readonly string[], range: { now: Date; days: number }): Promise<Set<string>> {
  const free = new Set<string>();
  if (!tutorIds.length) return free;
  const { now, days } = range;
  const to = new Date(now.getTime() + days * DAY_MS);
  const [policies, busy] = await Promise.all([
    availabilityPoliciesOf(q, tutorIds),
    busyIntervals(q, tutorIds, { from: new Date(now.getTime() - DAY_MS), to: new Date(to.getTime() + DAY_MS), now }),
  ]);
  for (const row of policies) {
    const p = toRulesPolicy(row);
    if (!p.durationsMinutes.length) continue;
    const durationMinutes = Math.min(...p.durationsMinutes);
    for (let d = 0; d < days; d++) {
      const from = new Date(now.getTime() + d * DAY_MS);
      const until = new Date(Math.min(to.getTime(), from.getTime() + DAY_MS));
      if (computeSlots(p, busy.get(row.tutorId) ?? [], { from, to: until, now, durationMinutes, limit: 1 }, time).length) {
        free.add(row.tutorId);
        break;
      }
    }
  }
  return free;
}
