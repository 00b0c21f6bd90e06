import { eq } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import { countInto, type ErasureRules, type UserEraser } from '../../platform/user-erasure';
import { connectivityReports } from './connectivity.schema';

/** connectivity's erasure rules (#20, decision 077). */
export const CONNECTIVITY_ERASURE_RULES: ErasureRules = {
  connectivity_reports: { rule: 'erase', what: "the user's /check reports (network, IP address)" },
};

export function createConnectivityErasure(deps: { db: Db }): UserEraser {
  return {
    module: 'connectivity',
    async eraseFor(userId) {
      return countInto({}, 'connectivity_reports', (await deps.db.delete(connectivityReports).where(eq(connectivityReports.userId, userId)).returning({ id: connectivityReports.id })).length);
    },
  };
}
