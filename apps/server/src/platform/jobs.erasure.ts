import { and, inArray, ne, sql } from 'drizzle-orm';
import type { Db } from './db';
import { jobs } from './jobs.schema';
import { type ErasureRules, mentionsAny } from './user-erasure';

/** The jobs table's erasure rule (#20, decision 077). */
export const JOBS_ERASURE_RULES: ErasureRules = {
  jobs: { rule: 'anonymise', what: "finished jobs whose payload mentions the user (a message's text, an address) have it cleared; the dedupe key stays so nothing is sent twice" },
};

/** Clears the payload of finished jobs that mention `userId` (or any of `alsoMentioning`); returns how many. */
export async function clearFinishedJobPayloads(db: Db, userId: string, alsoMentioning: readonly string[] = []): Promise<number> {
  const rows = await db
    .update(jobs)
    .set({ payload: {} })
    .where(and(inArray(jobs.state, ['done', 'failed', 'parked']), ne(sql`${jobs.payload}::text`, '{}'), mentionsAny(jobs.payload, [userId, ...alsoMentioning])))
    .returning({ id: jobs.id });
  return rows.length;
}
