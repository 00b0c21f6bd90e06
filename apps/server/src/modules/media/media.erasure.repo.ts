import { eq } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import { countInto, type ErasureRules, type UserEraser } from '../../platform/user-erasure';
import { uploadCounters } from './media.schema';

/** media's erasure rules (#20, decision 077): the photos themselves belong to help and rooms, which delete them. */
export const MEDIA_ERASURE_RULES: ErasureRules = {
  upload_counters: { rule: 'erase', what: "the user's upload counts" },
};

export function createMediaErasure(deps: { db: Db }): UserEraser {
  return {
    module: 'media',
    async eraseFor(userId) {
      return countInto({}, 'upload_counters', (await deps.db.delete(uploadCounters).where(eq(uploadCounters.userId, userId)).returning({ id: uploadCounters.userId })).length);
    },
  };
}
