import { and, asc, count, desc, eq, inArray, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { tutorApplicationDocuments, tutorApplications, tutorApplicationSubjects } from './onboarding.schema';

export type ApplicationRow = typeof tutorApplications.$inferSelect;
export type AppliedSubjectRow = typeof tutorApplicationSubjects.$inferSelect;
export type DocumentRow = typeof tutorApplicationDocuments.$inferSelect;
type ApplicationPatch = Partial<Omit<ApplicationRow, 'id' | 'tutorId' | 'createdAt' | 'version'>>;

/** The only code that touches onboarding's tables. */
export function createOnboardingRepo(db: Db) {
  return {
    transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      return db.transaction(fn);
    },

    async ofTutor(tutorId: string, q: Db | Tx = db): Promise<ApplicationRow | undefined> {
      const [row] = await q.select().from(tutorApplications).where(eq(tutorApplications.tutorId, tutorId));
      return row;
    },

    async find(id: string, q: Db | Tx = db): Promise<ApplicationRow | undefined> {
      const [row] = await q.select().from(tutorApplications).where(eq(tutorApplications.id, id));
      return row;
    },

    /** The row, locked for the rest of the transaction: two reviewers deciding at once are serialised here. */
    async lock(tx: Tx, id: string): Promise<ApplicationRow | undefined> {
      const [row] = await tx.select().from(tutorApplications).where(eq(tutorApplications.id, id)).for('update');
      return row;
    },

    async lockOfTutor(tx: Tx, tutorId: string): Promise<ApplicationRow | undefined> {
      const [row] = await tx.select().from(tutorApplications).where(eq(tutorApplications.tutorId, tutorId)).for('update');
      return row;
    },

    /** Creates the tutor's draft, or finds the one that exists (a double click creates one). */
    async ensureDraft(tx: Tx, tutorId: string, now: Date): Promise<ApplicationRow> {
      await tx
        .insert(tutorApplications)
        .values({ tutorId, status: 'draft', languages: [], missing: [], createdAt: now, updatedAt: now })
        .onConflictDoNothing({ target: tutorApplications.tutorId });
      const [row] = await tx.select().from(tutorApplications).where(eq(tutorApplications.tutorId, tutorId)).for('update');
      return row!;
    },

    /**
     * Changes the row only if it is still at `version` (the caller read and locked it), and bumps the version: a
     * conditional update, so a change made on a stale read cannot land.
     */
    async update(tx: Tx, id: string, version: number, patch: ApplicationPatch): Promise<ApplicationRow | undefined> {
      const [row] = await tx
        .update(tutorApplications)
        .set({ ...patch, version: version + 1 })
        .where(and(eq(tutorApplications.id, id), eq(tutorApplications.version, version)))
        .returning();
      return row;
    },

    async subjectsOf(applicationId: string, q: Db | Tx = db): Promise<AppliedSubjectRow[]> {
      return q.select().from(tutorApplicationSubjects).where(eq(tutorApplicationSubjects.applicationId, applicationId)).orderBy(asc(tutorApplicationSubjects.subjectId), asc(tutorApplicationSubjects.level));
    },

    async replaceSubjects(tx: Tx, applicationId: string, rows: { subjectId: string; level: string; sampleAnswer: string }[]): Promise<void> {
      await tx.delete(tutorApplicationSubjects).where(eq(tutorApplicationSubjects.applicationId, applicationId));
      if (rows.length) await tx.insert(tutorApplicationSubjects).values(rows.map((r) => ({ ...r, applicationId })));
    },

    async decideSubject(tx: Tx, applicationId: string, s: { subjectId: string; level: string }, decision: 'approved' | 'not_approved', reason: string): Promise<void> {
      await tx
        .update(tutorApplicationSubjects)
        .set({ decision, decisionReason: reason })
        .where(and(eq(tutorApplicationSubjects.applicationId, applicationId), eq(tutorApplicationSubjects.subjectId, s.subjectId), eq(tutorApplicationSubjects.level, s.level)));
    },

    async documentsOf(applicationId: string, q: Db | Tx = db): Promise<DocumentRow[]> {
      return q.select().from(tutorApplicationDocuments).where(eq(tutorApplicationDocuments.applicationId, applicationId)).orderBy(asc(tutorApplicationDocuments.seq));
    },

    async addDocument(tx: Tx, row: typeof tutorApplicationDocuments.$inferInsert): Promise<DocumentRow> {
      const [created] = await tx.insert(tutorApplicationDocuments).values(row).returning();
      return created!;
    },

    async findDocument(id: string): Promise<{ document: DocumentRow; tutorId: string } | undefined> {
      const [row] = await db
        .select({ document: tutorApplicationDocuments, tutorId: tutorApplications.tutorId })
        .from(tutorApplicationDocuments)
        .innerJoin(tutorApplications, eq(tutorApplications.id, tutorApplicationDocuments.applicationId))
        .where(eq(tutorApplicationDocuments.id, id));
      return row;
    },

    async removeDocument(tx: Tx, id: string): Promise<void> {
      await tx.delete(tutorApplicationDocuments).where(eq(tutorApplicationDocuments.id, id));
    },

    /** The review queue: oldest submission first within a status (first come, first reviewed). */
    async queue(q: { status?: ApplicationRow['status'] | undefined; limit: number; offset: number }) {
      const parts: SQL[] = [];
      if (q.status) parts.push(eq(tutorApplications.status, q.status));
      const rows = await db
        .select()
        .from(tutorApplications)
        .where(parts.length ? and(...parts) : undefined)
        .orderBy(asc(tutorApplications.submittedAt), desc(tutorApplications.updatedAt))
        .limit(q.limit)
        .offset(q.offset);
      if (!rows.length) return [];
      const ids = rows.map((r) => r.id);
      const [subjects, docs] = await Promise.all([
        db.select().from(tutorApplicationSubjects).where(inArray(tutorApplicationSubjects.applicationId, ids)),
        db.select({ applicationId: tutorApplicationDocuments.applicationId, n: count() }).from(tutorApplicationDocuments).where(inArray(tutorApplicationDocuments.applicationId, ids)).groupBy(tutorApplicationDocuments.applicationId),
      ]);
      const docCount = new Map(docs.map((d) => [d.applicationId, Number(d.n)]));
      return rows.map((row) => ({ row, subjects: subjects.filter((s) => s.applicationId === row.id), documentCount: docCount.get(row.id) ?? 0 }));
    },
  };
}
export type OnboardingRepo = ReturnType<typeof createOnboardingRepo>;
