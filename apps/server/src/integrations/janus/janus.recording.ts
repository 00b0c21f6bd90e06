import type { Logger } from '../../platform/logger';
import { fail, ok } from '../../platform/result';
import type { SfuResult } from './sfu';

/** What the recording side needs to know of a videoroom participant (janus.sfu.ts keeps the rest). */
export interface RecordingPeer {
  room: number;
  role: 'publisher' | 'subscriber' | 'monitor';
  feed: number | null;
  /** Publishing (a configure with an offer succeeded), and kept out of recordings. */
  published?: boolean;
  excluded?: boolean;
}

export interface RecordingDeps {
  logger: Pick<Logger, 'info'>;
  up: () => boolean;
  peers: () => Iterable<RecordingPeer>;
  /** A `configure` on this publisher's handle. */
  configure: (peer: RecordingPeer, body: Record<string, unknown>) => Promise<SfuResult<unknown>>;
  /** A request on the control handle (used to prove the room secret). */
  control: (body: Record<string, unknown>) => Promise<SfuResult<unknown>>;
}

/**
 * Per-publisher recording of videorooms (decision 049): a room made with a recording folder is recorded between
 * `start` and `stop`, each publishing, not excluded participant with `record: true` and our file name. Room-wide
 * `enable_recording` is never used, so an excluded learner's media never reaches disk.
 */
export class JanusRecordings {
  /** Rooms created with a recording folder, and the name of the recording running in each. */
  private readonly recordable = new Set<number>();
  private readonly recording = new Map<number, { name: string; secret: string }>();

  constructor(private readonly deps: RecordingDeps) {}

  /** The `create` fields of a room that may be recorded: off until the server starts it, and locked to the secret. */
  createFields(recordDir: string | undefined): Record<string, unknown> {
    return recordDir ? { record: false, rec_dir: recordDir, lock_record: true } : {};
  }

  roomCreated(room: number, recordDir: string | undefined): void {
    if (recordDir) this.recordable.add(room);
  }

  forgetRoom(room: number): void {
    this.recordable.delete(room);
    this.recording.delete(room);
  }

  clear(): void {
    this.recordable.clear();
    this.recording.clear();
  }

  /** What a publisher's configure says about recording while its room records: on with our file name, or off. */
  fields(p: RecordingPeer): Record<string, unknown> {
    const rec = this.recording.get(p.room);
    if (!rec || p.feed === null) return {};
    return p.excluded ? { record: false, secret: rec.secret } : { record: true, filename: `${rec.name}-feed-${p.feed}`, secret: rec.secret };
  }

  /** Every publisher of the room to what `fields` says; off needs the secret too, or lock_record ignores it silently. */
  private async reconfigure(room: number, secret: string): Promise<SfuResult<void>> {
    for (const p of this.deps.peers()) {
      if (p.room !== room || p.role !== 'publisher' || !p.published) continue;
      const fields = this.fields(p);
      const r = await this.deps.configure(p, { request: 'configure', ...(Object.keys(fields).length ? fields : { record: false, secret }) });
      if (!r.ok) return r;
    }
    return ok(undefined);
  }

  async start(room: number, secret: string, name: string): Promise<SfuResult<void>> {
    if (!this.deps.up()) return fail('sfu_down');
    if (!this.recordable.has(room)) return fail('not_recordable');
    if (this.recording.has(room)) return fail('refused', { code: 0, message: 'this room is already being recorded' });
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) return fail('refused', { code: 0, message: 'a recording name is letters, digits, _ and - only' });
    // The room secret proves the caller may change recording (lock_record): a wrong one changes nothing.
    const checked = await this.deps.control({ request: 'edit', room, secret });
    if (!checked.ok) return checked;
    this.recording.set(room, { name, secret });
    const r = await this.reconfigure(room, secret);
    this.deps.logger.info({ event: 'sfu_recording_started', room, name, ok: r.ok }, 'SFU room recording started');
    return r;
  }

  async stop(room: number, secret: string): Promise<SfuResult<void>> {
    const rec = this.recording.get(room);
    if (!rec) return this.recordable.has(room) ? ok(undefined) : fail('not_recordable');
    if (rec.secret !== secret) return fail('unauthorized');
    this.recording.delete(room);
    const r = await this.reconfigure(room, secret);
    this.deps.logger.info({ event: 'sfu_recording_stopped', room, name: rec.name, ok: r.ok }, 'SFU room recording stopped');
    return r;
  }

  async exclude(p: RecordingPeer, excluded: boolean): Promise<SfuResult<void>> {
    p.excluded = excluded;
    this.deps.logger.info({ event: 'sfu_recording_exclusion', room: p.room, feed: p.feed, excluded }, 'SFU publisher recording exclusion changed');
    if (!this.recording.has(p.room) || !p.published) return ok(undefined);
    const r = await this.deps.configure(p, { request: 'configure', ...this.fields(p) });
    return r.ok ? ok(undefined) : r;
  }
}
