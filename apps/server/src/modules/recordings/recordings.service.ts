import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Sfu, SfuFail } from '../../integrations/janus';
import type { Clock } from '../../platform/clock';
import { defineJob } from '../../platform/jobs';
import type { Logger } from '../../platform/logger';
import { fail, ok, type Fail, type Result } from '../../platform/result';
import { noneRemoved, type RetentionCount, type RetentionCut } from '../../platform/retention';
import { type ConvertTools, convertRecording } from './recordings.convert';
import type { RecordingRow, RecordingsRepo } from './recordings.repo';

/** Converts a stopped recording's `.mjr` files into one WebM per participant (decision 049). */
export const CONVERT_QUEUE = defineJob('recordings.convert', z.object({ recordingId: z.uuid() }));

/** Who may watch a recording; the classroom provides its own (enrolled learners) through `authorize`. */
export interface Viewer {
  id: string;
  role: string;
}
/** Whether a viewer may watch a recording of `roomRef` (ownerId: the recording's owner; null when listing a room's). */
export type Authorize = (viewer: Viewer, recording: { roomRef: string; ownerId: string | null }) => Promise<boolean>;
const ownerOrAdmin: Authorize = async (viewer, rec) => viewer.role === 'admin' || viewer.id === rec.ownerId;

export interface RecordingsDeps {
  repo: RecordingsRepo;
  clock: Clock;
  logger: Logger;
  sfu: Pick<Sfu, 'startRecording' | 'stopRecording'>;
  /** Root folder: `<root>/raw/<sfu room>` is where Janus writes, `<root>/<id>` a converted recording. */
  root: string;
  retentionMs: number;
  tools: ConvertTools;
  authorize?: Authorize;
}

export type StartFail = SfuFail;
export type StopFail = Fail<'not_found'> | Fail<'not_recording'> | SfuFail;
/** A viewer who may not watch gets `not_found`: whether a recording exists is not theirs to know. */
export type OpenFail = Fail<'not_found'> | Fail<'not_ready'>;

/** What a safety hold names for a recording: a 1:1 session's id (room_ref `session:<id>`), else the class's id. */
const heldScopeOf = (rec: Pick<RecordingRow, 'roomRef'>) => (rec.roomRef.startsWith('session:') ? rec.roomRef.slice('session:'.length) : rec.roomRef);

const mjrOf = (id: string) => (f: string) => f.startsWith(`${id}-feed-`) && f.endsWith('.mjr');

export function createRecordingsService(deps: RecordingsDeps) {
  const { repo, clock, logger, sfu, root, tools } = deps;
  const authorize = deps.authorize ?? ownerOrAdmin;
  const rawDir = (sfuRoom: number | string) => path.join(root, 'raw', String(sfuRoom));
  const outDir = (id: string) => path.join(root, id);

  async function removeRaw(rec: Pick<RecordingRow, 'id' | 'sfuRoom'>): Promise<void> {
    const dir = rawDir(rec.sfuRoom);
    for (const f of (await fs.readdir(dir).catch(() => [] as string[])).filter(mjrOf(rec.id))) await fs.rm(path.join(dir, f), { force: true });
  }

  return {
    /** The folder to create the SFU room with (`recordDir`), so that its recordings land where this module looks. */
    recordDirFor(sfuRoom: number): string {
      return rawDir(sfuRoom);
    },

    /** Starts recording a room; the row exists only if Janus started. */
    async start(req: { roomRef: string; sfuRoom: number; secret: string; ownerId: string }): Promise<Result<RecordingRow, StartFail>> {
      const now = clock.now();
      const id = randomUUID();
      await fs.mkdir(rawDir(req.sfuRoom), { recursive: true });
      const row = await repo.insert({ id, roomRef: req.roomRef, sfuRoom: String(req.sfuRoom), ownerId: req.ownerId, status: 'recording', createdAt: now, deleteAfter: new Date(now.getTime() + deps.retentionMs) });
      const started = await sfu.startRecording(req.sfuRoom, req.secret, id);
      if (!started.ok) {
        await repo.remove(id);
        await removeRaw(row);
        logger.warn({ event: 'recording_start_refused', roomRef: req.roomRef, sfuRoom: req.sfuRoom, reason: started.reason }, 'recording could not start');
        return started;
      }
      logger.info({ event: 'recording_started', recordingId: id, roomRef: req.roomRef, sfuRoom: req.sfuRoom }, 'recording started');
      return ok(row);
    },

    /** Stops Janus recording and queues the conversion (with the status change, in one transaction). */
    async stop(id: string, secret: string): Promise<Result<void, StopFail>> {
      const rec = await repo.byId(id);
      if (!rec) return fail('not_found');
      if (rec.status !== 'recording') return fail('not_recording');
      const stopped = await sfu.stopRecording(Number(rec.sfuRoom), secret);
      // A Janus that went down (or restarted and forgot the room) has closed its files already: convert what it wrote.
      if (!stopped.ok && stopped.reason !== 'sfu_down' && stopped.reason !== 'not_recordable') return stopped;
      const now = clock.now();
      const changed = await repo.transaction(async (tx) => {
        if (!(await repo.markStopped(tx, id, now))) return false;
        await CONVERT_QUEUE.enqueue(tx, { recordingId: id }, { now, dedupeKey: `${CONVERT_QUEUE.queue}:${id}`, maxAttempts: 3 });
        return true;
      });
      if (!changed) return fail('not_recording');
      logger.info({ event: 'recording_stopped', recordingId: id, sfuDown: !stopped.ok }, 'recording stopped; conversion queued');
      return ok(undefined);
    },

    /** The convert job: one WebM per participant, then the `.mjr` files go; a failure is kept on the row with its reason. */
    async convert(id: string): Promise<RecordingRow['status'] | null> {
      const rec = await repo.byId(id);
      if (!rec || rec.status !== 'converting') return rec?.status ?? null;
      const r = await convertRecording({ rawDir: rawDir(rec.sfuRoom), name: id, outDir: outDir(id), tools });
      if (!r.ok) {
        const error = r.reason === 'nothing_recorded' ? 'nothing was recorded (no participant in the recording published media)' : r.detail.message;
        await repo.markFailed(id, error);
        logger.error({ event: 'recording_convert_failed', recordingId: id, reason: r.reason, error }, 'recording conversion failed');
        return 'failed';
      }
      const files = r.value.map(({ feed, file, bytes, durationMs }) => ({ feed, file, bytes, durationMs }));
      const durationMs = Math.max(...files.map((f) => f.durationMs));
      await repo.markReady(id, files, durationMs);
      await removeRaw(rec);
      logger.info({ event: 'recording_ready', recordingId: id, files: files.length, durationMs }, 'recording converted');
      return 'ready';
    },

    /** Deletes a recording: its files first, then its row. */
    async remove(id: string, why: 'retention' | 'deleted'): Promise<boolean> {
      const rec = await repo.byId(id);
      if (!rec) return false;
      await fs.rm(outDir(id), { recursive: true, force: true });
      await removeRaw(rec);
      await repo.remove(id);
      logger.info({ event: 'recording_deleted', recordingId: id, roomRef: rec.roomRef, why }, 'recording deleted with its files');
      return true;
    },

    /**
     * Retention (issue #20, decision 073), called by the daily retention job: deletes recordings (files, then rows)
     * made before `cut.before` or past their own delete_after, except those of a session or class under a hold.
     */
    async retention(cut: RetentionCut): Promise<RetentionCount> {
      const total = noneRemoved();
      let after: string | undefined;
      for (;;) {
        const page = await repo.expired({ now: cut.now, before: cut.before }, after, 100);
        if (!page.length) break;
        const held = await cut.held(page.map(heldScopeOf));
        for (const rec of page) {
          if (held.has(heldScopeOf(rec))) total.held++;
          else if (await this.remove(rec.id, 'retention')) {
            total.rows++;
            total.files += rec.files.length;
            total.bytes += rec.files.reduce((sum, f) => sum + f.bytes, 0);
          }
        }
        if (page.length < 100) break;
        after = page.at(-1)!.id;
      }
      return total;
    },

    get(id: string): Promise<RecordingRow | null> {
      return repo.byId(id);
    },
    /** One recording for a viewer who may watch it; null otherwise (not found, or not theirs). */
    async view(viewer: Viewer, id: string): Promise<RecordingRow | null> {
      const rec = await repo.byId(id);
      return rec && (await authorize(viewer, rec)) ? rec : null;
    },
    /** A room's recordings, newest first, for a viewer who may watch them; null when they may not. */
    async listFor(viewer: Viewer, roomRef: string): Promise<RecordingRow[] | null> {
      if (!(await authorize(viewer, { roomRef, ownerId: null }))) return null;
      return repo.byRoomRef(roomRef);
    },

    /** A participant's converted file, for a viewer the classroom (or the owner/admin default) allows. */
    async open(viewer: Viewer, id: string, feed: number): Promise<Result<{ path: string; bytes: number }, OpenFail>> {
      const rec = await repo.byId(id);
      if (!rec) return fail('not_found');
      if (!(await authorize(viewer, rec))) return fail('not_found');
      if (rec.status !== 'ready') return fail('not_ready');
      const f = rec.files.find((x) => x.feed === feed);
      if (!f) return fail('not_found');
      const p = path.join(outDir(id), f.file);
      const st = await fs.stat(p).catch(() => null);
      return st ? ok({ path: p, bytes: st.size }) : fail('not_found');
    },
  };
}
export type RecordingsService = ReturnType<typeof createRecordingsService>;
