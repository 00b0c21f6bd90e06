import { and, asc, desc, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { helpSubjectRates, questionEvents, questionNotifications, questionPhotos, questions, tutorHelpStats } from './help.schema';
import { accountsByIds, approvedTutorsPerSubject, approvedTutorsTeaching, catalogueWithTutors, lockApprovedTutor, subjectLevelExists, tutorProfilesOf, tutorTeaching } from '../identity';
import { tutorsInSession } from '../rooms';
import { recordStudentRating, studentPrefsFor } from '../tutors';
import type { TutorFacts } from './help.rules';

export type QuestionRow = typeof questions.$inferSelect;
export type PhotoRow = typeof questionPhotos.$inferSelect;

export function createHelpRepo(db: Db) {
  return {
    db,

    async insertPhoto(values: typeof questionPhotos.$inferInsert): Promise<PhotoRow> {
      const [row] = await db.insert(questionPhotos).values(values).returning();
      return row!;
    },

    /** Photos never attached to a question, uploaded before `before`, oldest first. */
    async unattachedPhotosBefore(before: Date, limit: number): Promise<PhotoRow[]> {
      return db
        .select()
        .from(questionPhotos)
        .where(and(isNull(questionPhotos.questionId), lt(questionPhotos.createdAt, before)))
        .orderBy(asc(questionPhotos.createdAt))
        .limit(limit);
    },

    /** Deletes a photo's row if it is still unattached (an ask attaching it at the same moment wins); returns it when deleted. */
    async deleteUnattachedPhoto(id: string): Promise<PhotoRow | undefined> {
      const [row] = await db.delete(questionPhotos).where(and(eq(questionPhotos.id, id), isNull(questionPhotos.questionId))).returning();
      return row;
    },

    async findPhoto(id: string): Promise<PhotoRow | undefined> {
      const [row] = await db.select().from(questionPhotos).where(eq(questionPhotos.id, id)).limit(1);
      return row;
    },

    /** Whether the catalogue offers the subject at the level (identity's index). */
    subjectLevelExists: (subjectId: string, level: string) => subjectLevelExists(db, subjectId, level),

    async findByRequestId(studentId: string, requestId: string): Promise<QuestionRow | undefined> {
      const [row] = await db.select().from(questions).where(and(eq(questions.studentId, studentId), eq(questions.requestId, requestId))).limit(1);
      return row;
    },

    /** Inserts the question unless this request id was seen; returns null for a repeat. */
    async insertQuestion(tx: Tx, values: typeof questions.$inferInsert): Promise<QuestionRow | null> {
      const [row] = await tx.insert(questions).values(values).onConflictDoNothing({ target: [questions.studentId, questions.requestId] }).returning();
      return row ?? null;
    },

    /** Attaches the student's own unattached photos; returns how many were attached. */
    async attachPhotos(tx: Tx, questionId: string, ownerId: string, photoIds: string[]): Promise<number> {
      let attached = 0;
      for (const [position, id] of photoIds.entries()) {
        const rows = await tx
          .update(questionPhotos)
          .set({ questionId, position })
          .where(and(eq(questionPhotos.id, id), eq(questionPhotos.ownerId, ownerId), isNull(questionPhotos.questionId)))
          .returning({ id: questionPhotos.id });
        attached += rows.length;
      }
      return attached;
    },

    async addEvent(tx: Db | Tx, questionId: string, type: string, at: Date, data: Record<string, unknown> | null = null) {
      await tx.insert(questionEvents).values({ questionId, type, at, data });
    },

    async findQuestion(id: string, tx: Db | Tx = db): Promise<QuestionRow | undefined> {
      const [row] = await tx.select().from(questions).where(eq(questions.id, id)).limit(1);
      return row;
    },

    async lockQuestion(tx: Tx, id: string): Promise<QuestionRow | undefined> {
      const [row] = await tx.select().from(questions).where(eq(questions.id, id)).limit(1).for('update');
      return row;
    },

    async photosOf(questionIds: string[]): Promise<PhotoRow[]> {
      if (!questionIds.length) return [];
      return db.select().from(questionPhotos).where(inArray(questionPhotos.questionId, questionIds)).orderBy(asc(questionPhotos.position));
    },

    async timeline(questionId: string) {
      return db.select().from(questionEvents).where(eq(questionEvents.questionId, questionId)).orderBy(asc(questionEvents.at), asc(questionEvents.id));
    },

    /**
     * Every approved tutor who teaches the subject at the level, with the facts the dispatch rules need: who teaches
     * (identity), who is in a session (rooms), the student's preferences (tutors), through their index.ts (#14), and
     * this module's figures and notifications; five batch reads, joined here by tutor id.
     */
    async candidateTutors(q: QuestionRow, scarceSubjects: string[]): Promise<(Omit<TutorFacts, 'online'> & { statsOnline: boolean })[]> {
      const teaching = await approvedTutorsTeaching(db, q.subjectId, q.level, scarceSubjects);
      const ids = teaching.map((t) => t.tutorId);
      if (!ids.length) return [];
      const [statsRows, inSession, prefsRows, notifiedRows] = await Promise.all([
        db.select().from(tutorHelpStats).where(sql`${tutorHelpStats.tutorId} = any(${sql.param(ids)}::uuid[])`),
        tutorsInSession(db, ids),
        studentPrefsFor(db, q.studentId, ids),
        db.select({ tutorId: questionNotifications.tutorId }).from(questionNotifications).where(eq(questionNotifications.questionId, q.id)),
      ]);
      const stats = new Map(statsRows.map((r) => [r.tutorId, r]));
      const prefs = new Map(prefsRows.map((r) => [r.tutorId, r]));
      const notified = new Set(notifiedRows.map((r) => r.tutorId));
      return teaching.map((t) => {
        const st = stats.get(t.tutorId);
        const p = prefs.get(t.tutorId);
        return {
          id: t.tutorId,
          approved: true,
          teaches: [{ subjectId: q.subjectId, level: q.level }],
          statsOnline: st?.online ?? false,
          notifyWhenOffline: st?.notifyWhenOffline ?? false,
          inSession: inSession.has(t.tutorId),
          blockedByStudent: p?.blocked ?? false,
          alreadyNotified: notified.has(t.tutorId),
          preferredByStudent: Boolean(p?.favourite) || (p?.bestRating ?? 0) >= 4,
          ratingSum: st?.ratingSum ?? 0,
          ratingCount: st?.ratingCount ?? 0,
          notifiedCount: st?.notifiedCount ?? 0,
          acceptedCount: st?.acceptedCount ?? 0,
          meanResponseSeconds: st && st.acceptedCount > 0 ? st.responseSecondsSum / st.acceptedCount : null,
          lastNotifiedAt: st?.lastNotifiedAt ?? null,
          teachesScarceSubject: t.alsoTeaches,
          onProbation: t.onProbation,
        };
      });
    },

    /** The catalogue in its order, and which (subject, level) pairs at least one approved tutor teaches (identity's index). */
    catalogueWithTutors: () => catalogueWithTutors(db),

    /** Subjects with fewer than `threshold` approved tutors. */
    async scarceSubjects(threshold: number): Promise<string[]> {
      const rows = await approvedTutorsPerSubject(db);
      return rows.filter((r) => r.n > 0 && r.n < threshold).map((r) => r.subjectId);
    },

    /** Records a wave; returns the tutors that were newly notified (a retried wave notifies nobody twice). */
    async recordWave(tx: Tx, q: QuestionRow, wave: number, tutorIds: string[], now: Date, nextWaveAt: Date | null, waitingTutors: number): Promise<string[]> {
      // Chunked: one statement may carry at most 65,535 parameters.
      const inserted: { tutorId: string }[] = [];
      for (let i = 0; i < tutorIds.length; i += 5000) {
        const chunk = tutorIds.slice(i, i + 5000);
        inserted.push(
          ...(await tx
            .insert(questionNotifications)
            .values(chunk.map((tutorId) => ({ questionId: q.id, tutorId, wave, notifiedAt: now })))
            .onConflictDoNothing()
            .returning({ tutorId: questionNotifications.tutorId })),
        );
      }
      const ids = inserted.map((r) => r.tutorId);
      await tx
        .update(questions)
        .set({ wave, notifiedCount: sql`${questions.notifiedCount} + ${ids.length}`, nextWaveAt, waitingTutors })
        .where(eq(questions.id, q.id));
      if (ids.length) {
        await tx
          .insert(tutorHelpStats)
          .values(ids.map((tutorId) => ({ tutorId, lastNotifiedAt: now, notifiedCount: 1 })))
          .onConflictDoUpdate({ target: tutorHelpStats.tutorId, set: { lastNotifiedAt: now, notifiedCount: sql`${tutorHelpStats.notifiedCount} + 1` } });
      }
      return ids;
    },

    /** The tutor's notification of this question (by any channel: one row per tutor per question), with its skip. */
    async wasNotified(questionId: string, tutorId: string): Promise<{ notifiedAt: Date; skippedAt: Date | null } | undefined> {
      const [row] = await db
        .select({ notifiedAt: questionNotifications.notifiedAt, skippedAt: questionNotifications.skippedAt })
        .from(questionNotifications)
        .where(and(eq(questionNotifications.questionId, questionId), eq(questionNotifications.tutorId, tutorId)))
        .limit(1);
      return row;
    },

    async notifiedTutorIds(questionId: string): Promise<string[]> {
      const rows = await db.select({ id: questionNotifications.tutorId }).from(questionNotifications).where(eq(questionNotifications.questionId, questionId));
      return rows.map((r) => r.id);
    },

    /**
     * The atomic first-accept: only one UPDATE can move an open, unexpired question to claimed, and only for a tutor
     * who was offered it (notified by any channel, not skipped) and has no open session. The open-session check is
     * also held by the partial unique index on open instant sessions per tutor (the session insert that follows).
     */
    async claim(tx: Tx, questionId: string, tutorId: string, now: Date): Promise<QuestionRow | undefined> {
      // Sessions are rooms' (its index, in this transaction); the one-open-instant-session index settles a race after it.
      if ((await tutorsInSession(tx, [tutorId])).size) return undefined;
      const [row] = await tx
        .update(questions)
        .set({ status: 'claimed', claimedBy: tutorId, claimedAt: now, nextWaveAt: null })
        .where(
          and(
            eq(questions.id, questionId),
            eq(questions.status, 'open'),
            sql`${questions.expiresAt} > ${now.toISOString()}`,
            sql`exists (select 1 from ${questionNotifications} n where n.question_id = ${questionId} and n.tutor_id = ${tutorId} and n.skipped_at is null)`,
          ),
        )
        .returning();
      return row;
    },

    /** Whether the tutor is approved, under identity's share lock for the claim's transaction (identity's index). */
    tutorStillApproved: (tx: Tx, tutorId: string) => lockApprovedTutor(tx, tutorId),

    async setSession(tx: Tx, questionId: string, sessionId: string) {
      await tx.update(questions).set({ sessionId }).where(eq(questions.id, questionId));
    },

    async recordAccept(tx: Tx, tutorId: string, responseSeconds: number) {
      await tx
        .insert(tutorHelpStats)
        .values({ tutorId, acceptedCount: 1, responseSecondsSum: responseSeconds })
        .onConflictDoUpdate({
          target: tutorHelpStats.tutorId,
          set: { acceptedCount: sql`${tutorHelpStats.acceptedCount} + 1`, responseSecondsSum: sql`${tutorHelpStats.responseSecondsSum} + ${responseSeconds}` },
        });
    },

    /** Moves a question from `from` to `to` if it is still in `from`; returns the row when it moved. */
    async move(tx: Db | Tx, questionId: string, from: QuestionRow['status'], patch: Partial<typeof questions.$inferInsert>) {
      const [row] = await tx.update(questions).set(patch).where(and(eq(questions.id, questionId), eq(questions.status, from))).returning();
      return row;
    },

    async skip(questionId: string, tutorId: string, now: Date) {
      await db
        .update(questionNotifications)
        .set({ skippedAt: now })
        .where(and(eq(questionNotifications.questionId, questionId), eq(questionNotifications.tutorId, tutorId)));
    },

    async feed(tutorId: string, now: Date) {
      return db
        .select({ q: questions })
        .from(questionNotifications)
        .innerJoin(questions, eq(questions.id, questionNotifications.questionId))
        .where(
          and(
            eq(questionNotifications.tutorId, tutorId),
            isNull(questionNotifications.skippedAt),
            eq(questions.status, 'open'),
            sql`${questions.expiresAt} > ${now.toISOString()}`,
          ),
        )
        .orderBy(asc(questions.createdAt));
    },

    async listForStudent(studentId: string, limit: number) {
      return db.select().from(questions).where(eq(questions.studentId, studentId)).orderBy(desc(questions.createdAt)).limit(limit);
    },

    /** Each tutor's name (identity's index) with this module's rating figures (null when they have none yet). */
    async tutorSummaries(ids: string[]): Promise<{ id: string; displayName: string; ratingSum: number | null; ratingCount: number | null }[]> {
      if (!ids.length) return [];
      const [accounts, stats] = await Promise.all([
        accountsByIds(db, ids),
        db.select({ tutorId: tutorHelpStats.tutorId, ratingSum: tutorHelpStats.ratingSum, ratingCount: tutorHelpStats.ratingCount }).from(tutorHelpStats).where(inArray(tutorHelpStats.tutorId, ids)),
      ]);
      const byTutor = new Map(stats.map((r) => [r.tutorId, r]));
      return accounts.map((a) => ({ id: a.id, displayName: a.displayName, ratingSum: byTutor.get(a.id)?.ratingSum ?? null, ratingCount: byTutor.get(a.id)?.ratingCount ?? null }));
    },

    /** A tutor's approval and whether they teach the subject at the level (identity), and whether they are in a live session (rooms). */
    async tutorTeaches(tutorId: string, subjectId: string, level: string) {
      const [teaching, inSession] = await Promise.all([tutorTeaching(db, tutorId, subjectId, level), tutorsInSession(db, [tutorId])]);
      return teaching && { ...teaching, inSession: inSession.has(tutorId) };
    },

    /** The student's preferences about the tutor (tutors' index). */
    async prefs(studentId: string, tutorId: string) {
      return (await studentPrefsFor(db, studentId, [tutorId]))[0];
    },

    async recordRating(tx: Tx, q: QuestionRow, stars: number, comment: string | null, favourite: boolean | undefined, now: Date) {
      await tx.update(questions).set({ rating: stars, ratingComment: comment, ratedAt: now }).where(eq(questions.id, q.id));
      await tx
        .insert(tutorHelpStats)
        .values({ tutorId: q.claimedBy!, ratingSum: stars, ratingCount: 1 })
        .onConflictDoUpdate({
          target: tutorHelpStats.tutorId,
          set: { ratingSum: sql`${tutorHelpStats.ratingSum} + ${stars}`, ratingCount: sql`${tutorHelpStats.ratingCount} + 1` },
        });
      await recordStudentRating(tx, q.studentId, q.claimedBy!, stars, favourite);
    },

    async tutorCurrency(tutorId: string): Promise<string | undefined> {
      return (await tutorProfilesOf(db, [tutorId]))[0]?.currency;
    },

    async availability(tutorId: string) {
      const [row] = await db.select().from(tutorHelpStats).where(eq(tutorHelpStats.tutorId, tutorId)).limit(1);
      return { online: row?.online ?? false, notifyWhenOffline: row?.notifyWhenOffline ?? false };
    },

    async setAvailability(tutorId: string, online: boolean, notifyWhenOffline: boolean | undefined) {
      const patch = { online, ...(notifyWhenOffline === undefined ? {} : { notifyWhenOffline }) };
      await db.insert(tutorHelpStats).values({ tutorId, ...patch }).onConflictDoUpdate({ target: tutorHelpStats.tutorId, set: patch });
    },

    /** The subject's per-question rates, one per currency. */
    async ratesFor(subjectId: string): Promise<{ currency: string; amountMinor: number }[]> {
      return db.select({ currency: helpSubjectRates.currency, amountMinor: helpSubjectRates.amountMinor }).from(helpSubjectRates).where(eq(helpSubjectRates.subjectId, subjectId));
    },

    async upsertRates(rates: { subjectId: string; currency: string; amountMinor: number }[]) {
      if (!rates.length) return;
      await db.insert(helpSubjectRates).values(rates).onConflictDoNothing();
    },
  };
}
export type HelpRepo = ReturnType<typeof createHelpRepo>;
