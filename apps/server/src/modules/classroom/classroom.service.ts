import { type ClassChatMessage, type ClassInfo, type ClassJoined, type ClassRole, CLASSROOM_LIMITS, classRoomOf } from '@tutorline/contracts';
import * as Y from 'yjs';
import type { Ok } from '../../platform/result';
import { type ClassroomContext, locksOf, type Refused, refused, stateView, teachersRoomOf } from './classroom.context';
import type { MessageRow } from './classroom.content.repo';
import type { ClassAccess } from './classroom.ports';
import type { ParticipantRow, StateRow } from './classroom.repo';
import { type Action, decide, mediaOnEntry } from './classroom.rules';
import type { PollsService } from './classroom.polls';
import { type BreakoutService, breakoutView, groupRoomOf, groupRoomsOf } from './classroom.breakout';

/** Board updates kept as rows before they are folded into the stored state. */
const BOARD_COMPACT_EVERY = 200;
const EMPTY_BOARD = Y.encodeStateAsUpdate(new Y.Doc());

export const classInfo = (a: ClassAccess): ClassInfo => ({ classId: a.classId, title: a.title, startsAt: a.startsAt.toISOString(), endsAt: a.endsAt.toISOString(), capacity: a.capacity, lobby: a.lobby });

export type Entry =
  | { status: 'waiting'; access: ClassAccess; row: ParticipantRow }
  | { status: 'admitted'; access: ClassAccess; row: ParticipantRow; state: StateRow; firstSocket: boolean };

/** Joining, leaving, and what participants do for themselves: microphone and camera, hands, reactions, chat, board. */
export function createClassroomService(ctx: ClassroomContext, polls: PollsService, breakouts: BreakoutService) {
  const { repo, content, clock, io, logger } = ctx.deps;
  const boardWrites = new Map<string, number>();

  /** The participant and the class's state, and whether they may do `action`: every action after joining passes here. */
  async function allowed(classId: string, userId: string, action: Action): Promise<Ok<{ row: ParticipantRow; state: StateRow }> | Refused> {
    const [row, state] = await Promise.all([repo.participant(classId, userId), repo.state(classId)]);
    if (!row || !state || row.admission !== 'admitted') return refused('not_joined');
    if (row.removedAt) return refused('removed');
    const d = decide(action, row, locksOf(state));
    if (!d.ok) return refused(d.reason);
    return { ok: true, value: { row, state } };
  }

  const messageView = (m: MessageRow, names: Map<string, string>): ClassChatMessage => ({
    id: m.id,
    classId: m.classId,
    clientId: m.clientId,
    senderId: m.senderId,
    senderName: names.get(m.senderId) ?? 'Participant',
    text: m.body,
    toTeacher: m.toTeacher,
    sentAt: m.createdAt.toISOString(),
  });

  return {
    allowed,

    /**
     * Checks a join against the classes module and the stored state: removed participants, an ended class, a full
     * room and the lobby's refusal are answered here. The caller puts the socket in the rooms this decides.
     */
    async enter(classId: string, userId: string): Promise<Ok<Entry> | Refused> {
      const now = clock.now();
      const access = await ctx.deps.access.access(classId, userId, now);
      if (!access.ok) return refused(access.reason);
      const a = access.value;
      const state = await repo.ensureState(classId, now);
      if (state.endedAt) return refused('class_ended');
      const stored = await repo.participant(classId, userId);
      if (stored?.removedAt) return refused('removed');
      const media = mediaOnEntry(a.role, stored ?? null, state);
      const waits = a.lobby && a.role === 'learner';
      // Reread on every arrival: a guardian's consent recorded since counts from the next join.
      const leftOutOfRecording = a.role === 'learner' && !(await ctx.deps.mayBeRecorded(userId));
      const row = await repo.arrive({ classId, userId, role: a.role, admission: waits ? 'waiting' : 'admitted', ...media, firstSeenAt: now, waitingSince: waits ? now : null, leftOutOfRecording });
      if (row.admission === 'refused') return refused('lobby_refused');
      if (row.admission === 'waiting') {
        if (!row.waitingSince) await repo.updateParticipant(classId, userId, { waitingSince: now });
        return { ok: true, value: { status: 'waiting', access: a, row } };
      }
      const present = await ctx.presentUsers(classId);
      const firstSocket = !present.has(userId);
      if (a.role === 'learner' && firstSocket) {
        const rows = await repo.participants(classId);
        const learnersIn = rows.filter((r) => r.role === 'learner' && present.has(r.userId)).length;
        if (learnersIn >= a.capacity) return refused('class_full');
      }
      // A lock set while they were away holds on return too.
      const entered = media.audioMuted !== row.audioMuted || media.videoStopped !== row.videoStopped ? ((await repo.updateParticipant(classId, userId, media)) ?? row) : row;
      return { ok: true, value: { status: 'admitted', access: a, row: entered, state, firstSocket } };
    },

    /** After the socket is in the room: attendance, the timeline, the media server, and the others told. */
    async entered(classId: string, entry: Extract<Entry, { status: 'admitted' }>, socketId: string, recovered = false) {
      const { row } = entry;
      if (entry.firstSocket) {
        await ctx.deps.access.recordAttendance({ classId, userId: row.userId, kind: 'join', at: clock.now() });
        await ctx.event(classId, row.userId, recovered ? 'rejoined' : 'joined', { role: row.role, socketId });
      }
      if (row.role === 'learner') await ctx.applyMedia(classId, row);
      await ctx.broadcastParticipant(classId, row);
    },

    /** What a joining socket gets: state, people, hands, lobby (teacher), chat, board and polls. */
    async snapshot(classId: string, userId: string, role: ClassRole, a: ClassAccess, state: StateRow, opts: { afterMessageId?: number | null; boardStateVector?: Uint8Array }): Promise<ClassJoined> {
      const teacher = role === 'teacher';
      // In a breakout group, the chat and the board are the group's (its id is their scope).
      const where = await breakouts.scope(classId, userId, role);
      const scope = where.groupId ?? classId;
      const [participants, hands, lobby, messages, board, pollViews] = await Promise.all([
        ctx.participantList(classId),
        repo.hands(classId),
        teacher ? ctx.lobbyList(classId) : [],
        content.messagesAfter(scope, opts.afterMessageId ?? 0, { userId, everything: teacher }, CLASSROOM_LIMITS.historyMessages),
        this.boardFor(scope, opts.boardStateVector),
        polls.views(classId, userId, teacher),
      ]);
      const names = await ctx.deps.names(messages.map((m) => m.senderId));
      return {
        status: 'joined',
        class: classInfo(a),
        self: { userId, role },
        state: stateView(state),
        participants,
        hands: hands.map((h) => ({ userId: h.userId, raisedAt: h.raisedAt.toISOString() })),
        lobby,
        messages: messages.map((m) => messageView({ ...m, classId }, names)),
        board: board.diff,
        boardStateVector: board.stateVector,
        polls: pollViews,
        breakout: where.open ? breakoutView(where.open) : null,
      };
    },

    /** A socket left (or dropped): when it was the user's last one here, attendance and the others hear of it. */
    async left(classId: string, userId: string, why: string) {
      const present = await ctx.presentUsers(classId);
      if (present.has(userId)) return;
      ctx.setSpeaking(classId, userId, false);
      const row = await repo.participant(classId, userId);
      if (!row || row.removedAt) return;
      if (row.admission !== 'admitted') return ctx.broadcastLobby(classId);
      await ctx.deps.access.recordAttendance({ classId, userId, kind: 'leave', at: clock.now() });
      await ctx.event(classId, userId, 'left', { reason: why });
      await ctx.broadcastParticipant(classId, row);
    },

    async setOwnMedia(classId: string, userId: string, want: { audioMuted: boolean; videoStopped: boolean }): Promise<Ok<null> | Refused> {
      const check = await allowed(classId, userId, { kind: 'media', ...want });
      if (!check.ok) return check;
      const { row } = check.value;
      if (row.audioMuted === want.audioMuted && row.videoStopped === want.videoStopped) return { ok: true, value: null };
      const updated = (await repo.updateParticipant(classId, userId, want))!;
      await ctx.applyMedia(classId, updated);
      logger.info({ event: 'classroom_own_media', classId, userId, ...want }, 'classroom: own microphone or camera');
      await ctx.broadcastParticipant(classId, updated);
      return { ok: true, value: null };
    },

    async setHand(classId: string, userId: string, raised: boolean): Promise<Ok<null> | Refused> {
      const check = await allowed(classId, userId, { kind: 'hand' });
      if (!check.ok) return check;
      const row = raised ? await repo.raiseHand(classId, userId, clock.now()) : await repo.lowerHand(classId, userId);
      if (!row) return { ok: true, value: null }; // already so
      await ctx.event(classId, userId, raised ? 'hand-raised' : 'hand-lowered');
      await ctx.broadcastParticipant(classId, row);
      await ctx.broadcastHands(classId);
      return { ok: true, value: null };
    },

    async chat(classId: string, userId: string, msg: { clientId: string; text: string; toTeacher?: boolean }): Promise<Ok<ClassChatMessage> | Refused> {
      const toTeacher = msg.toTeacher ?? false;
      const check = await allowed(classId, userId, { kind: 'chat', toTeacher });
      if (!check.ok) return check;
      const asks = toTeacher && check.value.row.role !== 'teacher';
      // A group's chat is stored under the group's id and reaches the group's room only; a private question stays the class's.
      const where = asks ? null : await breakouts.scope(classId, userId, check.value.row.role);
      const groupId = where?.groupId ?? null;
      const row = await content.insertMessage({ classId: groupId ?? classId, senderId: userId, clientId: msg.clientId, body: msg.text, toTeacher: asks, createdAt: clock.now() });
      const message = messageView({ ...row, classId }, await ctx.deps.names([userId]));
      // A private question reaches the teachers and the asker's own sockets only.
      if (message.toTeacher) io.to([teachersRoomOf(classId), `${classRoomOf(classId)}:user:${userId}`]).emit('class:chat', message);
      else if (groupId) io.to(groupRoomOf(classId, groupId)).emit('class:chat', message);
      // The main room's chat while groups run: not into the groups.
      else io.to(classRoomOf(classId)).except(groupRoomsOf(classId, where?.open ?? null)).emit('class:chat', message);
      logger.info({ event: 'classroom_chat', classId, userId, messageId: row.id, toTeacher: message.toTeacher, groupId }, 'classroom: chat message');
      return { ok: true, value: message };
    },

    async boardFor(classId: string, clientStateVector?: Uint8Array): Promise<{ diff: Uint8Array; stateVector: Uint8Array }> {
      const { state, updates } = await content.boardParts(classId);
      const parts = [state ?? EMPTY_BOARD, ...updates];
      const merged = parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts);
      return { diff: clientStateVector ? Y.diffUpdate(merged, clientStateVector) : merged, stateVector: Y.encodeStateVectorFromUpdate(merged) };
    },
    /** Stores a board change in the sender's scope (the class's board, or their group's); answers the socket room to relay it to. */
    async boardUpdate(classId: string, userId: string, update: Uint8Array): Promise<Ok<{ room: string; except: string[] }> | Refused> {
      const check = await allowed(classId, userId, { kind: 'board' });
      if (!check.ok) return check;
      const { groupId, open } = await breakouts.scope(classId, userId, check.value.row.role);
      const scope = groupId ?? classId;
      try {
        Y.applyUpdate(new Y.Doc(), update);
      } catch {
        logger.warn({ event: 'classroom_board_update_rejected', classId, userId, bytes: update.byteLength }, 'board update did not decode');
        return refused('board_update_invalid');
      }
      await content.appendBoardUpdate(scope, update, clock.now());
      const n = (boardWrites.get(scope) ?? 0) + 1;
      boardWrites.set(scope, n);
      if (n >= BOARD_COMPACT_EVERY) {
        boardWrites.delete(scope);
        await content.compactBoard(scope, (parts) => Y.mergeUpdates(parts), EMPTY_BOARD, clock.now());
      }
      // The main room's board while groups run: not into the groups' boards.
      return { ok: true, value: groupId ? { room: groupRoomOf(classId, groupId), except: [] } : { room: classRoomOf(classId), except: groupRoomsOf(classId, open) } };
    },
  };
}
export type ClassroomService = ReturnType<typeof createClassroomService>;
