import { randomBytes, randomInt } from 'node:crypto';
import { roomOf, SESSION_REC_LIMITS } from '@tutorline/contracts';
import type { IceCandidate, Jsep, Participant, PeerId, Sfu, SfuFail } from '../../integrations/janus';
import type { Logger } from '../../platform/logger';
import type { Io } from '../../platform/realtime';

/** Why a media request was refused (the socket turns it into words). */
export type SfuRefusal = 'media_unavailable' | 'not_on_sfu' | 'no_media_yet' | 'media_refused';
export type MediaResult<T> = { ok: true; value: T } | { ok: false; reason: SfuRefusal };

interface Member {
  token: string;
  socketId: string | null;
  joined: Participant | null;
  sub: PeerId | null;
}
/** A session's Janus room: made when both agreed to record, closed when the recording stops or the session ends. */
export interface SessionRoom {
  sessionId: string;
  room: number;
  secret: string;
  pin: string;
  members: Map<string, Member>;
  /** Publishing feeds → user, once Janus announced them. */
  feeds: Map<number, string>;
}

const random = (n: number) => randomBytes(n).toString('base64url');

/**
 * The 1:1 session's media at Janus (decision 056), kept in this process like a class's (decision 048): a room with a
 * secret, a pin, one allowed token per participant and require_pvtid; each participant publishes once and receives the
 * other's feed, every SDP and candidate relayed through our socket.
 */
export function createSessionMedia(deps: { sfu: Sfu; io: Io; logger: Logger; recordDirFor: (room: number) => string }) {
  const { sfu, io, logger } = deps;
  const rooms = new Map<string, SessionRoom>();

  const refusal = (f: SfuFail, what: string, sessionId: string): { ok: false; reason: SfuRefusal } => {
    logger.warn({ event: 'sessionrec_sfu_refused', what, sessionId, reason: f.reason }, 'the media server refused');
    return { ok: false, reason: f.reason === 'sfu_down' ? 'media_unavailable' : f.reason === 'no_such_feed' ? 'no_media_yet' : 'media_refused' };
  };

  function byPeer(peer: PeerId): { r: SessionRoom; userId: string; m: Member; target: 'publisher' | 'subscriber' } | null {
    for (const r of rooms.values())
      for (const [userId, m] of r.members) {
        if (m.joined?.peer === peer) return { r, userId, m, target: 'publisher' };
        if (m.sub === peer) return { r, userId, m, target: 'subscriber' };
      }
    return null;
  }

  const off = sfu.onEvent((e) => {
    if (e.type === 'ice_candidate') {
      const found = byPeer(e.peer);
      if (found?.m.socketId) io.to(found.m.socketId).emit('room:sfu:candidate', { sessionId: found.r.sessionId, target: found.target, candidate: e.candidate });
    } else if (e.type === 'subscriber_offer') {
      const found = byPeer(e.peer);
      if (found?.m.socketId) io.to(found.m.socketId).emit('room:sfu:offer', { sessionId: found.r.sessionId, offer: e.offer as { type: 'offer'; sdp: string } });
    } else if (e.type === 'publisher_joined') {
      const r = [...rooms.values()].find((x) => x.room === e.room);
      const userId = r && [...r.members.entries()].find(([, m]) => m.joined?.feed === e.feed)?.[0];
      if (!r || !userId) return;
      r.feeds.set(e.feed, userId);
      io.to(roomOf(r.sessionId)).emit('room:sfu:publisher', { sessionId: r.sessionId, userId });
    } else if (e.type === 'publisher_left') {
      for (const r of rooms.values()) if (r.room === e.room) r.feeds.delete(e.feed);
    }
  });

  /** The member at Janus for this socket; a new socket (a reload) gets fresh handles. */
  async function member(sessionId: string, userId: string, socketId: string): Promise<MediaResult<{ r: SessionRoom; m: Member }>> {
    const r = rooms.get(sessionId);
    const m = r?.members.get(userId);
    if (!r || !m) return { ok: false, reason: 'not_on_sfu' };
    if (m.socketId !== socketId) {
      await drop(r, m);
      m.socketId = socketId;
    }
    if (!m.joined) {
      const joined = await sfu.join({ room: r.room, pin: r.pin, token: m.token, display: userId });
      if (!joined.ok) return refusal(joined, 'join', sessionId);
      m.joined = joined.value;
    }
    return { ok: true, value: { r, m } };
  }

  async function drop(r: SessionRoom, m: Member) {
    if (m.sub) await sfu.leave(m.sub);
    if (m.joined) {
      r.feeds.delete(m.joined.feed);
      await sfu.leave(m.joined.peer);
    }
    Object.assign(m, { joined: null, sub: null });
  }

  return {
    get: (sessionId: string) => rooms.get(sessionId) ?? null,
    /** The sessions that have a room at Janus now. */
    sessions: () => [...rooms.keys()],

    /** The session's room at Janus (made once, recordable), for its two participants. */
    async open(sessionId: string, participants: [string, string]): Promise<MediaResult<SessionRoom>> {
      const existing = rooms.get(sessionId);
      if (existing) return { ok: true, value: existing };
      if (!sfu.status().up) return { ok: false, reason: 'media_unavailable' };
      const r: SessionRoom = { sessionId, room: randomInt(1, 2 ** 47), secret: random(18), pin: random(12), members: new Map(), feeds: new Map() };
      for (const userId of participants) r.members.set(userId, { token: random(18), socketId: null, joined: null, sub: null });
      const tokens = [...r.members.values()].map((m) => m.token);
      const made = await sfu.createRoom({ room: r.room, secret: r.secret, pin: r.pin, tokens, publishers: 2, bitrateBps: SESSION_REC_LIMITS.videoBps, description: `session ${sessionId}`, recordDir: deps.recordDirFor(r.room) });
      if (!made.ok) return refusal(made, 'createRoom', sessionId);
      r.room = made.value.room;
      rooms.set(sessionId, r);
      logger.info({ event: 'sessionrec_room_created', sessionId, room: r.room }, 'a 1:1 session moved to the media server');
      return { ok: true, value: r };
    },

    async publish(sessionId: string, userId: string, socketId: string, offer: Jsep): Promise<MediaResult<{ answer: Jsep }>> {
      const got = await member(sessionId, userId, socketId);
      if (!got.ok) return got;
      const r = await sfu.publish(got.value.m.joined!.peer, { offer, bitrateBps: SESSION_REC_LIMITS.videoBps });
      return r.ok ? { ok: true, value: r.value } : refusal(r, 'publish', sessionId);
    },

    /** The other participant's feed, once they publish (`no_media_yet` before: wait for room:sfu:publisher). */
    async subscribe(sessionId: string, userId: string, socketId: string): Promise<MediaResult<{ offer: Jsep }>> {
      const got = await member(sessionId, userId, socketId);
      if (!got.ok) return got;
      const { r, m } = got.value;
      const feed = [...r.feeds.entries()].find(([, u]) => u !== userId)?.[0];
      if (feed === undefined) return { ok: false, reason: 'no_media_yet' };
      if (m.sub) {
        await sfu.leave(m.sub);
        m.sub = null;
      }
      const sub = await sfu.subscribe({ room: r.room, pin: r.pin, privateId: m.joined!.privateId, feeds: [{ feed }] });
      if (!sub.ok) return refusal(sub, 'subscribe', sessionId);
      m.sub = sub.value.peer;
      return { ok: true, value: { offer: sub.value.offer } };
    },

    async start(sessionId: string, userId: string, answer: Jsep): Promise<MediaResult<void>> {
      const m = rooms.get(sessionId)?.members.get(userId);
      if (!m?.sub) return { ok: false, reason: 'not_on_sfu' };
      const r = await sfu.start(m.sub, answer);
      return r.ok ? { ok: true, value: undefined } : refusal(r, 'start', sessionId);
    },

    async trickle(sessionId: string, userId: string, target: 'publisher' | 'subscriber', candidate: IceCandidate | null): Promise<MediaResult<void>> {
      const m = rooms.get(sessionId)?.members.get(userId);
      const peer = target === 'publisher' ? m?.joined?.peer : m?.sub;
      if (!peer) return { ok: false, reason: 'not_on_sfu' };
      const r = await sfu.trickle(peer, candidate);
      return r.ok ? { ok: true, value: undefined } : refusal(r, 'trickle', sessionId);
    },

    /** The recording stopped or the session ended: both leave Janus and the room goes. */
    async close(sessionId: string) {
      const r = rooms.get(sessionId);
      if (!r) return;
      rooms.delete(sessionId);
      for (const m of r.members.values()) await drop(r, m);
      await sfu.destroyRoom(r.room, r.secret);
      logger.info({ event: 'sessionrec_room_closed', sessionId, room: r.room }, 'a 1:1 session left the media server');
    },

    /** Janus went down (or came back empty): its rooms and handles are gone; forget ours without asking it. */
    forgetAll(): string[] {
      const sessions = [...rooms.keys()];
      rooms.clear();
      return sessions;
    },

    async closeAll() {
      off();
      for (const sessionId of [...rooms.keys()]) await this.close(sessionId);
    },
  };
}
export type SessionMedia = ReturnType<typeof createSessionMedia>;
