import { eq } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import { countInto, type ErasureCounts, type ErasureRules, type UserEraser } from '../../platform/user-erasure';
import { recordings } from './recordings.schema';

/** recordings' erasure rules (#20, decision 077). */
export const RECORDINGS_ERASURE_RULES: ErasureRules = {
  recordings: { rule: 'erase', what: "recordings the user started, and (through sessionrec) those of their 1:1 sessions: files first, then rows" },
};

export function createRecordingsErasure(deps: { db: Db; removeRecording(id: string): Promise<boolean> }): UserEraser {
  return {
    module: 'recordings',
    async eraseFor(userId) {
      const counts: ErasureCounts = {};
      const owned = await deps.db.select({ id: recordings.id }).from(recordings).where(eq(recordings.ownerId, userId));
      for (const r of owned) if (await deps.removeRecording(r.id)) countInto(counts, 'recordings', 1);
      return counts;
    },
  };
}
