import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import { sessionRecordings } from './sessionrec.schema';

export type SessionRecordingRow = typeof sessionRecordings.$inferSelect;
type OpenStatus = 'asked' | 'starting' | 'recording';
type ClosedStatus = 'refused' | 'expired' | 'withdrawn' | 'failed' | 'stopped';
const open: OpenStatus[] = ['asked', 'starting', 'recording'];

/** The partial unique index that keeps one open question per session. */
const OPEN_KEY = 'session_recordings_open_key';
function isOpenConflict(err: unknown): boolean {
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    const { code, constraint } = e as { code?: string; constraint?: string };
    if (code === '23505' && constraint === OPEN_KEY) return true;
  }
  return false;
}

export function createSessionRecRepo(db: Db) {
  return {
    /** The session's open question (asked, starting or recording), if any. */
    async openOf(sessionId: string): Promise<SessionRecordingRow | null> {
      const [row] = await db.select().from(sessionRecordings).where(and(eq(sessionRecordings.sessionId, sessionId), inArray(sessionRecordings.status, open)));
      return row ?? null;
    },
    /** A new question; false when the session already has an open one (the database decides between two at once). */
    async insertAsked(values: { id: string; sessionId: string; askedBy: string; askedAt: Date; expiresAt: Date }): Promise<boolean> {
      try {
        await db.insert(sessionRecordings).values({ ...values, status: 'asked' });
        return true;
      } catch (err) {
        if (isOpenConflict(err)) return false;
        throw err;
      }
    },
    /** Moves a question from one status to another; false when it was no longer in `from` (someone else moved it). */
    async move(id: string, from: OpenStatus, set: { status: OpenStatus | ClosedStatus; answeredBy?: string; answeredAt?: Date; recordingId?: string; since?: Date; endedAt?: Date; endedBy?: string | null; endReason?: string }): Promise<boolean> {
      const rows = await db.update(sessionRecordings).set(set).where(and(eq(sessionRecordings.id, id), eq(sessionRecordings.status, from))).returning({ id: sessionRecordings.id });
      return rows.length > 0;
    },
    async historyOf(sessionId: string): Promise<SessionRecordingRow[]> {
      return db.select().from(sessionRecordings).where(eq(sessionRecordings.sessionId, sessionId)).orderBy(desc(sessionRecordings.askedAt)).limit(100);
    },
  };
}
export type SessionRecRepo = ReturnType<typeof createSessionRecRepo>;
