import type { AdminSession, ChatMessage, IceServers, RateSessionBody, RoomChatInput, RoomError, RoomRole, SessionTimeline, TutoringSession, UploadedChatPhoto } from '@tutorline/contracts';
import { roomOf } from '@tutorline/contracts';
import * as Y from 'yjs';
import { boardTextsOf } from './rooms.board-text.rules';
import { issueTurnCredential } from '../../integrations/turn';
import type { Clock } from '../../platform/clock';
import type { Tx } from '../../platform/db';
import { AppError, conflict, forbidden, notFound } from '../../platform/errors';
import type { Logger } from '../../platform/logger';
import type { Io } from '../../platform/realtime';
import type { PhotoService } from '../media';
import type { RoomSafety } from './rooms.ports';
import { isOpenSessionConflict, type MessageRow, type RoomsRepo, type SessionRow } from './rooms.repo';

export interface SessionCaller {
  id: string;
  role: string;
  /**
   * False for a staff account without a role that reads learners' sessions (finance: identity's
   * LEARNER_CONTENT_READERS); the HTTP routes set it. A socket's caller has none: its event access map admits ops only.
   */
  readsSessions?: boolean;
}

/** Staff who see every session (as observers in the room). */
const seesAll = (caller: SessionCaller) => caller.role === 'admin' && caller.readsSessions !== false;

export interface RoomsHooks {
  /** Called after a session ended (any way but the tutor marking its question answered), so the question can record it and the tutor's status follow. */
  onSessionEnded?(session: { id: string; questionId: string | null; tutorId: string; endedAt: Date }): Promise<void>;
  /** Called after a booked lesson's session opened: its tutor is now busy. */
  onSessionOpened?(session: { id: string; tutorId: string }): Promise<void>;
}

export interface IceConfig {
  stunUrls: string[];
  turnUrls: string[];
  turnSecret: string | undefined;
  turnTtlSeconds: number;
  transportPolicy?: 'all' | 'relay';
}

/** Board updates kept as rows before they are folded into the stored state. */
const BOARD_COMPACT_EVERY = 200;
const EMPTY_UPDATE = Y.encodeStateAsUpdate(new Y.Doc());

export function createRoomsService(deps: { repo: RoomsRepo; clock: Clock; logger: Logger; hooks?: RoomsHooks; ice?: IceConfig; photos?: PhotoService; io?: Io; safety?: RoomSafety }) {
  const { repo, clock, logger } = deps;
  /** Who is in a session never changes: cached (bounded) for the per-message checks of the room. */
  const people = new Map<string, { studentId: string; tutorId: string }>();
  const peopleOf = async (sessionId: string) => {
    const hit = people.get(sessionId);
    if (hit) return hit;
    const row = await repo.find(sessionId);
    if (!row) return undefined;
    if (people.size > 10_000) people.delete(people.keys().next().value!);
    const value = { studentId: row.studentId, tutorId: row.tutorId };
    people.set(sessionId, value);
    return value;
  };
  const boardUpdatesSinceCompaction = new Map<string, number>();

  const photoUrl = (sessionId: string, photoId: string, size: 'full' | 'thumb') => `/api/sessions/${sessionId}/photos/${photoId}${size === 'thumb' ? '?size=thumb' : ''}`;
  const chatView = (m: MessageRow): ChatMessage => ({
    id: m.id,
    sessionId: m.sessionId,
    clientId: m.clientId,
    senderId: m.senderId,
    text: m.body,
    photo: m.photo ? { id: m.photo.id, url: photoUrl(m.sessionId, m.photo.id, 'full'), thumbUrl: photoUrl(m.sessionId, m.photo.id, 'thumb'), width: m.photo.width, height: m.photo.height } : null,
    sentAt: m.createdAt.toISOString(),
  });
  const roomFail = (code: RoomError['code'], message: string) => ({ ok: false as const, error: { code, message } });

  async function recordEvent(sessionId: string, userId: string | null, type: string, data: Record<string, unknown> = {}) {
    const at = clock.now();
    await repo.addEvent({ sessionId, userId, type, at, data });
    logger.info({ event: 'call_event', sessionId, userId, type, ...(type === 'quality' ? {} : { data }) }, `call event ${type}`);
  }

  async function view(id: string): Promise<TutoringSession | null> {
    const row = await repo.findWithPeople(id);
    if (!row) return null;
    const s = row.session;
    return {
      id: s.id,
      kind: s.kind,
      status: s.status,
      questionId: s.questionId,
      student: { id: s.studentId, displayName: row.studentName },
      tutor: {
        id: s.tutorId,
        displayName: row.tutorName,
        rating: row.ratingCount ? Math.round((row.ratingSum! / row.ratingCount) * 10) / 10 : null,
        ratingCount: row.ratingCount ?? 0,
      },
      startedAt: s.startedAt.toISOString(),
      endedAt: s.endedAt?.toISOString() ?? null,
      booking: s.bookingId && row.bookingStart && row.bookingEnd ? { id: s.bookingId, start: row.bookingStart.toISOString(), end: row.bookingEnd.toISOString() } : null,
    };
  }

  /** Only its two participants and admins may see a session; others get the same 404 as a missing one. A participant also sees the stars they gave. */
  async function getSession(caller: SessionCaller, id: string): Promise<TutoringSession> {
    const session = await view(id);
    if (!session || (!seesAll(caller) && caller.id !== session.student.id && caller.id !== session.tutor.id)) throw notFound('That session');
    if (caller.id !== session.student.id && caller.id !== session.tutor.id) return session;
    return { ...session, yourRating: (await repo.ratingBy(id, caller.id))?.stars ?? null };
  }

  /** After a session ended (committed): time together stops, the timeline records it, the room is told, the question and the tutor follow. */
  async function afterEnded(ended: SessionRow, who: { userId: string | null; by: string; data?: Record<string, unknown> }) {
    const endedAt = ended.endedAt!;
    await repo.closeTogether(ended.id, endedAt);
    await recordEvent(ended.id, who.userId, 'ended', who.data ?? {});
    deps.io?.to(roomOf(ended.id)).emit('room:ended', { sessionId: ended.id, endedAt: endedAt.toISOString(), by: who.by });
    await deps.hooks?.onSessionEnded?.({ id: ended.id, questionId: ended.questionId, tutorId: ended.tutorId, endedAt });
  }

  /**
   * Ends an open session for the platform: the abandoned sweep, or an admin with a reason (POST
   * /api/admin/sessions/:id/end). Returns null when it was not open (already ended, by anyone).
   */
  async function endForPlatform(id: string, end: { reason: string; adminId?: string; staffRole?: string }): Promise<SessionRow | null> {
    const now = clock.now();
    const ended = end.adminId ? await repo.endByStaff(id, now, { id: end.adminId, role: end.staffRole ?? 'admin' }, end.reason) : await repo.end(id, now);
    if (!ended) return null;
    logger.info(
      { event: end.adminId ? 'session_ended_by_admin' : 'session_ended_by_system', sessionId: id, kind: ended.kind, reason: end.reason, ...(end.adminId ? { adminId: end.adminId } : {}) },
      end.adminId ? 'session ended by an admin' : 'session ended by the platform',
    );
    await afterEnded(ended, { userId: end.adminId ?? null, by: end.adminId ? 'admin' : 'system', data: { reason: end.reason } });
    return ended;
  }

  return {
    getSession,
    createForQuestion(tx: Tx, values: { studentId: string; tutorId: string; questionId: string; startedAt: Date }) {
      return repo.createForQuestion(tx, values);
    },
    /** createForQuestion failed because the tutor already has an open instant session (a concurrent claim won). */
    isOpenSessionConflict,
    /** The session of a booked lesson, created by whichever party opens the room first (see scheduling.lessons.ts). */
    async openForBooking(values: { studentId: string; tutorId: string; bookingId: string }) {
      const { row, created } = await repo.createForBooking({ ...values, startedAt: clock.now() });
      if (created) {
        logger.info({ event: 'session_opened', sessionId: row.id, bookingId: values.bookingId, kind: 'booking' }, 'lesson room opened');
        await deps.hooks?.onSessionOpened?.({ id: row.id, tutorId: row.tutorId }).catch((err: unknown) => logger.error({ err, sessionId: row.id }, 'session opened hook failed'));
      }
      return row;
    },
    findByBooking: (bookingId: string) => repo.findByBooking(bookingId),
    /** Each user's first join of the session's room (participants only; observers are recorded as 'observer-joined'). */
    firstJoins: (sessionId: string) => repo.firstJoins(sessionId),
    /** Either participant may end a session; ending twice is harmless. Admins observe, they don't end. */
    async endSession(caller: SessionCaller, id: string): Promise<TutoringSession> {
      const before = await getSession(caller, id);
      if (caller.role === 'admin' || before.status === 'ended') return before;
      const ended = await repo.end(id, clock.now());
      if (ended) {
        logger.info({ event: 'session_ended', sessionId: id, by: caller.id }, 'session ended');
        await afterEnded(ended, { userId: caller.id, by: caller.id });
      }
      return getSession(caller, id);
    },

    /**
     * After an ended session each participant rates the other: the student their tutor, the tutor their student. Stored
     * per side (one row per rater); a second rating by the same side is refused. Observers do not rate.
     */
    async rateSession(caller: SessionCaller, id: string, body: RateSessionBody): Promise<TutoringSession> {
      const session = await getSession(caller, id);
      const side = caller.id === session.student.id ? 'student' : caller.id === session.tutor.id ? 'tutor' : null;
      if (!side) throw forbidden('Only the student and the tutor of a session rate it.');
      if (session.status !== 'ended') throw conflict('You can rate the session once it has ended.');
      const rateeId = side === 'student' ? session.tutor.id : session.student.id;
      const row = await repo.insertRating({ sessionId: id, raterId: caller.id, rateeId, raterRole: side, stars: body.stars, comment: body.comment || null, createdAt: clock.now() });
      if (!row) throw conflict('You already rated this session.');
      logger.info({ event: 'session_rated', sessionId: id, raterId: caller.id, rateeId, raterRole: side, stars: body.stars }, 'session rated');
      return getSession(caller, id);
    },

    /** Moves the reader's chat read mark forward (a participant or observer in the room); the stored mark comes back. */
    async markChatRead(userId: string, sessionId: string, messageId: number): Promise<number> {
      const stored = await repo.markChatRead(sessionId, userId, messageId, clock.now());
      logger.debug({ event: 'chat_read', sessionId, userId, lastReadMessageId: stored }, 'chat read mark moved');
      return stored;
    },
    chatReadMark: (sessionId: string, userId: string) => repo.chatReadMark(sessionId, userId),
    endForPlatform,
    /** An admin ends a stuck session, saying why (kept on its timeline and in the log); 409 when it is not open. */
    async endByAdmin(actor: { id: string; role: string }, id: string, reason: string): Promise<TutoringSession> {
      if (!(await repo.find(id))) throw notFound('That session');
      const ended = await endForPlatform(id, { reason, adminId: actor.id, staffRole: actor.role });
      if (!ended) throw new AppError(409, 'conflict', 'This session has already ended.');
      return (await view(id))!;
    },
    /** Open sessions for the admins, oldest first, with the time of their last call event. */
    async openSessions(): Promise<AdminSession[]> {
      return (await repo.openSessions(500)).map((r) => ({
        id: r.session.id,
        kind: r.session.kind,
        questionId: r.session.questionId,
        student: { id: r.session.studentId, displayName: r.studentName },
        tutor: { id: r.session.tutorId, displayName: r.tutorName },
        startedAt: r.session.startedAt.toISOString(),
        lastActivityAt: r.lastActivityAt?.toISOString() ?? null,
      }));
    },
    /** Open instant sessions with nothing in them since `before` (the sweep's candidates). */
    quietInstantSessions: (before: Date, limit: number, after?: { startedAt: Date; id: string }) => repo.quietInstantSessions(before, limit, after),
    /** Whether a participant (not an observing admin) has a socket in the session's room now, on any node. */
    async participantInRoom(sessionId: string): Promise<boolean> {
      if (!deps.io) return false;
      const sockets = await deps.io.in(roomOf(sessionId)).fetchSockets();
      return sockets.some((s) => {
        const role = (s.data as { rooms?: Record<string, string> }).rooms?.[sessionId];
        return role === 'student' || role === 'tutor';
      });
    },
    /** The tutor's open session, if any. */
    openSessionOfTutor: (tutorId: string) => repo.openSessionOfTutor(tutorId),

    /** ICE servers for a participant (or an observing admin): STUN, and TURN with a credential of their own. */
    async iceServers(caller: SessionCaller, sessionId: string): Promise<IceServers> {
      await getSession(caller, sessionId);
      const ice = deps.ice;
      const servers: IceServers['iceServers'] = [];
      if (ice?.stunUrls.length) servers.push({ urls: ice.stunUrls });
      let expiresAt: string | null = null;
      if (ice?.turnSecret && ice.turnUrls.length) {
        const c = issueTurnCredential({ secret: ice.turnSecret, userId: caller.id, now: clock.now(), ttlSeconds: ice.turnTtlSeconds });
        servers.push({ urls: ice.turnUrls, username: c.username, credential: c.credential });
        expiresAt = c.expiresAt.toISOString();
      }
      return { iceServers: servers, expiresAt, iceTransportPolicy: ice?.transportPolicy ?? 'all' };
    },

    /** Ends a session from inside another module's transaction (the tutor marked the question answered). */
    async endInTx(tx: Tx, id: string) {
      const ended = await repo.end(id, clock.now(), tx);
      if (ended) await repo.closeTogether(id, ended.endedAt!, tx);
      return ended;
    },
    /** After endInTx committed: tell the room. */
    announceEnded(id: string, endedAt: Date, by: string) {
      recordEvent(id, by, 'ended').catch((err: unknown) => logger.error({ err, sessionId: id }, 'call event failed'));
      deps.io?.to(roomOf(id)).emit('room:ended', { sessionId: id, endedAt: endedAt.toISOString(), by });
    },

    /** After endInTx committed for a reason of the platform's own (a booked lesson settled): tell the room, and the tutor's status follows. */
    announceEndedBySystem(id: string, endedAt: Date, reason: string) {
      recordEvent(id, null, 'ended', { reason }).catch((err: unknown) => logger.error({ err, sessionId: id }, 'call event failed'));
      deps.io?.to(roomOf(id)).emit('room:ended', { sessionId: id, endedAt: endedAt.toISOString(), by: 'system' });
      void (async () => {
        const p = await peopleOf(id);
        if (p) await deps.hooks?.onSessionEnded?.({ id, questionId: null, tutorId: p.tutorId, endedAt });
      })().catch((err: unknown) => logger.error({ err, sessionId: id }, 'session ended hook failed'));
    },

    // ---- the live room ----
    /** A caller's way into a session's room: as its student or tutor, or as an observing admin; undefined otherwise. */
    async roomAccess(caller: SessionCaller, sessionId: string): Promise<{ session: TutoringSession; role: RoomRole } | undefined> {
      const session = await view(sessionId);
      if (!session) return undefined;
      if (caller.id === session.student.id) return { session, role: 'student' };
      if (caller.id === session.tutor.id) return { session, role: 'tutor' };
      if (seesAll(caller)) return { session, role: 'observer' };
      return undefined;
    },
    /** The session's participants, names (observers included by user id) and status. */
    /** The room's notice that the session may be reviewed (a minor with an adult, #20), or null. */
    reviewNotice: async (sessionId: string) => {
      const p = await peopleOf(sessionId);
      return p && deps.safety ? deps.safety.reviewNotice(p) : null;
    },
    async roomSession(sessionId: string) {
      const row = await repo.findWithPeople(sessionId);
      if (!row) return undefined;
      const s = row.session;
      return { studentId: s.studentId, tutorId: s.tutorId, status: s.status, names: { [s.studentId]: row.studentName, [s.tutorId]: row.tutorName } as Record<string, string> };
    },
    async otherParticipantOf(sessionId: string, userId: string): Promise<string | undefined> {
      const p = await peopleOf(sessionId);
      if (!p) return undefined;
      if (p.studentId === userId) return p.tutorId;
      if (p.tutorId === userId) return p.studentId;
      return undefined;
    },
    recordEvent,

    async chatAfter(sessionId: string, afterId: number): Promise<ChatMessage[]> {
      return (await repo.messagesAfter(sessionId, afterId, 500)).map(chatView);
    },
    /** Stores a chat message once per client id; a photo must be one the sender uploaded to this session. */
    async postChat(senderId: string, input: RoomChatInput): Promise<{ ok: true; message: ChatMessage; created: boolean; warning?: string } | { ok: false; error: RoomError }> {
      const session = await repo.find(input.sessionId);
      if (!session) return roomFail('not_found', 'That session was not found.');
      if (session.status !== 'active') return roomFail('session_ended', 'This session has ended; the chat is read-only.');
      if (input.photoId) {
        const photo = await repo.findPhoto(input.photoId);
        if (!photo || photo.sessionId !== input.sessionId || photo.ownerId !== senderId) return roomFail('validation_failed', 'photoId: that photo was not uploaded to this session by you');
      }
      // Contact details towards a minor are masked before they are stored or delivered (#20).
      const screened = input.text && deps.safety ? await deps.safety.screenChat({ sessionId: input.sessionId, senderId, studentId: session.studentId, tutorId: session.tutorId, text: input.text }) : null;
      const { row, created } = await repo.insertMessage({ sessionId: input.sessionId, senderId, clientId: input.clientId, body: (screened?.text ?? input.text) || null, photoId: input.photoId ?? null, createdAt: clock.now() });
      if (created) logger.info({ event: 'chat_message', sessionId: input.sessionId, senderId, messageId: row.id, photo: Boolean(input.photoId), masked: screened?.masked.length ? screened.masked : undefined }, 'chat message');
      if (created && screened?.masked.length) await deps.safety?.chatMasked({ sessionId: input.sessionId, senderId, original: input.text!, categories: screened.masked });
      return { ok: true, message: chatView(row), created, ...(screened?.warning ? { warning: screened.warning } : {}) };
    },

    /** What a client's board lacks (given its state vector), and the server's state vector. */
    async boardFor(sessionId: string, clientStateVector?: Uint8Array): Promise<{ diff: Uint8Array; stateVector: Uint8Array }> {
      const { state, updates } = await repo.boardParts(sessionId);
      const parts = [state ?? EMPTY_UPDATE, ...updates.map((u) => u.update)];
      const merged = parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts);
      return { diff: clientStateVector ? Y.diffUpdate(merged, clientStateVector) : merged, stateVector: Y.encodeStateVectorFromUpdate(merged) };
    },
    /** Appends a board update after checking it decodes; folds the log into the stored state now and then. */
    async applyBoardUpdate(sessionId: string, userId: string, update: Uint8Array): Promise<{ ok: true; warning?: string } | { ok: false; error: RoomError }> {
      const session = await repo.find(sessionId);
      if (!session) return roomFail('not_found', 'That session was not found.');
      if (session.status !== 'active') return roomFail('session_ended', 'This session has ended; the board is read-only.');
      try {
        // Reject anything that is not a Yjs update before it can break the stored board for everyone.
        Y.applyUpdate(new Y.Doc(), update);
      } catch {
        logger.warn({ event: 'board_update_rejected', sessionId, userId, bytes: update.byteLength }, 'board update did not decode');
        return roomFail('validation_failed', 'update: not a Yjs update');
      }
      await repo.appendBoardUpdate(sessionId, update, clock.now());
      const n = (boardUpdatesSinceCompaction.get(sessionId) ?? 0) + 1;
      boardUpdatesSinceCompaction.set(sessionId, n);
      if (n >= BOARD_COMPACT_EVERY) {
        boardUpdatesSinceCompaction.delete(sessionId);
        await repo.compactBoard(sessionId, (parts) => Y.mergeUpdates(parts), EMPTY_UPDATE, clock.now());
        logger.info({ event: 'board_compacted', sessionId }, 'board compacted');
      }
      const texts = deps.safety ? boardTextsOf(update) : [];
      const warning = texts.length ? await deps.safety!.screenBoard({ sessionId, senderId: userId, studentId: session.studentId, tutorId: session.tutorId, texts }) : null;
      return warning ? { ok: true, warning } : { ok: true };
    },

    /** Starts or stops counting time together (both participants in the room). */
    async trackTogether(sessionId: string, both: boolean) {
      const now = clock.now();
      if (both ? await repo.openTogether(sessionId, now) : await repo.closeTogether(sessionId, now)) {
        logger.info({ event: both ? 'session_together_started' : 'session_together_stopped', sessionId }, both ? 'both participants in the room' : 'a participant left the room');
      }
    },
    togetherSeconds: (sessionId: string) => repo.togetherSeconds(sessionId, clock.now()),

    async uploadChatPhoto(caller: SessionCaller, sessionId: string, data: Buffer): Promise<UploadedChatPhoto> {
      const session = await getSession(caller, sessionId);
      if (caller.id !== session.student.id && caller.id !== session.tutor.id) throw notFound('That session');
      if (session.status !== 'active') throw new AppError(409, 'conflict', 'This session has ended; the chat is read-only.');
      if (!deps.photos) throw new Error('rooms: photos are not configured');
      const stored = await deps.photos.storePhoto(data, 'room-photos', caller.id);
      const row = await repo.insertPhoto({ sessionId, ownerId: caller.id, storageKey: stored.key, thumbKey: stored.thumbKey, width: stored.width, height: stored.height, bytes: stored.bytes, createdAt: clock.now() });
      logger.info({ event: 'chat_photo_uploaded', sessionId, photoId: row.id, userId: caller.id, bytes: stored.bytes }, 'chat photo uploaded');
      return { photoId: row.id, url: photoUrl(sessionId, row.id, 'full'), thumbUrl: photoUrl(sessionId, row.id, 'thumb'), width: row.width, height: row.height };
    },
    /** A chat photo: the session's participants and admins. */
    async readChatPhoto(caller: SessionCaller, sessionId: string, photoId: string, size: 'full' | 'thumb'): Promise<Buffer> {
      await getSession(caller, sessionId);
      const photo = await repo.findPhoto(photoId);
      if (!photo || photo.sessionId !== sessionId || !deps.photos) throw notFound('That photo');
      const data = await deps.photos.read(size === 'thumb' ? photo.thumbKey : photo.storageKey);
      if (!data) throw notFound('That photo');
      return data;
    },

    /** The call timeline of a session, for admins. */
    async timeline(sessionId: string): Promise<SessionTimeline> {
      if (!(await repo.find(sessionId))) throw notFound('That session');
      const events = await repo.events(sessionId);
      return {
        sessionId,
        connectedSeconds: await repo.togetherSeconds(sessionId, clock.now()),
        events: events.map((e) => ({ id: e.id, at: e.at.toISOString(), userId: e.userId, type: e.type, data: e.data })),
      };
    },
  };
}
export type RoomsService = ReturnType<typeof createRoomsService>;
