import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { recordAudit } from '../audit';
import { TUTOR_SUSPENDED_QUEUE } from './identity.events';
import { tutorProfiles } from './identity.schema';

/** Who acted: a staff member under the role the route allowed them, or the system for seeds and tests. */
export interface StandingActor {
  id: string;
  role: string;
}

/** A tutor's standing: approval and probation, with when each last changed. */
export interface StandingRow {
  tutorId: string;
  approvalStatus: 'pending' | 'approved' | 'suspended';
  approvalChangedAt: Date | null;
  onProbation: boolean;
  probationChangedAt: Date | null;
}

const standingColumns = {
  tutorId: tutorProfiles.userId,
  approvalStatus: tutorProfiles.approvalStatus,
  approvalChangedAt: tutorProfiles.approvalChangedAt,
  onProbation: tutorProfiles.onProbation,
  probationChangedAt: tutorProfiles.probationChangedAt,
};

const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

/** The tutor's standing, locked for the rest of the caller's transaction. */
async function lockStanding(tx: Tx, tutorId: string): Promise<StandingRow | undefined> {
  if (!isUuid(tutorId)) return undefined;
  const [row] = await tx.select(standingColumns).from(tutorProfiles).where(eq(tutorProfiles.userId, tutorId)).for('update');
  return row;
}

/**
 * Suspending, reinstating and probation (issue #18). Each change is one transaction: the row is locked, the change is
 * refused when it would change nothing, and the audit row (before and after) and, for a suspension, the job that carries
 * its effects to other modules commit with it.
 */
export function createStandingRepo(db: Db) {
  return {
    async standing(tutorId: string): Promise<StandingRow | undefined> {
      if (!isUuid(tutorId)) return undefined;
      const [row] = await db.select(standingColumns).from(tutorProfiles).where(eq(tutorProfiles.userId, tutorId));
      return row;
    },

    /** approved or pending → suspended; the suspension's effects are queued in the same transaction. */
    async suspend(tutorId: string, actor: StandingActor, reason: string, now: Date): Promise<{ row: StandingRow } | { refused: 'not_found' | 'already_suspended' }> {
      return db.transaction(async (tx) => {
        const before = await lockStanding(tx, tutorId);
        if (!before) return { refused: 'not_found' as const };
        if (before.approvalStatus === 'suspended') return { refused: 'already_suspended' as const };
        const [row] = await tx
          .update(tutorProfiles)
          .set({ approvalStatus: 'suspended', approvalChangedAt: now, approvalChangedBy: actor.id })
          .where(eq(tutorProfiles.userId, tutorId))
          .returning(standingColumns);
        await recordAudit(tx, now, { actor, action: 'tutor.suspend', object: { type: 'tutor', id: tutorId }, reason, before: { approvalStatus: before.approvalStatus }, after: { approvalStatus: 'suspended' } });
        await queueSuspensionEffects(tx, tutorId, now);
        return { row: row! };
      });
    },

    /** suspended → approved. */
    async reinstate(tutorId: string, actor: StandingActor, reason: string, now: Date): Promise<{ row: StandingRow } | { refused: 'not_found' | 'not_suspended' }> {
      return db.transaction(async (tx) => {
        const before = await lockStanding(tx, tutorId);
        if (!before) return { refused: 'not_found' as const };
        if (before.approvalStatus !== 'suspended') return { refused: 'not_suspended' as const };
        const [row] = await tx
          .update(tutorProfiles)
          .set({ approvalStatus: 'approved', approvalChangedAt: now, approvalChangedBy: actor.id })
          .where(eq(tutorProfiles.userId, tutorId))
          .returning(standingColumns);
        await recordAudit(tx, now, { actor, action: 'tutor.reinstate', object: { type: 'tutor', id: tutorId }, reason, before: { approvalStatus: 'suspended' }, after: { approvalStatus: 'approved' } });
        return { row: row! };
      });
    },

    /** Puts the tutor on probation or takes them off it; refused when they already are where they would be put. */
    async setProbation(tutorId: string, onProbation: boolean, actor: StandingActor, reason: string, now: Date): Promise<{ row: StandingRow } | { refused: 'not_found' | 'unchanged' }> {
      return db.transaction(async (tx) => {
        const before = await lockStanding(tx, tutorId);
        if (!before) return { refused: 'not_found' as const };
        if (before.onProbation === onProbation) return { refused: 'unchanged' as const };
        const [row] = await tx.update(tutorProfiles).set({ onProbation, probationChangedAt: now }).where(eq(tutorProfiles.userId, tutorId)).returning(standingColumns);
        await recordAudit(tx, now, {
          actor,
          action: onProbation ? 'tutor.probation_start' : 'tutor.probation_end',
          object: { type: 'tutor', id: tutorId },
          reason,
          before: { onProbation: before.onProbation },
          after: { onProbation },
        });
        return { row: row! };
      });
    },
  };
}
export type StandingRepo = ReturnType<typeof createStandingRepo>;

/** Queues the job that tells other modules (lessons, classes, offers) a tutor was suspended; once per suspension. */
export async function queueSuspensionEffects(tx: Tx, tutorId: string, now: Date): Promise<void> {
  const at = now.toISOString();
  await TUTOR_SUSPENDED_QUEUE.enqueue(tx, { tutorId, at }, { now, dedupeKey: `${TUTOR_SUSPENDED_QUEUE.queue}:${tutorId}:${at}` });
}
