import { and, asc, eq, gt, isNull, lte, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { recordAudit } from '../audit';
import { helpRatingsOf } from '../help';
import { accountsByIds } from '../identity';
import { callEvents, roomBoardUpdates, roomBoards, roomMessages, roomPhotos, sessionChatReads, sessionRatings, sessionTogether, tutoringSessions } from './rooms.schema';
import { bookingsByIds } from '../scheduling';

export type SessionRatingRow = typeof sessionRatings.$inferSelect;
export type SessionRow = typeof tutoringSessions.$inferSelect;
export type MessageRow = typeof roomMessages.$inferSelect & { photo: typeof roomPhotos.$inferSelect | null };
export type RoomPhotoRow = typeof roomPhotos.$inferSelect;

/** The partial unique index that keeps a tutor to one open instant-help session. */
const OPEN_INSTANT_SESSION_KEY = 'tutoring_sessions_tutor_open_instant_key';

/** Whether an error is the database refusing a second open instant session for the same tutor (pg and PGlite). */
export function isOpenSessionConflict(err: unknown): boolean {
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    const { code, constraint } = e as { code?: string; constraint?: string };
    if (code === '23505' && constraint === OPEN_INSTANT_SESSION_KEY) return true;
  }
  return false;
}

/** A session's last call event, as a column of a select from tutoring_sessions (qualified: a bare "id" would be the event's). */
const lastActivityOf = () => sql<Date | null>`(select max(e.at) from ${callEvents} e where e.session_id = "tutoring_sessions"."id")`.mapWith(callEvents.at);

export function createRoomsRepo(db: Db) {
  /** Both parties' display names, read in one batch through identity's index. */
  async function namesOf(sessions: { studentId: string; tutorId: string }[]) {
    const names = new Map((await accountsByIds(db, sessions.flatMap((s) => [s.studentId, s.tutorId]))).map((a) => [a.id, a.displayName]));
    return (s: { studentId: string; tutorId: string }) => ({ studentName: names.get(s.studentId)!, tutorName: names.get(s.tutorId)! });
  }

  return {
    /** Creates the session for a claim; a repeat for the same question returns the existing one. */
    async createForQuestion(tx: Tx, values: { studentId: string; tutorId: string; questionId: string; startedAt: Date }): Promise<SessionRow> {
      const [row] = await tx
        .insert(tutoringSessions)
        .values({ kind: 'instant', ...values })
        .onConflictDoNothing({ target: tutoringSessions.questionId })
        .returning();
      if (row) return row;
      const [existing] = await tx.select().from(tutoringSessions).where(eq(tutoringSessions.questionId, values.questionId)).limit(1);
      return existing!;
    },

    /** Creates a booked lesson's session; a repeat (or the other party at the same moment) gets the existing one. */
    async createForBooking(values: { studentId: string; tutorId: string; bookingId: string; startedAt: Date }): Promise<{ row: SessionRow; created: boolean }> {
      const [row] = await db
        .insert(tutoringSessions)
        .values({ kind: 'booking', ...values })
        .onConflictDoNothing({ target: tutoringSessions.bookingId })
        .returning();
      if (row) return { row, created: true };
      const [existing] = await db.select().from(tutoringSessions).where(eq(tutoringSessions.bookingId, values.bookingId)).limit(1);
      return { row: existing!, created: false };
    },
    async findByBooking(bookingId: string) {
      const [row] = await db.select().from(tutoringSessions).where(eq(tutoringSessions.bookingId, bookingId)).limit(1);
      return row;
    },
    /** Each user's first 'joined' call event in the session. */
    async firstJoins(sessionId: string): Promise<Map<string, Date>> {
      const rows = await db
        .select({ userId: callEvents.userId, at: sql<Date>`min(${callEvents.at})`.mapWith(callEvents.at) })
        .from(callEvents)
        .where(and(eq(callEvents.sessionId, sessionId), eq(callEvents.type, 'joined')))
        .groupBy(callEvents.userId);
      return new Map(rows.filter((r) => r.userId).map((r) => [r.userId!, r.at]));
    },

    /** Stores a participant's rating of the other; a second rating by the same side returns null (the first stands). */
    async insertRating(values: typeof sessionRatings.$inferInsert): Promise<SessionRatingRow | null> {
      const [row] = await db.insert(sessionRatings).values(values).onConflictDoNothing().returning();
      return row ?? null;
    },
    async ratingBy(sessionId: string, raterId: string): Promise<SessionRatingRow | undefined> {
      const [row] = await db.select().from(sessionRatings).where(and(eq(sessionRatings.sessionId, sessionId), eq(sessionRatings.raterId, raterId))).limit(1);
      return row;
    },

    /** Moves a user's read mark in a session's chat forward (never back); returns the mark now stored. */
    async markChatRead(sessionId: string, userId: string, messageId: number, at: Date): Promise<number> {
      const [row] = await db
        .insert(sessionChatReads)
        .values({ sessionId, userId, lastReadMessageId: messageId, updatedAt: at })
        .onConflictDoUpdate({
          target: [sessionChatReads.sessionId, sessionChatReads.userId],
          set: { lastReadMessageId: sql`greatest(${sessionChatReads.lastReadMessageId}, excluded.last_read_message_id)`, updatedAt: at },
        })
        .returning({ lastReadMessageId: sessionChatReads.lastReadMessageId });
      return row!.lastReadMessageId;
    },
    async chatReadMark(sessionId: string, userId: string): Promise<number | null> {
      const [row] = await db
        .select({ id: sessionChatReads.lastReadMessageId })
        .from(sessionChatReads)
        .where(and(eq(sessionChatReads.sessionId, sessionId), eq(sessionChatReads.userId, userId)))
        .limit(1);
      return row?.id ?? null;
    },

    async find(id: string) {
      const [row] = await db.select().from(tutoringSessions).where(eq(tutoringSessions.id, id)).limit(1);
      return row;
    },

    /** The session with its people's names (identity), its lesson's times (scheduling) and the tutor's help ratings (help), through their index.ts. */
    async findWithPeople(id: string) {
      const [session] = await db.select().from(tutoringSessions).where(eq(tutoringSessions.id, id)).limit(1);
      if (!session) return undefined;
      const [people, [booking], [rating]] = await Promise.all([
        namesOf([session]),
        session.bookingId ? bookingsByIds(db, [session.bookingId]) : Promise.resolve([]),
        helpRatingsOf(db, [session.tutorId]),
      ]);
      return {
        session,
        ...people(session),
        bookingStart: booking?.startsAt ?? null,
        bookingEnd: booking?.endsAt ?? null,
        ratingSum: rating?.ratingSum ?? null,
        ratingCount: rating?.ratingCount ?? null,
      };
    },

    /** Open instant sessions with no call event (and no start) since `before`, in (start, id) order after `after`: the abandoned sweep's candidates. */
    async quietInstantSessions(before: Date, limit: number, after?: { startedAt: Date; id: string }) {
      const lastActivity = lastActivityOf();
      return db
        .select({ session: tutoringSessions, lastActivityAt: lastActivity })
        .from(tutoringSessions)
        .where(
          and(
            eq(tutoringSessions.status, 'active'),
            eq(tutoringSessions.kind, 'instant'),
            lte(tutoringSessions.startedAt, before),
            sql`not exists (select 1 from ${callEvents} e where e.session_id = ${tutoringSessions.id} and e.at > ${before.toISOString()}::timestamptz)`,
            after ? sql`(${tutoringSessions.startedAt}, ${tutoringSessions.id}) > (${after.startedAt.toISOString()}::timestamptz, ${after.id}::uuid)` : undefined,
          ),
        )
        .orderBy(asc(tutoringSessions.startedAt), asc(tutoringSessions.id))
        .limit(limit);
    },

    /** Every open session with its people and last call event, oldest first (the admins' list). */
    async openSessions(limit: number) {
      const rows = await db
        .select({ session: tutoringSessions, lastActivityAt: lastActivityOf() })
        .from(tutoringSessions)
        .where(eq(tutoringSessions.status, 'active'))
        .orderBy(asc(tutoringSessions.startedAt))
        .limit(limit);
      const people = await namesOf(rows.map((r) => r.session));
      return rows.map((r) => ({ session: r.session, ...people(r.session), lastActivityAt: r.lastActivityAt }));
    },

    /** The tutor's open session, if any (a tutor in one is offered no questions). */
    async openSessionOfTutor(tutorId: string) {
      const [row] = await db
        .select({ id: tutoringSessions.id, kind: tutoringSessions.kind, startedAt: tutoringSessions.startedAt })
        .from(tutoringSessions)
        .where(and(eq(tutoringSessions.tutorId, tutorId), eq(tutoringSessions.status, 'active')))
        .orderBy(asc(tutoringSessions.startedAt))
        .limit(1);
      return row;
    },

    async end(id: string, now: Date, tx: Db | Tx = db) {
      const [row] = await tx
        .update(tutoringSessions)
        .set({ status: 'ended', endedAt: now })
        .where(and(eq(tutoringSessions.id, id), eq(tutoringSessions.status, 'active')))
        .returning();
      return row;
    },

    /** Ends an open session for a staff member, with its audit row in the same transaction; undefined when not open. */
    async endByStaff(id: string, now: Date, actor: { id: string; role: string }, reason: string) {
      return db.transaction(async (tx) => {
        const [ended] = await tx
          .update(tutoringSessions)
          .set({ status: 'ended', endedAt: now })
          .where(and(eq(tutoringSessions.id, id), eq(tutoringSessions.status, 'active')))
          .returning();
        if (!ended) return undefined;
        await recordAudit(tx, now, { actor, action: 'session.end', object: { type: 'session', id }, reason, before: { status: 'active' }, after: { status: ended.status, endedAt: now.toISOString() } });
        return ended;
      });
    },

    // ---- chat ----
    async insertPhoto(values: typeof roomPhotos.$inferInsert) {
      const [row] = await db.insert(roomPhotos).values(values).returning();
      return row!;
    },
    async findPhoto(id: string) {
      const [row] = await db.select().from(roomPhotos).where(eq(roomPhotos.id, id)).limit(1);
      return row;
    },
    /** Stores a message once per (session, sender, clientId): a resend gets the first one back. */
    async insertMessage(values: { sessionId: string; senderId: string; clientId: string; body: string | null; photoId: string | null; createdAt: Date }): Promise<{ row: MessageRow; created: boolean }> {
      const [inserted] = await db.insert(roomMessages).values(values).onConflictDoNothing({ target: [roomMessages.sessionId, roomMessages.senderId, roomMessages.clientId] }).returning({ id: roomMessages.id });
      const [row] = await messagesQuery().where(inserted ? eq(roomMessages.id, inserted.id) : and(eq(roomMessages.sessionId, values.sessionId), eq(roomMessages.senderId, values.senderId), eq(roomMessages.clientId, values.clientId)));
      return { row: row!, created: Boolean(inserted) };
    },
    /** Chat after `afterId`, oldest first: the most recent `limit` of them. */
    async messagesAfter(sessionId: string, afterId: number, limit: number): Promise<MessageRow[]> {
      const rows = await messagesQuery()
        .where(and(eq(roomMessages.sessionId, sessionId), gt(roomMessages.id, afterId)))
        .orderBy(sql`${roomMessages.id} desc`)
        .limit(limit);
      return rows.reverse();
    },

    // ---- board ----
    /** The compacted state and the updates appended since, in order. */
    async boardParts(sessionId: string): Promise<{ state: Uint8Array | null; updates: { id: number; update: Uint8Array }[] }> {
      const [board] = await db.select({ state: roomBoards.state }).from(roomBoards).where(eq(roomBoards.sessionId, sessionId)).limit(1);
      const updates = await db
        .select({ id: roomBoardUpdates.id, update: roomBoardUpdates.update })
        .from(roomBoardUpdates)
        .where(eq(roomBoardUpdates.sessionId, sessionId))
        .orderBy(asc(roomBoardUpdates.id));
      return { state: board?.state ?? null, updates };
    },
    async appendBoardUpdate(sessionId: string, update: Uint8Array, at: Date): Promise<number> {
      const [row] = await db.insert(roomBoardUpdates).values({ sessionId, update, createdAt: at }).returning({ id: roomBoardUpdates.id });
      return row!.id;
    },
    /**
     * Folds the updates up to `uptoId` into the stored state. The board row is locked first, so two compactions of one
     * board run one after the other; each re-reads what is there under the lock.
     */
    async compactBoard(sessionId: string, merge: (parts: Uint8Array[]) => Uint8Array, empty: Uint8Array, at: Date) {
      await db.transaction(async (tx) => {
        await tx.insert(roomBoards).values({ sessionId, state: empty, updatedAt: at }).onConflictDoNothing();
        const [board] = await tx.select({ state: roomBoards.state }).from(roomBoards).where(eq(roomBoards.sessionId, sessionId)).for('update');
        const updates = await tx.select({ id: roomBoardUpdates.id, update: roomBoardUpdates.update }).from(roomBoardUpdates).where(eq(roomBoardUpdates.sessionId, sessionId)).orderBy(asc(roomBoardUpdates.id));
        if (!updates.length) return;
        const last = updates.at(-1)!.id;
        await tx.update(roomBoards).set({ state: merge([board!.state, ...updates.map((u) => u.update)]), updatedAt: at }).where(eq(roomBoards.sessionId, sessionId));
        await tx.delete(roomBoardUpdates).where(and(eq(roomBoardUpdates.sessionId, sessionId), lte(roomBoardUpdates.id, last)));
      });
    },

    // ---- call events and time together ----
    async addEvent(values: { sessionId: string; userId: string | null; type: string; at: Date; data?: Record<string, unknown> }) {
      await db.insert(callEvents).values({ ...values, data: values.data ?? {} });
    },
    async events(sessionId: string) {
      return db.select().from(callEvents).where(eq(callEvents.sessionId, sessionId)).orderBy(asc(callEvents.at), asc(callEvents.id));
    },
    /** Opens the session's "both in the room" interval unless one is open (a partial unique index keeps it to one). */
    async openTogether(sessionId: string, at: Date): Promise<boolean> {
      const rows = await db.insert(sessionTogether).values({ sessionId, startedAt: at }).onConflictDoNothing().returning({ id: sessionTogether.id });
      return rows.length > 0;
    },
    async closeTogether(sessionId: string, at: Date, tx: Db | Tx = db): Promise<boolean> {
      const rows = await tx
        .update(sessionTogether)
        .set({ endedAt: sql`greatest(${sessionTogether.startedAt}, ${at.toISOString()}::timestamptz)` })
        .where(and(eq(sessionTogether.sessionId, sessionId), isNull(sessionTogether.endedAt)))
        .returning({ id: sessionTogether.id });
      return rows.length > 0;
    },
    /** Seconds both participants were in the room; an open interval counts up to `now`. */
    async togetherSeconds(sessionId: string, now: Date): Promise<number> {
      const [row] = await db
        .select({
          s: sql<number>`coalesce(sum(extract(epoch from (coalesce(${sessionTogether.endedAt}, greatest(${sessionTogether.startedAt}, ${now.toISOString()}::timestamptz)) - ${sessionTogether.startedAt}))), 0)::float8`,
        })
        .from(sessionTogether)
        .where(eq(sessionTogether.sessionId, sessionId));
      return Math.floor(Number(row?.s ?? 0));
    },
  };

  function messagesQuery() {
    return db
      .select({
        id: roomMessages.id,
        sessionId: roomMessages.sessionId,
        senderId: roomMessages.senderId,
        clientId: roomMessages.clientId,
        body: roomMessages.body,
        photoId: roomMessages.photoId,
        createdAt: roomMessages.createdAt,
        photo: roomPhotos,
      })
      .from(roomMessages)
      .leftJoin(roomPhotos, eq(roomPhotos.id, roomMessages.photoId))
      .$dynamic();
  }
}
export type RoomsRepo = ReturnType<typeof createRoomsRepo>;
