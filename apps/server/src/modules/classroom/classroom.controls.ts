import { type ClassCommand, classRoomOf, userRoom } from '@tutorline/contracts';
import type { Ok } from '../../platform/result';
import { unreachable } from '../../platform/result';
import { type ClassroomContext, lobbyRoomOf, type Refused, refused } from './classroom.context';
import type { ParticipantRow } from './classroom.repo';
import { lockColumn } from './classroom.rules';
import type { BreakoutService } from './classroom.breakout';
import type { PollsService } from './classroom.polls';
import type { ClassroomService } from './classroom.service';

type Done = Ok<{ pollId?: string }> | Refused;
const done: Done = { ok: true, value: {} };

/** The teacher's commands. Each is checked by `decide` (teachers only, class not ended) before anything changes. */
export function createClassroomControls(ctx: ClassroomContext, service: ClassroomService, polls: PollsService, breakouts: BreakoutService) {
  const { repo, io, clock } = ctx.deps;

  /** A learner of this class still in it (not removed): the target of mute, camera, pen, hand and remove. */
  async function learner(classId: string, userId: string): Promise<Ok<ParticipantRow> | Refused> {
    const row = await repo.participant(classId, userId);
    if (!row || row.removedAt || row.admission !== 'admitted') return refused('no_such_participant');
    if (row.role !== 'learner') return refused('not_a_learner');
    return { ok: true, value: row };
  }
  /** Changed rows: stored already; now enforced at the media server (present learners) and told to the class. */
  async function mediaChanged(classId: string, rows: ParticipantRow[]) {
    const present = await ctx.presentUsers(classId);
    await Promise.all(rows.filter((r) => present.has(r.userId)).map((r) => ctx.applyMedia(classId, r)));
    for (const r of rows) await ctx.broadcastParticipant(classId, r);
  }

  /** Starts or stops the class's recording at the media server; the stored state drives everyone's indicator. */
  async function record(classId: string, teacherId: string, on: boolean): Promise<Done> {
    const state = (await repo.state(classId))!;
    if (on === (state.recordingId !== null)) return done;
    const r = await ctx.deps.media.record(classId, state.recordingId ? { on: false, recordingId: state.recordingId } : { on: true, teacherId });
    if (!r.ok) {
      ctx.deps.logger.warn({ event: 'classroom_recording_refused', classId, on, reason: r.reason }, 'classroom: recording refused by the media server');
      return refused(r.reason);
    }
    const now = clock.now();
    const next = await repo.updateState(classId, on ? { recordingId: r.value.recordingId, recordingSince: now } : { recordingId: null, recordingSince: null }, now);
    await ctx.event(classId, teacherId, on ? 'recording-started' : 'recording-stopped', { recordingId: r.value.recordingId });
    ctx.broadcastState(next);
    return done;
  }

  async function run(classId: string, teacherId: string, c: ClassCommand): Promise<Done> {
    switch (c.type) {
      case 'mute':
      case 'stop-camera': {
        const t = await learner(classId, c.userId);
        if (!t.ok) return t;
        const patch = c.type === 'mute' ? { audioMuted: true, audioHeld: true } : { videoStopped: true, videoHeld: true };
        const row = (await repo.updateParticipant(classId, c.userId, patch))!;
        await ctx.event(classId, teacherId, c.type === 'mute' ? 'muted' : 'camera-stopped', { target: c.userId });
        await mediaChanged(classId, [row]);
        return done;
      }
      case 'mute-all': {
        const rows = await repo.updateLearners(classId, { audioMuted: true, audioHeld: true });
        await ctx.event(classId, teacherId, 'muted-all', { learners: rows.length });
        await mediaChanged(classId, rows);
        return done;
      }
      case 'allow': {
        const t = await learner(classId, c.userId);
        if (!t.ok) return t;
        const row = (await repo.updateParticipant(classId, c.userId, c.media === 'audio' ? { audioHeld: false } : { videoHeld: false }))!;
        await ctx.event(classId, teacherId, 'allowed', { target: c.userId, media: c.media });
        await ctx.broadcastParticipant(classId, row);
        return done;
      }
      case 'lock': {
        const state = await repo.updateState(classId, { [lockColumn[c.what]]: c.locked }, clock.now());
        await ctx.event(classId, teacherId, c.locked ? 'locked' : 'unlocked', { what: c.what });
        ctx.broadcastState(state);
        // Locking microphones or cameras switches every learner's off now (and keeps newcomers' off).
        if (c.locked && (c.what === 'mics' || c.what === 'cameras')) {
          const rows = await repo.updateLearners(classId, c.what === 'mics' ? { audioMuted: true } : { videoStopped: true });
          await mediaChanged(classId, rows);
        }
        return done;
      }
      case 'remove': {
        const row = await repo.participant(classId, c.userId);
        if (!row || row.removedAt) return refused('no_such_participant');
        if (row.role === 'teacher') return refused('not_a_learner');
        const removed = (await repo.updateParticipant(classId, c.userId, { removedAt: clock.now() }))!;
        await repo.lowerHand(classId, c.userId);
        const state = (await repo.state(classId))!;
        const clear = { ...(state.penUserId === c.userId ? { penUserId: null } : {}), ...(state.spotlightUserId === c.userId ? { spotlightUserId: null } : {}) };
        if (Object.keys(clear).length) ctx.broadcastState(await repo.updateState(classId, clear, clock.now()));
        // Out of every room of this class on every node; their later joins are refused as 'removed'.
        const rooms = [classRoomOf(classId), lobbyRoomOf(classId), `${classRoomOf(classId)}:user:${c.userId}`];
        io.to(userRoom(c.userId)).emit('class:removed', { classId });
        io.in(userRoom(c.userId)).socketsLeave(rooms);
        await ctx.deps.media.remove(classId, c.userId).catch((err: unknown) => ctx.deps.logger.error({ err, event: 'classroom_media_remove_failed', classId }, 'media server did not remove'));
        await ctx.event(classId, teacherId, 'removed', { target: c.userId });
        if (removed.admission === 'admitted') {
          await ctx.deps.access.recordAttendance({ classId, userId: c.userId, kind: 'leave', at: clock.now() });
          await ctx.broadcastParticipant(classId, removed);
          await ctx.broadcastHands(classId);
        } else await ctx.broadcastLobby(classId);
        return done;
      }
      case 'spotlight':
      case 'pen': {
        if (c.userId) {
          const t = await learner(classId, c.userId);
          if (!t.ok) return t;
        }
        const state = await repo.updateState(classId, c.type === 'pen' ? { penUserId: c.userId } : { spotlightUserId: c.userId }, clock.now());
        await ctx.event(classId, teacherId, c.type, { target: c.userId });
        ctx.broadcastState(state);
        return done;
      }
      case 'lower-hand': {
        const row = await repo.lowerHand(classId, c.userId);
        if (!row) return done;
        await ctx.event(classId, teacherId, 'hand-lowered', { target: c.userId });
        await ctx.broadcastParticipant(classId, row);
        await ctx.broadcastHands(classId);
        return done;
      }
      case 'admit':
      case 'refuse': {
        const row = await repo.participant(classId, c.userId);
        if (!row || row.admission !== 'waiting' || row.removedAt) return refused('not_waiting');
        await repo.updateParticipant(classId, c.userId, { admission: c.type === 'admit' ? 'admitted' : 'refused', waitingSince: null });
        await ctx.event(classId, teacherId, c.type === 'admit' ? 'admitted' : 'refused', { target: c.userId });
        io.to(userRoom(c.userId)).emit(c.type === 'admit' ? 'class:admitted' : 'class:refused', { classId });
        io.in(userRoom(c.userId)).socketsLeave(lobbyRoomOf(classId));
        await ctx.broadcastLobby(classId);
        return done;
      }
      case 'poll-create':
        return polls.create(classId, teacherId, c.poll);
      case 'poll-close':
        return polls.close(classId, teacherId, c.pollId);
      case 'poll-share':
        return polls.share(classId, teacherId, c.pollId);
      case 'breakout-start':
        return breakouts.start(classId, teacherId, c.split, c.minutes);
      case 'breakout-visit':
        return breakouts.visit(classId, teacherId, c.groupId);
      case 'breakout-broadcast':
        return breakouts.broadcast(classId, teacherId, c.text);
      case 'breakout-close':
        return breakouts.closeNow(classId, teacherId);
      case 'record':
        return record(classId, teacherId, c.on);
      case 'end': {
        const running = (await repo.state(classId))?.recordingId;
        if (running) await record(classId, teacherId, false);
        const ended = await repo.endOnce(classId, clock.now());
        if (!ended) return done;
        await breakouts.closeForEnd(classId, teacherId);
        await ctx.event(classId, teacherId, 'ended');
        const present = await ctx.presentUsers(classId);
        for (const userId of present) await ctx.deps.access.recordAttendance({ classId, userId, kind: 'leave', at: ended.endedAt! });
        io.to(classRoomOf(classId)).emit('class:ended', { classId, endedAt: ended.endedAt!.toISOString() });
        io.to(lobbyRoomOf(classId)).emit('class:ended', { classId, endedAt: ended.endedAt!.toISOString() });
        // Out of the rooms on every node; what a socket still remembers is harmless, every action rereads the ended state.
        io.in([classRoomOf(classId), lobbyRoomOf(classId)]).socketsLeave([classRoomOf(classId), lobbyRoomOf(classId)]);
        ctx.forgetClass(classId);
        await ctx.deps.media.end(classId).catch((err: unknown) => ctx.deps.logger.error({ err, event: 'classroom_media_end_failed', classId }, 'media server did not end the room'));
        return done;
      }
      default:
        return unreachable(c);
    }
  }

  return {
    async command(classId: string, userId: string, c: ClassCommand): Promise<Done> {
      const check = await service.allowed(classId, userId, { kind: 'control', command: c.type });
      if (!check.ok) return check;
      return run(classId, userId, c);
    },
  };
}
export type ClassroomControls = ReturnType<typeof createClassroomControls>;
