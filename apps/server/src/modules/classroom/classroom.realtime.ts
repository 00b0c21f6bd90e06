import {
  type ClassAck,
  classBoardSchema,
  classChatSchema,
  classControlSchema,
  classHandSchema,
  classJoinSchema,
  classMediaSchema,
  classReactSchema,
  classRefSchema,
  CLASSROOM_LIMITS,
  classRoomOf,
  classVoteSchema,
  ROOM_LIMITS,
} from '@tutorline/contracts';
import type { z } from 'zod';
import type { AppSocket } from '../../platform/realtime';
import { declareSocketEvents } from '../../platform/socket-access';
import { type ClassroomContext, lobbyRoomOf, type Refused, teachersRoomOf } from './classroom.context';
import { type BreakoutService, groupRoomOf } from './classroom.breakout';
import type { ClassroomControls } from './classroom.controls';
import type { PollsService } from './classroom.polls';
import { takeToken } from './classroom.rules';
import type { ClassroomService } from './classroom.service';
import { classError } from './classroom.words';

type Reply = ClassAck<Record<string, unknown>>;
type AnyAck = (reply: Reply) => void;
interface Buckets {
  messages: { tokens: number; at: number };
  reactions: { tokens: number; at: number };
}

/**
 * The classroom's Socket.IO side: every `class:` event is schema-checked, rate limited per socket, accepted only for a
 * class this socket joined, and then authorized by the service from the stored state (role, locks, removal, end).
 */
export function installClassroomHandlers(deps: { ctx: ClassroomContext; service: ClassroomService; controls: ClassroomControls; polls: PollsService; breakouts: BreakoutService; now: () => number }) {
  const { ctx, service, controls, polls, breakouts } = deps;
  const { io, logger } = ctx.deps;
  // Learners are students and teachers are tutors; ops (and admin) may enter and leave as read-only observers.
  const members = ['student', 'tutor'] as const;
  declareSocketEvents(io, 'classroom', {
    'class:join': [...members, 'ops'],
    'class:leave': [...members, 'ops'],
    ...Object.fromEntries(['class:media', 'class:hand', 'class:chat', 'class:board', 'class:vote', 'class:react', 'class:control'].map((e) => [e, members])),
  });
  const buckets = new WeakMap<AppSocket, Buckets>();

  function bucketsOf(socket: AppSocket): Buckets {
    let b = buckets.get(socket);
    if (!b) {
      const at = deps.now();
      b = { messages: { tokens: ROOM_LIMITS.burst, at }, reactions: { tokens: CLASSROOM_LIMITS.reactionBurst, at } };
      buckets.set(socket, b);
    }
    return b;
  }
  const reply = (ack: unknown, value: Reply) => {
    if (typeof ack === 'function') (ack as AnyAck)(value);
  };
  const answer = (ack: unknown, r: { ok: true; value: unknown } | Refused, extra?: (v: never) => object) =>
    reply(ack, r.ok ? { ok: true, ...(extra ? extra(r.value as never) : {}) } : classError(r.reason));

  /**
   * Wraps a handler: rate limit, schema, joined check, then the handler; a fault is logged and answered as internal_error.
   * `joined: false` for join itself.
   */
  function on<S extends z.ZodType<{ classId: string }>>(socket: AppSocket, event: string, schema: S, opts: { joined: boolean }, handler: (msg: z.infer<S>, ack: unknown) => Promise<void>) {
    (socket as unknown as { on(e: string, l: (payload: unknown, ack: unknown) => void): void }).on(event, (payload, ack) => {
      if (!takeToken(bucketsOf(socket).messages, deps.now(), ROOM_LIMITS.messagesPerSecond, ROOM_LIMITS.burst)) {
        logger.warn({ event: 'classroom_rate_limited', userId: socket.data.userId, socketId: socket.id, on: event }, 'classroom message dropped: too many per second');
        return reply(ack, classError('rate_limited'));
      }
      const parsed = schema.safeParse(payload);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return reply(ack, { ok: false, error: { code: 'validation_failed', message: issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'invalid message' } });
      }
      const msg = parsed.data;
      // A message for a class this socket did not join (another class's id) is refused before anything is read.
      if (opts.joined && !socket.data.classrooms?.[msg.classId]) return reply(ack, classError('not_joined'));
      handler(msg, ack).catch((err: unknown) => {
        logger.error({ err, event: 'classroom_handler_failed', on: event, classId: msg.classId, userId: socket.data.userId }, 'classroom handler failed');
        reply(ack, classError('internal_error'));
      });
    });
  }

  function forget(socket: AppSocket, classId: string) {
    const { [classId]: _gone, ...rest } = socket.data.classrooms ?? {};
    socket.data.classrooms = rest;
  }

  io.on('connection', (socket: AppSocket) => {
    const { userId } = socket.data;
    /** Lobbies this socket waits in: the teachers' lists change when it goes. */
    const lobbies = new Set<string>();

    // A recovered socket is back in its rooms with its data: it is present again.
    if (socket.recovered) {
      for (const classId of Object.keys(socket.data.classrooms ?? {})) {
        void (async () => {
          const entry = await service.enter(classId, userId);
          if (!entry.ok || entry.value.status !== 'admitted') {
            forget(socket, classId);
            await socket.leave(classRoomOf(classId));
            return;
          }
          await service.entered(classId, entry.value, socket.id, true);
        })().catch((err: unknown) => logger.error({ err, classId }, 'classroom recovery failed'));
      }
    }

    on(socket, 'class:join', classJoinSchema, { joined: false }, async (msg, ack) => {
      const entry = await service.enter(msg.classId, userId);
      if (!entry.ok) return answer(ack, entry);
      const e = entry.value;
      const self = { userId, role: e.row.role };
      if (e.status === 'waiting') {
        await socket.join(lobbyRoomOf(msg.classId));
        lobbies.add(msg.classId);
        reply(ack, { ok: true, status: 'waiting', class: { classId: msg.classId, title: e.access.title, startsAt: e.access.startsAt.toISOString(), endsAt: e.access.endsAt.toISOString(), capacity: e.access.capacity, lobby: e.access.lobby }, self });
        await ctx.event(msg.classId, userId, 'lobby-waiting');
        return ctx.broadcastLobby(msg.classId);
      }
      socket.data.classrooms = { ...socket.data.classrooms, [msg.classId]: e.row.role };
      await socket.leave(lobbyRoomOf(msg.classId));
      // A learner in a breakout group (or a teacher visiting one) is back in that group's room: a reload lands there.
      const { groupId } = await breakouts.scope(msg.classId, userId, e.row.role);
      await socket.join([
        classRoomOf(msg.classId),
        `${classRoomOf(msg.classId)}:user:${userId}`,
        ...(e.row.role === 'teacher' ? [teachersRoomOf(msg.classId)] : []),
        ...(groupId ? [groupRoomOf(msg.classId, groupId)] : []),
      ]);
      await service.entered(msg.classId, e, socket.id);
      const joined = await service.snapshot(msg.classId, userId, e.row.role, e.access, e.state, msg);
      reply(ack, { ok: true, ...joined });
    });

    on(socket, 'class:leave', classRefSchema, { joined: true }, async (msg, ack) => {
      forget(socket, msg.classId);
      await socket.leave(classRoomOf(msg.classId));
      await socket.leave(teachersRoomOf(msg.classId));
      await socket.leave(`${classRoomOf(msg.classId)}:user:${userId}`);
      for (const room of socket.rooms) if (room.startsWith(`${classRoomOf(msg.classId)}:group:`)) await socket.leave(room);
      await service.left(msg.classId, userId, 'left');
      reply(ack, { ok: true });
    });

    on(socket, 'class:media', classMediaSchema, { joined: true }, async (msg, ack) => answer(ack, await service.setOwnMedia(msg.classId, userId, msg)));
    on(socket, 'class:hand', classHandSchema, { joined: true }, async (msg, ack) => answer(ack, await service.setHand(msg.classId, userId, msg.raised)));
    on(socket, 'class:chat', classChatSchema, { joined: true }, async (msg, ack) => {
      const r = await service.chat(msg.classId, userId, msg);
      reply(ack, r.ok ? { ok: true, message: r.value } : classError(r.reason));
    });
    on(socket, 'class:board', classBoardSchema, { joined: true }, async (msg, ack) => {
      const r = await service.boardUpdate(msg.classId, userId, msg.update);
      if (r.ok) socket.to(r.value.room).except(r.value.except).emit('class:board', { classId: msg.classId, update: msg.update });
      answer(ack, r.ok ? { ok: true, value: null } : r);
    });
    on(socket, 'class:vote', classVoteSchema, { joined: true }, async (msg, ack) => {
      const check = await service.allowed(msg.classId, userId, { kind: 'vote' });
      answer(ack, check.ok ? await polls.vote(msg.classId, userId, msg.pollId, msg.choices) : check);
    });
    on(socket, 'class:react', classReactSchema, { joined: true }, async (msg, ack) => {
      if (!takeToken(bucketsOf(socket).reactions, deps.now(), CLASSROOM_LIMITS.reactionsPerSecond, CLASSROOM_LIMITS.reactionBurst)) return reply(ack, classError('rate_limited'));
      const check = await service.allowed(msg.classId, userId, { kind: 'react' });
      if (check.ok) io.to(classRoomOf(msg.classId)).emit('class:reaction', { classId: msg.classId, userId, reaction: msg.reaction });
      answer(ack, check);
    });
    on(socket, 'class:control', classControlSchema, { joined: true }, async (msg, ack) => {
      const r = await controls.command(msg.classId, userId, msg.command);
      if (!r.ok) logger.info({ event: 'classroom_command_refused', classId: msg.classId, userId, command: msg.command.type, reason: r.reason }, 'classroom command refused');
      reply(ack, r.ok ? { ok: true, ...r.value } : classError(r.reason));
    });

    socket.on('disconnect', (reason) => {
      // The socket has left its rooms by now; a recovered one comes back through the branch above.
      for (const classId of Object.keys(socket.data.classrooms ?? {})) {
        void service.left(classId, userId, reason).catch((err: unknown) => logger.error({ err, classId }, 'classroom presence failed'));
      }
      for (const classId of lobbies) void ctx.broadcastLobby(classId).catch((err: unknown) => logger.error({ err, classId }, 'classroom lobby update failed'));
    });
  });
}
