import { sql } from 'drizzle-orm';
import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../identity/identity.schema';
import { tutoringSessions } from '../rooms/rooms.schema';

/** sessionrec: the tables this module owns. Only this module's *.repo.ts queries them. */

/**
 * One question to record a 1:1 session and what became of it (decision 056): who asked, who answered and when, the
 * recording it started, and who stopped it. The consent record a guardian or an operator can be shown; at most one
 * question per session is open (asked, starting or recording), which settles two agreements or two questions at once.
 */
export const sessionRecordings = pgTable(
  'session_recordings',
  {
    id: uuid('id').primaryKey(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => tutoringSessions.id),
    askedBy: uuid('asked_by')
      .notNull()
      .references(() => users.id),
    askedAt: timestamp('asked_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    status: text('status', { enum: ['asked', 'starting', 'recording', 'refused', 'expired', 'withdrawn', 'failed', 'stopped'] }).notNull(),
    answeredBy: uuid('answered_by').references(() => users.id),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    /** The recordings module's id (opaque here). */
    recordingId: uuid('recording_id'),
    since: timestamp('since', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    endedBy: uuid('ended_by').references(() => users.id),
    /** Why it ended: refused, expired, withdrawn, stopped, session_ended, media_unavailable… */
    endReason: text('end_reason'),
  },
  (t) => [
    uniqueIndex('session_recordings_open_key').on(t.sessionId).where(sql`status in ('asked', 'starting', 'recording')`),
    index('session_recordings_session_idx').on(t.sessionId, t.askedAt),
  ],
);
