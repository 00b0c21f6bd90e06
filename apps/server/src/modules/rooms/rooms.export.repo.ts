import { asc, eq, inArray, or } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import type { UserExportSource } from '../../platform/user-export';
import { callEvents, roomBoards, roomMessages, roomPhotos, sessionRatings, tutoringSessions } from './rooms.schema';

/**
 * rooms' share of a user's export (#20): the sessions they took part in, the chat of those sessions (both sides: it is
 * the conversation they had), their own call events, the photos they sent, and each session's board (Yjs state).
 */
export function createRoomsExport(db: Db): UserExportSource {
  return {
    module: 'rooms',
    async exportFor(userId) {
      const sessions = await db
        .select()
        .from(tutoringSessions)
        .where(or(eq(tutoringSessions.studentId, userId), eq(tutoringSessions.tutorId, userId)))
        .orderBy(asc(tutoringSessions.startedAt));
      const ids = sessions.map((s) => s.id);
      if (!ids.length) return { json: { sessions: [], chat: [], call_events: [] }, files: [] };
      const [messages, events, photos, boards, ratings] = await Promise.all([
        db.select().from(roomMessages).where(inArray(roomMessages.sessionId, ids)).orderBy(asc(roomMessages.id)),
        db.select().from(callEvents).where(eq(callEvents.userId, userId)).orderBy(asc(callEvents.id)),
        db.select().from(roomPhotos).where(eq(roomPhotos.ownerId, userId)),
        db.select({ sessionId: roomBoards.sessionId, updatedAt: roomBoards.updatedAt }).from(roomBoards).where(inArray(roomBoards.sessionId, ids)),
        db.select().from(sessionRatings).where(inArray(sessionRatings.sessionId, ids)),
      ]);
      const json = {
        sessions: sessions.map((s) => ({
          id: s.id,
          kind: s.kind,
          status: s.status,
          role: s.studentId === userId ? 'student' : 'tutor',
          studentId: s.studentId,
          tutorId: s.tutorId,
          questionId: s.questionId,
          bookingId: s.bookingId,
          startedAt: s.startedAt,
          endedAt: s.endedAt,
          ratings: ratings.filter((r) => r.sessionId === s.id).map((r) => ({ raterRole: r.raterRole, stars: r.stars, comment: r.comment, createdAt: r.createdAt })),
          board: boards.some((b) => b.sessionId === s.id) ? `boards/${s.id}.yjs` : null,
        })),
        chat: messages.map((m) => ({ sessionId: m.sessionId, fromMe: m.senderId === userId, senderId: m.senderId, body: m.body, photo: m.photoId, createdAt: m.createdAt })),
        call_events: events.map((e) => ({ sessionId: e.sessionId, type: e.type, at: e.at, data: e.data })),
      };
      const files = photos.map((p) => ({ name: `photos/chat/${p.id}${/\.[a-z0-9]+$/.exec(p.storageKey)?.[0] ?? ''}`, key: p.storageKey }));
      return { json, files, blobs: boards.map((b) => ({ name: `boards/${b.sessionId}.yjs`, load: () => boardState(db, b.sessionId) })) };
    },
  };
}

async function boardState(db: Db, sessionId: string): Promise<Buffer> {
  const [row] = await db.select({ state: roomBoards.state }).from(roomBoards).where(eq(roomBoards.sessionId, sessionId));
  return Buffer.from(row?.state ?? new Uint8Array());
}
