import { randomUUID } from 'node:crypto';
import { roomOf, SESSION_REC_LIMITS, type SessionRecRefusalCode, type SessionRecState } from '@tutorline/contracts';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import type { Io } from '../../platform/realtime';
import type { SessionRecordingRow, SessionRecRepo } from './sessionrec.repo';
import { type RecEvent, type RecState, transition } from './sessionrec.rules';
import type { SessionMedia } from './sessionrec.media';

/** The recordings module as a 1:1 session uses it (decision 049's start/stop, the session as its room_ref). */
export interface SessionRecorder {
  start(req: { roomRef: string; sfuRoom: number; secret: string; ownerId: string }): Promise<{ ok: true; value: { id: string } } | { ok: false; reason: string }>;
  stop(id: string, secret: string): Promise<{ ok: true } | { ok: false; reason: string }>;
}
/** The session's two participants and status (the rooms module's `roomSession`). */
export type SessionPeople = (sessionId: string) => Promise<{ studentId: string; tutorId: string; status: 'active' | 'ended' } | undefined>;

export interface SessionRecDeps {
  repo: SessionRecRepo;
  media: SessionMedia;
  recorder: SessionRecorder;
  people: SessionPeople;
  /** Who of these may not be recorded (identity's guardian-consent rule, as for classes). */
  leftOut: (ids: string[], now: Date) => Promise<Set<string>>;
  clock: Clock;
  logger: Logger;
  io: Io;
  /** Whether the media server is up (`fastify.sfu.status`). */
  mediaUp: () => boolean;
  askTtlMs?: number;
}

export type RecResult = { ok: true; value: SessionRecState } | { ok: false; reason: SessionRecRefusalCode };
const no = (reason: SessionRecRefusalCode): RecResult => ({ ok: false, reason });
/** What the recordings module keeps as a 1:1 session recording's room_ref. */
export const sessionRoomRef = (sessionId: string) => `session:${sessionId}`;

const ruleState = (row: SessionRecordingRow | null): RecState => {
  if (!row) return { status: 'off' };
  if (row.status === 'asked') return { status: 'asked', askedBy: row.askedBy, expiresAt: row.expiresAt };
  if (row.status === 'starting') return { status: 'starting', askedBy: row.askedBy };
  return { status: 'recording', since: row.since! };
};

/** Asking, answering and stopping a 1:1 session's recording (decision 056); the media lives in sessionrec.media.ts. */
export function createSessionRec(deps: SessionRecDeps) {
  const { repo, media, recorder, clock, logger, io } = deps;
  const ttl = deps.askTtlMs ?? SESSION_REC_LIMITS.askTtlMs;
  const timers = new Map<string, ReturnType<typeof setTimeout>>();

  function view(sessionId: string, row: SessionRecordingRow | null): SessionRecState {
    const sfu = media.get(sessionId) !== null;
    if (row?.status === 'asked') return { status: 'asked', askedBy: row.askedBy, expiresAt: row.expiresAt.toISOString(), sfu };
    if (row?.status === 'starting') return { status: 'starting', sfu };
    if (row?.status === 'recording') return { status: 'recording', since: row.since!.toISOString(), recordingId: row.recordingId!, sfu: true };
    return { status: 'off', sfu };
  }
  async function tell(sessionId: string): Promise<SessionRecState> {
    const recording = view(sessionId, await repo.openOf(sessionId));
    io.to(roomOf(sessionId)).emit('room:rec', { sessionId, recording });
    return recording;
  }
  function clearTimer(sessionId: string) {
    const t = timers.get(sessionId);
    if (t) clearTimeout(t);
    timers.delete(sessionId);
  }

  /** A participant of an active session, or why not. */
  async function participant(userId: string, sessionId: string): Promise<{ ok: true; people: [string, string] } | { ok: false; reason: SessionRecRefusalCode }> {
    const p = await deps.people(sessionId);
    if (!p || (p.studentId !== userId && p.tutorId !== userId)) return { ok: false, reason: 'not_found' };
    if (p.status !== 'active') return { ok: false, reason: 'session_ended' };
    return { ok: true, people: [p.studentId, p.tutorId] };
  }
  async function recordable(people: [string, string], sessionId: string): Promise<boolean> {
    const out = await deps.leftOut(people, clock.now());
    if (out.size) logger.info({ event: 'session_recording_not_recordable', sessionId, leftOut: [...out] }, 'a learner without guardian consent: no recording');
    return out.size === 0;
  }

  /** Runs one event on the open question; a lapsed question is closed first. */
  async function step(sessionId: string, event: RecEvent) {
    const row = await repo.openOf(sessionId);
    const now = clock.now();
    return { row, now, t: transition(ruleState(row), event, now, ttl) };
  }

  async function stopRecording(sessionId: string, row: SessionRecordingRow, endedBy: string | null, endReason: string) {
    const r = media.get(sessionId);
    const stopped = await recorder.stop(row.recordingId!, r?.secret ?? '');
    if (!stopped.ok && stopped.reason !== 'not_recording' && stopped.reason !== 'not_found') logger.warn({ event: 'session_recording_stop_refused', sessionId, reason: stopped.reason }, 'the recording did not stop at the media server');
    await repo.move(row.id, 'recording', { status: 'stopped', endedAt: clock.now(), endedBy, endReason });
    logger.info({ event: 'session_recording_stopped', sessionId, recordingId: row.recordingId, by: endedBy, why: endReason }, 'a 1:1 recording stopped; conversion queued');
  }

  const service = {
    async state(userId: string, sessionId: string): Promise<RecResult> {
      const p = await participant(userId, sessionId);
      if (!p.ok && p.reason !== 'session_ended') return p;
      return { ok: true, value: view(sessionId, await repo.openOf(sessionId)) };
    },

    async ask(userId: string, sessionId: string): Promise<RecResult> {
      const p = await participant(userId, sessionId);
      if (!p.ok) return p;
      if (!media.get(sessionId) && !deps.mediaUp()) return no('media_unavailable');
      if (!(await recordable(p.people, sessionId))) return no('not_recordable');
      const { row, now, t } = await step(sessionId, { type: 'ask', by: userId });
      if (!t.ok) return no(t.reason);
      if (row) await repo.move(row.id, 'asked', { status: 'expired', endedAt: now, endReason: 'expired' });
      if (!(await repo.insertAsked({ id: randomUUID(), sessionId, askedBy: userId, askedAt: now, expiresAt: new Date(now.getTime() + ttl) }))) return no('already_asked');
      logger.info({ event: 'session_recording_asked', sessionId, by: userId }, 'a participant asked to record the session');
      clearTimer(sessionId);
      const timer = setTimeout(() => void service.expire(sessionId).catch((err: unknown) => logger.error({ err, sessionId }, 'recording question expiry failed')), ttl + 50);
      timer.unref?.();
      timers.set(sessionId, timer);
      return { ok: true, value: await tell(sessionId) };
    },

    async answer(userId: string, sessionId: string, agree: boolean): Promise<RecResult> {
      const p = await participant(userId, sessionId);
      if (!p.ok) return p;
      const { row, now, t } = await step(sessionId, { type: agree ? 'agree' : 'refuse', by: userId });
      if (!t.ok) return no(t.reason);
      if (!row) return no('nothing_asked');
      if (t.effect === 'expired' || t.effect === 'refused') {
        clearTimer(sessionId);
        await repo.move(row.id, 'asked', { status: t.effect, answeredBy: userId, answeredAt: now, endedAt: now, endReason: t.effect });
        logger.info({ event: `session_recording_${t.effect}`, sessionId, by: userId }, t.effect === 'refused' ? 'the other participant refused recording' : 'the question to record lapsed');
        const state = await tell(sessionId);
        return t.effect === 'expired' ? no('nothing_asked') : { ok: true, value: state };
      }
      // Both agree: one agreement moves the question (a second at once, on any node, finds it moved).
      if (!(await repo.move(row.id, 'asked', { status: 'starting', answeredBy: userId, answeredAt: now }))) return no('busy');
      clearTimer(sessionId);
      logger.info({ event: 'session_recording_agreed', sessionId, askedBy: row.askedBy, agreedBy: userId }, 'both participants agreed to record');
      const failed = async (reason: SessionRecRefusalCode) => {
        await repo.move(row.id, 'starting', { status: 'failed', endedAt: clock.now(), endReason: reason });
        logger.warn({ event: 'session_recording_failed', sessionId, reason }, 'the session could not be recorded');
        await tell(sessionId);
        return no(reason);
      };
      if (!(await recordable(p.people, sessionId))) return failed('not_recordable');
      const room = await media.open(sessionId, p.people);
      if (!room.ok) return failed(room.reason === 'media_unavailable' ? 'media_unavailable' : 'media_refused');
      const started = await recorder.start({ roomRef: sessionRoomRef(sessionId), sfuRoom: room.value.room, secret: room.value.secret, ownerId: row.askedBy });
      if (!started.ok) return failed('media_unavailable');
      await repo.move(row.id, 'starting', { status: 'recording', recordingId: started.value.id, since: clock.now() });
      logger.info({ event: 'session_recording_started', sessionId, recordingId: started.value.id, sfuRoom: room.value.room }, 'a 1:1 session is recorded through the media server');
      return { ok: true, value: await tell(sessionId) };
    },

    /** Either participant stops a recording (withdrawing consent); the asker takes back a question; the other refuses it. */
    async stop(userId: string, sessionId: string): Promise<RecResult> {
      const p = await participant(userId, sessionId);
      if (!p.ok) return p;
      const open = await repo.openOf(sessionId);
      if (open?.status === 'asked' && open.askedBy !== userId) return service.answer(userId, sessionId, false);
      const { row, now, t } = await step(sessionId, { type: 'stop', by: userId });
      if (!t.ok) return no(t.reason);
      if (t.effect === 'withdrawn') {
        clearTimer(sessionId);
        await repo.move(row!.id, 'asked', { status: 'withdrawn', endedAt: now, endedBy: userId, endReason: 'withdrawn' });
        logger.info({ event: 'session_recording_withdrawn', sessionId, by: userId }, 'the asker took back the question to record');
      } else {
        await stopRecording(sessionId, row!, userId, 'stopped');
        // The call goes back to peer-to-peer (the pages hand their tracks back): the Janus room has no more use.
        await media.close(sessionId);
      }
      return { ok: true, value: await tell(sessionId) };
    },

    /** The question's time ran out (a timer; the rules check the clock, so an early call changes nothing). */
    async expire(sessionId: string): Promise<void> {
      const { row, now, t } = await step(sessionId, { type: 'expire' });
      if (!t.ok || !row) return;
      timers.delete(sessionId);
      if (await repo.move(row.id, 'asked', { status: 'expired', endedAt: now, endReason: 'expired' })) {
        logger.info({ event: 'session_recording_expired', sessionId }, 'the question to record lapsed unanswered');
        await tell(sessionId);
      }
    },

    /** The session ended: a recording stops (and converts), an open question closes, the media room goes. */
    async sessionEnded(sessionId: string): Promise<void> {
      clearTimer(sessionId);
      const row = await repo.openOf(sessionId);
      if (row?.status === 'recording') await stopRecording(sessionId, row, null, 'session_ended');
      else if (row) await repo.move(row.id, row.status as 'asked' | 'starting', { status: 'expired', endedAt: clock.now(), endReason: 'session_ended' });
      await media.close(sessionId);
    },

    /**
     * The media server went down: every recorded session's recording stops (what Janus wrote converts) and both pages
     * are told `sfu: false`, so they hand their tracks back to the peer-to-peer call at once.
     */
    async mediaLost(reason: string): Promise<void> {
      const rows = new Map<string, SessionRecordingRow | null>();
      for (const sessionId of media.sessions()) rows.set(sessionId, await repo.openOf(sessionId));
      for (const [sessionId, row] of rows) if (row?.status === 'recording') await stopRecording(sessionId, row, null, 'media_down');
      media.forgetAll();
      for (const sessionId of rows.keys()) {
        logger.warn({ event: 'session_recording_media_lost', sessionId, reason }, 'the media server went away: the call goes back to peer-to-peer');
        await tell(sessionId);
      }
    },

    /** Who may watch a 1:1 recording: its two participants and staff (admins). */
    async mayWatch(roomRef: string, viewer: { id: string; role: string }): Promise<boolean> {
      if (viewer.role === 'admin') return true;
      const sessionId = roomRef.slice('session:'.length);
      const p = /^[0-9a-f-]{36}$/i.test(sessionId) ? await deps.people(sessionId) : undefined;
      return !!p && (p.studentId === viewer.id || p.tutorId === viewer.id);
    },

    close() {
      for (const sessionId of [...timers.keys()]) clearTimer(sessionId);
    },
  };
  return service;
}
export type SessionRec = ReturnType<typeof createSessionRec>;
