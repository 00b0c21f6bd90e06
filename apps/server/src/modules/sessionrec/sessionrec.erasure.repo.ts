import { eq, or } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import { countInto, type ErasureCounts, type ErasureRules, type UserEraser } from '../../platform/user-erasure';
import { sessionRecordings } from './sessionrec.schema';

/** sessionrec's erasure rules (#20, decision 077). */
export const SESSIONREC_ERASURE_RULES: ErasureRules = {
  session_recordings: { rule: 'erase', what: "recordings of the user's 1:1 sessions (asked for or agreed to by the user), and the recordings themselves" },
};

/** sessionrec's eraser: each recording of a session the user asked for or answered is deleted (files first), then its row. */
export function createSessionRecErasure(deps: { db: Db; removeRecording(id: string): Promise<boolean> }): UserEraser {
  const { db } = deps;
  return {
    module: 'sessionrec',
    async eraseFor(userId) {
      const counts: ErasureCounts = {};
      const involved = or(eq(sessionRecordings.askedBy, userId), eq(sessionRecordings.answeredBy, userId), eq(sessionRecordings.endedBy, userId));
      const rows = await db.select({ recordingId: sessionRecordings.recordingId }).from(sessionRecordings).where(involved);
      for (const r of rows) if (r.recordingId && (await deps.removeRecording(r.recordingId))) countInto(counts, 'recordings', 1);
      countInto(counts, 'session_recordings', (await db.delete(sessionRecordings).where(involved).returning({ id: sessionRecordings.id })).length);
      return counts;
    },
  };
}
