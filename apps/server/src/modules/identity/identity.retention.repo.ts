import { lt } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import type { RetentionCount, RetentionCut } from '../../platform/retention';
import { failedLogins } from './identity.schema';

/**
 * Retention of failed log-ins (issue #20, decision 073): the record of attacks on an account, used by the log-in
 * limits for minutes and kept for investigation until `cut.before`.
 */
export async function removeOldFailedLogins(deps: { db: Db }, cut: RetentionCut): Promise<RetentionCount> {
  const gone = await deps.db.delete(failedLogins).where(lt(failedLogins.at, cut.before)).returning({ id: failedLogins.id });
  return { rows: gone.length, files: 0, bytes: 0, held: 0 };
}
