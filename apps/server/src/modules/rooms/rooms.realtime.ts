import {
  type ChatMessage,
  type PeerState,
  ROOM_LIMITS,
  type RoomAck,
  type RoomError,
  type RoomJoined,
  type RoomParticipant,
  type RoomRole,
  roomBoardSchema,
  roomChatSchema,
  roomEventSchema,
  roomJoinSchema,
  roomLeaveSchema,
  roomOf,
  roomReadSchema,
  userRoom,
  peerStateSchema,
  roomSignalSchema,
} from '@tutorline/contracts';
import type { z } from 'zod';
import type { Logger } from '../../platform/logger';
import type { AppSocket, Io } from '../../platform/realtime';
import { declareSocketEvents } from '../../platform/socket-access';
import type { RoomsService } from './rooms.service';

/** The Socket.IO room of one participant inside a tutoring room: signaling goes only there. */
const participantRoom = (sessionId: string, userId: string) => `${roomOf(sessionId)}:${userId}`;

type Ack<T = object> = (reply: RoomAck<T>) => void;

/** A token bucket per socket: ROOM_LIMITS.messagesPerSecond, saving up to ROOM_LIMITS.burst. */
interface Bucket {
  tokens: number;
  at: number;
  dropped: number;
  loggedAt: number;
}

const fail = (code: RoomError['code'], message: string): { ok: false; error: RoomError } => ({ ok: false, error: { code, message } });

/**
 * The room's realtime side: join/leave with presence, signaling relay, peer state, chat, board and call events.
 * Every message is checked against its schema, size-limited by Socket.IO's maxHttpBufferSize and by the schemas, rate
 * limited per socket, and accepted only for a room the socket has joined (as a participant, for anything that
 * changes the room).
 */
export function installRoomHandlers(deps: { io: Io; rooms: RoomsService; logger: Logger; now: () => number; mayJoin?: (userId: string) => Promise<boolean> }) {
  const { io, rooms, logger } = deps;
  // Participants are the session's student and tutor; ops (and admin) may enter, read and leave as silent observers.
  const observers = ['student', 'tutor', 'ops'] as const;
  const twoOfThem = ['student', 'tutor'] as const;
  declareSocketEvents(io, 'rooms', {
    'room:join': observers,
    'room:read': observers,
    'room:leave': observers,
    'room:signal': twoOfThem,
    'room:peer-state': twoOfThem,
    'room:chat': twoOfThem,
    'room:board': twoOfThem,
    'room:event': twoOfThem,
  });
  const buckets = new WeakMap<AppSocket, Bucket>();

  function allow(socket: AppSocket): boolean {
    const now = deps.now();
    let b = buckets.get(socket);
    if (!b) {
      b = { tokens: ROOM_LIMITS.burst, at: now, dropped: 0, loggedAt: Number.NEGATIVE_INFINITY };
      buckets.set(socket, b);
    }
    b.tokens = Math.min(ROOM_LIMITS.burst, b.tokens + ((now - b.at) / 1000) * ROOM_LIMITS.messagesPerSecond);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return true;
    }
    b.dropped++;
    if (now - b.loggedAt > 10_000) {
      logger.warn({ event: 'room_rate_limited', userId: socket.data.userId, socketId: socket.id, dropped: b.dropped }, 'room messages dropped: too many per second');
      b.loggedAt = now;
      b.dropped = 0;
    }
    return false;
  }

  /** Parses a payload; on failure answers the ack (when there is one) and returns null. */
  function parse<S extends z.ZodType>(schema: S, payload: unknown, ack: unknown): z.infer<S> | null {
    const result = schema.safeParse(payload);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    reply(ack, fail('validation_failed', issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'invalid message'));
    return null;
  }
  function reply(ack: unknown, value: RoomAck<{ warning?: string }>) {
    if (typeof ack === 'function') (ack as Ack)(value);
  }
  const joinedRole = (socket: AppSocket, sessionId: string): RoomRole | undefined => socket.data.rooms?.[sessionId];

  /** Who is in the room now, across every node (sockets carry their user, role and call state). */
  async function participants(sessionId: string, people: { studentId: string; tutorId: string; names: Record<string, string> }): Promise<RoomParticipant[]> {
    const sockets = await io.in(roomOf(sessionId)).fetchSockets();
    const present = new Map<string, { role: RoomRole; state: PeerState | null }>();
    for (const s of sockets) {
      const role = s.data.rooms?.[sessionId];
      if (!role) continue;
      const state = (s.data.peerStates?.[sessionId] as PeerState | undefined) ?? null;
      const prev = present.get(s.data.userId);
      if (!prev || (!prev.state && state)) present.set(s.data.userId, { role, state });
    }
    const list: RoomParticipant[] = [
      { userId: people.studentId, role: 'student', displayName: people.names[people.studentId] ?? 'Student', present: present.has(people.studentId), state: present.get(people.studentId)?.state ?? null },
      { userId: people.tutorId, role: 'tutor', displayName: people.names[people.tutorId] ?? 'Tutor', present: present.has(people.tutorId), state: present.get(people.tutorId)?.state ?? null },
    ];
    for (const [userId, p] of present) {
      if (p.role === 'observer') list.push({ userId, role: 'observer', displayName: people.names[userId] ?? 'Observer', present: true, state: null });
    }
    return list;
  }

  /**
   * After someone entered or left: tell the room, and start or stop the time both participants are counted together.
   * `left`: record a 'left' call event first (an active session only), with the session already read here.
   * `announced`: the room was already told (a join tells it at once); only the time together is updated.
   */
  async function presenceChanged(sessionId: string, userId: string, left?: { reason: string; socketId: string }, announced = false) {
    const session = await rooms.roomSession(sessionId);
    if (!session) return;
    if (left && session.status === 'active') await rooms.recordEvent(sessionId, userId, 'left', left);
    const list = await participants(sessionId, session);
    const changed = list.find((p) => p.userId === userId) ?? { userId, role: 'observer' as const, displayName: session.names[userId] ?? 'Observer', present: false, state: null };
    if (!announced) io.to(roomOf(sessionId)).emit('room:presence', { sessionId, participant: changed });
    const both = list.filter((p) => p.role !== 'observer' && p.present).length === 2;
    await rooms.trackTogether(sessionId, both && session.status === 'active');
  }

  io.on('connection', (socket: AppSocket) => {
    const { userId } = socket.data;

    // A recovered socket is back in its rooms: record that (its disconnect recorded 'left') and tell the others it is
    // present again.
    if (socket.recovered) {
      for (const [sessionId, role] of Object.entries(socket.data.rooms ?? {})) {
        void (async () => {
          await rooms.recordEvent(sessionId, userId, role === 'observer' ? 'observer-joined' : 'joined', { role, socketId: socket.id, recovered: true });
          await presenceChanged(sessionId, userId);
        })().catch((err) => logger.error({ err, sessionId }, 'room presence failed'));
      }
    }

    socket.on('room:join', async (payload, ack) => {
      if (typeof ack !== 'function') return;
      if (!allow(socket)) return ack(fail('rate_limited', 'Too many messages; slow down.'));
      const msg = parse(roomJoinSchema, payload, ack);
      if (!msg) return;
      try {
        // A student who needs a guardian's consent (never given, or withdrawn) joins no call (issue #20).
        if (socket.data.role === 'student' && deps.mayJoin && !(await deps.mayJoin(userId))) {
          logger.info({ event: 'room_join_refused', userId, sessionId: msg.sessionId, reason: 'consent_required' }, 'room join refused');
          return ack(fail('consent_required', 'A parent or guardian needs to give consent before you can join a call.'));
        }
        const access = await rooms.roomAccess({ id: userId, role: socket.data.role }, msg.sessionId);
        if (!access) return ack(fail('not_found', 'That session was not found.'));
        const { session, role } = access;
        const first = !socket.data.rooms?.[msg.sessionId];
        socket.data.rooms = { ...socket.data.rooms, [msg.sessionId]: role };
        await socket.join(role === 'observer' ? [roomOf(msg.sessionId)] : [roomOf(msg.sessionId), participantRoom(msg.sessionId, userId)]);
        // A participant of an active session gets the call's ICE servers too: the call starts without asking for them.
        const withIce = role !== 'observer' && session.status === 'active';
        const [snapshot, messages, board, connectedSeconds, iceServers, lastReadMessageId, reviewNotice] = await Promise.all([
          rooms.roomSession(msg.sessionId),
          rooms.chatAfter(msg.sessionId, msg.afterMessageId ?? 0),
          rooms.boardFor(msg.sessionId, msg.boardStateVector),
          rooms.togetherSeconds(msg.sessionId),
          withIce ? rooms.iceServers({ id: userId, role: socket.data.role }, msg.sessionId) : undefined,
          rooms.chatReadMark(msg.sessionId, userId),
          rooms.reviewNotice(msg.sessionId),
        ]);
        const joined: RoomJoined = {
          session,
          self: { userId, role },
          participants: await participants(msg.sessionId, snapshot!),
          messages,
          board: board.diff,
          boardStateVector: board.stateVector,
          connectedSeconds,
          lastReadMessageId,
          ...(iceServers ? { iceServers } : {}),
          ...(reviewNotice ? { reviewNotice } : {}),
        };
        ack({ ok: true, ...joined });
        // Tell the room at once, from the list just read: the other participant's call starts on it.
        const self = joined.participants.find((p) => p.userId === userId);
        if (self) io.to(roomOf(msg.sessionId)).emit('room:presence', { sessionId: msg.sessionId, participant: self });
        // An ended session's room is read-only history: opening it is not part of the call's timeline.
        if (first && session.status === 'active') await rooms.recordEvent(msg.sessionId, userId, role === 'observer' ? 'observer-joined' : 'joined', { role, socketId: socket.id });
        await presenceChanged(msg.sessionId, userId, undefined, self !== undefined);
      } catch (err) {
        logger.error({ err, sessionId: msg.sessionId, userId }, 'room join failed');
        ack(fail('internal_error', 'Could not open the room. Trying again…'));
      }
    });

    // The Chat tab showed messages up to messageId: remember it for this user, and tell their other tabs and devices.
    socket.on('room:read', async (payload, ack) => {
      if (!allow(socket)) return reply(ack, fail('rate_limited', 'Too many messages; slow down.'));
      const msg = parse(roomReadSchema, payload, ack);
      if (!msg) return;
      if (!joinedRole(socket, msg.sessionId)) return reply(ack, fail('not_joined', 'Join the room first.'));
      try {
        const lastReadMessageId = await rooms.markChatRead(userId, msg.sessionId, msg.messageId);
        socket.to(userRoom(userId)).emit('room:read', { sessionId: msg.sessionId, lastReadMessageId });
        if (typeof ack === 'function') (ack as Ack<{ lastReadMessageId: number }>)({ ok: true, lastReadMessageId });
      } catch (err) {
        logger.error({ err, sessionId: msg.sessionId, userId }, 'chat read mark failed');
        reply(ack, fail('internal_error', 'Could not save that.'));
      }
    });

    socket.on('room:leave', async (payload, ack) => {
      const msg = parse(roomLeaveSchema, payload, ack);
      if (!msg || !joinedRole(socket, msg.sessionId)) return reply(ack, fail('not_joined', 'You are not in that room.'));
      try {
        await leave(socket, msg.sessionId, 'left');
        reply(ack, { ok: true });
      } catch (err) {
        // Left the Socket.IO rooms; only recording it failed (the database is away): not a reason to crash the process.
        logger.error({ err, sessionId: msg.sessionId, userId }, 'room leave failed');
        reply(ack, fail('internal_error', 'Could not record leaving the room.'));
      }
    });

    socket.on('room:signal', (payload, ack) => {
      if (!allow(socket)) return reply(ack, fail('rate_limited', 'Too many messages; slow down.'));
      const msg = parse(roomSignalSchema, payload, ack);
      if (!msg) return;
      const role = joinedRole(socket, msg.sessionId);
      if (!role || role === 'observer') return reply(ack, fail('not_joined', 'Join the room as a participant first.'));
      const other = rooms.otherParticipantOf(msg.sessionId, userId);
      void other.then((otherId) => {
        if (!otherId) return reply(ack, fail('not_found', 'That session was not found.'));
        io.to(participantRoom(msg.sessionId, otherId)).emit('room:signal', {
          sessionId: msg.sessionId,
          from: userId,
          ...(msg.description ? { description: msg.description } : {}),
          ...(msg.candidate !== undefined ? { candidate: msg.candidate } : {}),
        });
        reply(ack, { ok: true });
      }, (err: unknown) => {
        logger.error({ err, sessionId: msg.sessionId, userId }, 'signal relay failed');
        reply(ack, fail('internal_error', 'The signal was not relayed.'));
      });
    });

    socket.on('room:peer-state', (payload, ack) => {
      if (!allow(socket)) return reply(ack, fail('rate_limited', 'Too many messages; slow down.'));
      const msg = parse(peerStateSchema, payload, ack);
      if (!msg) return;
      const role = joinedRole(socket, msg.sessionId);
      if (!role || role === 'observer') return reply(ack, fail('not_joined', 'Join the room as a participant first.'));
      const { sessionId, ...state } = msg;
      socket.data.peerStates = { ...socket.data.peerStates, [sessionId]: state };
      socket.to(roomOf(sessionId)).emit('room:peer-state', { sessionId, userId, state });
      reply(ack, { ok: true });
    });

    socket.on('room:chat', async (payload, ack) => {
      if (typeof ack !== 'function') return;
      if (!allow(socket)) return ack(fail('rate_limited', 'Too many messages; slow down.'));
      const msg = parse(roomChatSchema, payload, ack);
      if (!msg) return;
      const role = joinedRole(socket, msg.sessionId);
      if (!role || role === 'observer') return ack(fail('not_joined', 'Join the room as a participant first.'));
      try {
        const result = await rooms.postChat(userId, msg);
        if (!result.ok) return ack(result);
        ack({ ok: true, message: result.message, ...(result.warning ? { warning: result.warning } : {}) });
        if (result.created) io.to(roomOf(msg.sessionId)).emit('room:chat', result.message satisfies ChatMessage);
      } catch (err) {
        logger.error({ err, sessionId: msg.sessionId, userId }, 'chat message failed');
        ack(fail('internal_error', 'The message was not saved. It will be sent again.'));
      }
    });

    socket.on('room:board', async (payload, ack) => {
      if (!allow(socket)) return reply(ack, fail('rate_limited', 'Too many messages; slow down.'));
      const msg = parse(roomBoardSchema, payload, ack);
      if (!msg) return;
      const role = joinedRole(socket, msg.sessionId);
      if (!role || role === 'observer') return reply(ack, fail('not_joined', 'Join the room as a participant first.'));
      try {
        const result = await rooms.applyBoardUpdate(msg.sessionId, userId, msg.update);
        if (!result.ok) return reply(ack, result);
        socket.to(roomOf(msg.sessionId)).emit('room:board', { sessionId: msg.sessionId, update: msg.update });
        reply(ack, result.warning ? { ok: true, warning: result.warning } : { ok: true });
      } catch (err) {
        logger.error({ err, sessionId: msg.sessionId, userId }, 'board update failed');
        reply(ack, fail('internal_error', 'The board change was not saved.'));
      }
    });

    socket.on('room:event', async (payload, ack) => {
      if (!allow(socket)) return reply(ack, fail('rate_limited', 'Too many messages; slow down.'));
      const msg = parse(roomEventSchema, payload, ack);
      if (!msg) return;
      const role = joinedRole(socket, msg.sessionId);
      if (!role || role === 'observer') return reply(ack, fail('not_joined', 'Join the room as a participant first.'));
      const { sessionId, type, ...data } = msg;
      try {
        await rooms.recordEvent(sessionId, userId, type, data);
        reply(ack, { ok: true });
      } catch (err) {
        logger.error({ err, sessionId, userId }, 'call event failed');
        reply(ack, fail('internal_error', 'The event was not recorded.'));
      }
    });

    socket.on('disconnect', (reason) => {
      // The socket has left its Socket.IO rooms by now (a recovered one is put back in them); presence changes now.
      for (const sessionId of Object.keys(socket.data.rooms ?? {})) {
        void (async () => {
          await presenceChanged(sessionId, userId, { reason, socketId: socket.id });
        })().catch((err) => logger.error({ err, sessionId }, 'room presence failed'));
      }
    });
  });

  async function leave(socket: AppSocket, sessionId: string, why: string) {
    const { [sessionId]: _left, ...rest } = socket.data.rooms ?? {};
    socket.data.rooms = rest;
    if (socket.data.peerStates) {
      const { [sessionId]: _s, ...states } = socket.data.peerStates;
      socket.data.peerStates = states;
    }
    await socket.leave(roomOf(sessionId));
    await socket.leave(participantRoom(sessionId, socket.data.userId));
    await rooms.recordEvent(sessionId, socket.data.userId, 'left', { reason: why, socketId: socket.id });
    await presenceChanged(sessionId, socket.data.userId);
  }
}
