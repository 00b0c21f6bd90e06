import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { normaliseReportId } from './connectivity.rules';
import { connectivityReports } from './connectivity.schema';

/**
 * The stored code of a /check report as a user read it out (any case, with or without the dash), or undefined when
 * there is no such report. Support tickets attach a report by this code.
 */
export async function checkReportCode(q: Db | Tx, raw: string): Promise<string | undefined> {
  const id = normaliseReportId(raw);
  if (!id) return undefined;
  const rows = await q.select({ id: connectivityReports.id }).from(connectivityReports).where(eq(connectivityReports.id, id)).limit(1);
  return rows[0]?.id;
}
