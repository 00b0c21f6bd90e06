import { index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** recordings: the tables this module owns. Only this module's *.repo.ts queries them. */

/** One converted WebM per recorded participant (feed), relative to the recording's folder. */
export interface RecordingFile {
  feed: number;
  file: string;
  bytes: number;
  durationMs: number;
}

/**
 * A class recording (issue #15): Janus writes `.mjr` files into `<root>/<id>/raw` while it runs, the convert job turns
 * them into `<root>/<id>/feed-<feed>.webm`, and the retention sweep deletes the row and the folder after delete_after.
 */
export const recordings = pgTable(
  'recordings',
  {
    id: uuid('id').primaryKey(),
    /** What was recorded, in the caller's words (the class's id); opaque to this module. */
    roomRef: text('room_ref').notNull(),
    /** The Janus room it ran in. */
    sfuRoom: text('sfu_room').notNull(),
    /** Who may watch it besides admins, until the classroom provides its own check. */
    ownerId: uuid('owner_id').notNull(),
    status: text('status', { enum: ['recording', 'converting', 'ready', 'failed'] }).notNull(),
    files: jsonb('files').$type<RecordingFile[]>().notNull().default([]),
    durationMs: integer('duration_ms'),
    /** Why the conversion failed, in words an operator can act on. */
    error: text('error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    stoppedAt: timestamp('stopped_at', { withTimezone: true }),
    deleteAfter: timestamp('delete_after', { withTimezone: true }).notNull(),
  },
  (t) => [index('recordings_delete_after_idx').on(t.deleteAfter), index('recordings_room_ref_idx').on(t.roomRef)],
);
