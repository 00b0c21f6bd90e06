import { eq, or } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import { countInto, type ErasureCounts, type ErasureRules, type UserEraser } from '../../platform/user-erasure';
import { safetyBlocks, safetyContactAttempts, safetyFlags } from './safety.schema';

/** safety's erasure rules (#20, decision 077). */
export const SAFETY_ERASURE_RULES: ErasureRules = {
  safety_contact_attempts: { rule: 'erase', what: 'the contact details the user tried to send (the unmasked originals)' },
  safety_flags: { rule: 'erase', what: 'flags raised about the user' },
  safety_blocks: { rule: 'erase', what: "the user's blocks, and blocks of the user" },
  safety_reports: { rule: 'keep_pseudonymised', why: "a report about a tutor protects other children and stays with ops until closed; it names both sides by id, and the reporter's chat and photos are erased like any other" },
};

export function createSafetyErasure(deps: { db: Db }): UserEraser {
  const { db } = deps;
  return {
    module: 'safety',
    async eraseFor(userId) {
      const counts: ErasureCounts = {};
      countInto(counts, 'safety_contact_attempts', (await db.delete(safetyContactAttempts).where(eq(safetyContactAttempts.senderId, userId)).returning({ id: safetyContactAttempts.id })).length);
      countInto(counts, 'safety_flags', (await db.delete(safetyFlags).where(eq(safetyFlags.userId, userId)).returning({ id: safetyFlags.id })).length);
      countInto(counts, 'safety_blocks', (await db.delete(safetyBlocks).where(or(eq(safetyBlocks.studentId, userId), eq(safetyBlocks.tutorId, userId))).returning({ id: safetyBlocks.studentId })).length);
      return counts;
    },
  };
}
