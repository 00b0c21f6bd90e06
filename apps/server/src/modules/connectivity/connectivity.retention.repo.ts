import { lt } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import type { RetentionCount, RetentionCut } from '../../platform/retention';
import { connectivityReports } from './connectivity.schema';

/** Retention of /check reports (issue #20): a self-test's report is for support in the days after; gone after `cut.before`. */
export async function removeOldCheckReports(deps: { db: Db }, cut: RetentionCut): Promise<RetentionCount> {
  const gone = await deps.db.delete(connectivityReports).where(lt(connectivityReports.createdAt, cut.before)).returning({ id: connectivityReports.id });
  return { rows: gone.length, files: 0, bytes: 0, held: 0 };
}
