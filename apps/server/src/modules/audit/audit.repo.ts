import type { AuditQuery } from '@tutorline/contracts';
import { and, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { auditLog } from './audit.schema';

export type AuditRow = typeof auditLog.$inferSelect;

/** One staff action, as the module that performed it describes it. */
export interface AuditInput {
  actor: { id: string | null; role: string };
  action: string;
  object: { type: string; id: string };
  reason?: string | null | undefined;
  before?: unknown;
  after?: unknown;
}

/**
 * Writes one audit row inside the caller's transaction, so the row exists exactly when the action committed: an action
 * that fails after this call rolls its audit row back with it. `at` comes from the injected clock, through the caller.
 */
export async function recordAudit(tx: Tx, at: Date, entry: AuditInput): Promise<AuditRow> {
  const [row] = await tx
    .insert(auditLog)
    .values({
      at,
      actorId: entry.actor.id,
      actorRole: entry.actor.role,
      action: entry.action,
      objectType: entry.object.type,
      objectId: entry.object.id,
      reason: entry.reason ?? null,
      before: entry.before ?? null,
      after: entry.after ?? null,
    })
    .returning();
  return row!;
}

export function createAuditRepo(db: Db) {
  const where = (q: Omit<AuditQuery, 'limit' | 'offset'>): SQL | undefined => {
    const parts: SQL[] = [];
    if (q.actorId) parts.push(eq(auditLog.actorId, q.actorId));
    if (q.objectType) parts.push(eq(auditLog.objectType, q.objectType));
    if (q.objectId) parts.push(eq(auditLog.objectId, q.objectId));
    if (q.action) parts.push(eq(auditLog.action, q.action));
    if (q.from) parts.push(gte(auditLog.at, new Date(q.from)));
    if (q.to) parts.push(lt(auditLog.at, new Date(q.to)));
    return parts.length ? and(...parts) : undefined;
  };
  return {
    /** Newest first; `to` is exclusive. */
    async search(q: AuditQuery): Promise<AuditRow[]> {
      return db.select().from(auditLog).where(where(q)).orderBy(desc(auditLog.at), desc(auditLog.id)).limit(q.limit).offset(q.offset);
    },
  };
}
export type AuditRepo = ReturnType<typeof createAuditRepo>;
