import { randomBytes, randomInt } from 'node:crypto';
import { CLASS_MEDIA_LIMITS, type ClassMediaRefusalCode, type ClassMediaSource, type ClassMediaStream, type ClassPublisher, classRoomOf } from '@tutorline/contracts';
import type { FeedRef, Participant, PeerId, Sfu, SfuFail, SubscribedStream } from '../../integrations/janus';
import type { Logger } from '../../platform/logger';
import type { Io } from '../../platform/realtime';
import type { ClassroomApi, ClassroomMediaState, ClassRole, MediaStanding } from '../classroom';
import type { ClassRecorder } from './classmedia.recording';
import { initialLink, type LinkState } from './classmedia.rules';
import { pickFeeds, type PublishedFeed } from './classmedia.picks';

export type MediaRefusal = ClassMediaRefusalCode | Extract<MediaStanding, { ok: false }>['reason'] | 'teacher_only';
export type MediaResult<T> = { ok: true; value: T } | { ok: false; reason: MediaRefusal };

/** One participant's media at Janus: a joined handle (its privateId receives; its feed publishes), a receiving handle, and maybe a screen. */
export interface Member {
  userId: string;
  role: ClassRole;
  token: string;
  socketId: string;
  joined: Participant | null;
  /** The publishing connection's m-line ids, known once Janus announces the feed. */
  mids: { audio: string | null; video: string | null } | null;
  /** A second publisher at Janus for a screen share; its video m-line once announced. */
  screen: { joined: Participant; mid: string | null } | null;
  /** The teacher let this learner share a screen (in memory, like the rest of the media state). */
  screenAllowed: boolean;
  media: ClassroomMediaState;
  /** False for a learner without guardian consent on file: none of their feeds is written to a recording. */
  recorded: boolean;
  sub: PeerId | null;
  subFeeds: FeedRef[];
  /** The receiving connection's m-line for the teacher's camera video (where layers are chosen). */
  teacherMid: string | null;
  page: number;
  /** The teacher layer and low-bandwidth mode this member receives (classmedia.rules.ts). */
  link: LinkState;
  statsAt: number | null;
  sampleAt: number | null;
  /** The candidate type last put on the timeline for the current receiving connection. */
  connectedVia: string | null;
  /** An offer went to the client and its answer (start) has not come back: an update now would cross it at Janus. */
  awaitingAnswer?: boolean;
  /** Feeds changed while an answer was awaited: brought up to date once it comes. */
  resyncAfterAnswer?: boolean;
}

export interface ClassMedia {
  classId: string;
  /** A breakout group's own room (decision 050); null for the class's main room. */
  groupId: string | null;
  room: number;
  secret: string;
  pin: string;
  members: Map<string, Member>;
  /** Publishing feeds → user and what they carry, in the order they were announced. */
  feeds: Map<number, { userId: string; source: ClassMediaSource }>;
}

export interface ClassMediaDeps {
  sfu: Sfu;
  recorder: ClassRecorder;
  io: Io;
  logger: Logger;
  classroom: () => ClassroomApi;
  now: () => number;
}

const random = (n: number) => randomBytes(n).toString('base64url');
const key = (f: FeedRef) => `${f.feed}:${f.mid ?? ''}`;
/** The key of a Janus room in this process: the class's main room, or one breakout group's. */
const roomKey = (classId: string, groupId: string | null) => (groupId ? `${classId}/${groupId}` : classId);

/** The per-class state, lock and the steps every media request shares (decision 048). State lives in this process. */
export function createMediaCore(deps: ClassMediaDeps) {
  const { sfu, io, logger } = deps;
  const classes = new Map<string, ClassMedia>();
  const locks = new Map<string, Promise<unknown>>();

  const core = {
    classes,
    /** One change at a time per class: Janus calls for one class never interleave. */
    serial<T>(classId: string, fn: () => Promise<T>): Promise<T> {
      const prev = locks.get(classId) ?? Promise.resolve();
      const next = prev.then(fn, fn);
      const tail = next.catch(() => undefined);
      locks.set(classId, tail);
      void tail.then(() => {
        if (locks.get(classId) === tail) locks.delete(classId);
      });
      return next;
    },
    sfuRefusal(f: SfuFail, what: string, classId: string): { ok: false; reason: MediaRefusal } {
      logger.warn({ event: 'classmedia_sfu_refused', what, classId, reason: f.reason }, 'the media server refused');
      return { ok: false, reason: f.reason === 'sfu_down' ? 'media_unavailable' : f.reason === 'no_such_feed' ? 'no_media_yet' : 'media_refused' };
    },
    /** One media line on the class's admin timeline (the classroom owns the table) and in the log. */
    async timeline(classId: string, userId: string | null, type: `media-${string}`, data: Record<string, unknown> = {}) {
      await deps.classroom().recordMediaEvent(classId, userId, type, data);
    },

    roomKey,
    /** Every room of one class: its main room and its breakout groups' rooms. */
    roomsOf: (classId: string) => [...classes.values()].filter((cm) => cm.classId === classId),
    /** The member of this user in whichever of the class's rooms they are. */
    findMember(classId: string, userId: string): { cm: ClassMedia; m: Member } | null {
      for (const cm of core.roomsOf(classId)) {
        const m = cm.members.get(userId);
        if (m) return { cm, m };
      }
      return null;
    },

    async openRoom(classId: string, groupId: string | null): Promise<MediaResult<ClassMedia>> {
      const existing = classes.get(roomKey(classId, groupId));
      if (existing) return { ok: true, value: existing };
      if (!sfu.status().up) return { ok: false, reason: 'media_unavailable' };
      const cm: ClassMedia = { classId, groupId, room: randomInt(1, 2 ** 47), secret: random(18), pin: random(12), members: new Map(), feeds: new Map() };
      const description = groupId ? `class ${classId} group ${groupId}` : `class ${classId}`;
      // Every class room can be recorded: Janus writes nothing until the teacher starts a recording (per publisher).
      const made = await sfu.createRoom({ room: cm.room, secret: cm.secret, pin: cm.pin, tokens: [], publishers: 31, bitrateBps: CLASS_MEDIA_LIMITS.learnerVideoBps, description, recordDir: deps.recorder.recordDirFor(cm.room) });
      if (!made.ok) return core.sfuRefusal(made, 'createRoom', classId);
      cm.room = made.value.room;
      classes.set(roomKey(classId, groupId), cm);
      logger.info({ event: 'classmedia_room_created', classId, groupId, room: cm.room }, 'class media room created');
      return { ok: true, value: cm };
    },

    /** Takes a member out of a room they no longer belong in (moved to or from a breakout group): handles, token, feed. */
    async leaveRoom(cm: ClassMedia, m: Member) {
      await core.dropHandles(cm, m);
      await sfu.disallowTokens(cm.room, cm.secret, [m.token]);
      cm.members.delete(m.userId);
      logger.info({ event: 'classmedia_moved', classId: cm.classId, userId: m.userId, fromGroupId: cm.groupId }, 'a participant left a media room for another');
      core.announce(cm);
      for (const other of cm.members.values()) await core.resync(cm, other);
    },

    /** The member for this socket, joined at Janus; a new socket (a reload) gets fresh handles. */
    async member(classId: string, userId: string, socketId: string): Promise<MediaResult<{ cm: ClassMedia; m: Member }>> {
      const standing = await deps.classroom().mediaStanding(classId, userId);
      if (!standing.ok) return standing;
      const room = await core.openRoom(classId, standing.value.groupId);
      if (!room.ok) return room;
      const cm = room.value;
      // A learner sent to a breakout group (or brought back), or the teacher visiting one: out of the old room first.
      const before = core.findMember(classId, userId);
      if (before && before.cm !== cm) await core.leaveRoom(before.cm, before.m);
      let m = cm.members.get(userId);
      if (m && m.socketId !== socketId) {
        await core.dropHandles(cm, m);
        m.socketId = socketId;
        await core.timeline(classId, userId, 'media-reconnect', { how: 'new-socket' });
      }
      if (!m) {
        const media = { audioMuted: standing.value.audioMuted, videoStopped: standing.value.videoStopped };
        m = { userId, role: standing.value.role, token: random(18), socketId, joined: null, mids: null, screen: null, screenAllowed: false, media, recorded: standing.value.recorded, sub: null, subFeeds: [], teacherMid: null, page: 0, link: initialLink(deps.now()), statsAt: null, sampleAt: null, connectedVia: null };
        const allowed = await sfu.allowTokens(cm.room, cm.secret, [m.token]);
        if (!allowed.ok) return core.sfuRefusal(allowed, 'allowTokens', classId);
        cm.members.set(userId, m);
      }
      m.media = { audioMuted: standing.value.audioMuted, videoStopped: standing.value.videoStopped };
      m.recorded = standing.value.recorded;
      if (!m.joined) {
        const joined = await sfu.join({ room: cm.room, pin: cm.pin, token: m.token, display: userId });
        if (!joined.ok) return core.sfuRefusal(joined, 'join', classId);
        m.joined = joined.value;
        // Before the first publish: a learner without guardian consent is never written to a recording.
        if (!standing.value.recorded) {
          const ex = await sfu.excludeFromRecording(joined.value.peer, true);
          if (!ex.ok) return core.sfuRefusal(ex, 'excludeFromRecording', classId);
          logger.info({ event: 'classmedia_left_out_of_recording', classId, userId }, 'a learner without guardian consent is left out of recordings');
        }
        await core.timeline(classId, userId, 'media-join', { role: m.role });
      }
      return { ok: true, value: { cm, m } };
    },

    async dropScreen(cm: ClassMedia, m: Member) {
      if (!m.screen) return;
      cm.feeds.delete(m.screen.joined.feed);
      for (const other of cm.members.values()) other.subFeeds = other.subFeeds.filter((f) => f.feed !== m.screen!.joined.feed);
      await sfu.leave(m.screen.joined.peer);
      m.screen = null;
    },

    async dropHandles(cm: ClassMedia, m: Member) {
      await core.dropScreen(cm, m);
      if (m.sub) await sfu.leave(m.sub);
      if (m.joined) {
        cm.feeds.delete(m.joined.feed);
        await sfu.leave(m.joined.peer);
      }
      Object.assign(m, { joined: null, mids: null, sub: null, subFeeds: [], teacherMid: null, connectedVia: null });
    },

    /** A subscription's m-lines as users; the teacher's camera video m-line is where layers are chosen. */
    label(cm: ClassMedia, m: Member, streams: SubscribedStream[]): ClassMediaStream[] {
      const out = streams.flatMap((st) => {
        const f = cm.feeds.get(st.feed);
        return f ? [{ mid: st.mid, userId: f.userId, kind: st.kind, source: f.source }] : [];
      });
      m.teacherMid = out.find((st) => st.kind === 'video' && st.source === 'camera' && cm.members.get(st.userId)?.role === 'teacher')?.mid ?? null;
      return out;
    },

    publishing(cm: ClassMedia): (PublishedFeed & { p: Member })[] {
      return [...cm.feeds.entries()].flatMap(([feed, { userId, source }]): (PublishedFeed & { p: Member })[] => {
        const p = cm.members.get(userId);
        if (!p) return [];
        if (source === 'screen') return p.screen?.mid ? [{ feed, userId, role: p.role, source, audioMid: null, videoMid: p.screen.mid, p }] : [];
        return p.mids ? [{ feed, userId, role: p.role, source, audioMid: p.mids.audio, videoMid: p.mids.video, p }] : [];
      });
    },

    /** What one member receives now (classmedia.picks.ts), with the stored spotlight. */
    async wanted(cm: ClassMedia, m: Member): Promise<FeedRef[]> {
      // A breakout group is small: its members see and hear each other (video dropped in the low-bandwidth mode).
      if (cm.groupId)
        return core
          .publishing(cm)
          .filter((x) => x.userId !== m.userId)
          .flatMap((x) => [x.audioMid, m.link.mode === 'audio-only' ? null : x.videoMid].filter((mid): mid is string => !!mid).map((mid) => ({ feed: x.feed, mid })));
      const standing = m.role === 'teacher' ? null : await deps.classroom().mediaStanding(cm.classId, m.userId);
      const spotlightUserId = standing?.ok ? standing.value.spotlightUserId : null;
      return pickFeeds(core.publishing(cm), { userId: m.userId, role: m.role, audioOnly: m.link.mode === 'audio-only', page: m.page, spotlightUserId }, CLASS_MEDIA_LIMITS.pageSize);
    },

    /** Brings a member's receiving connection to what it should get; a changed offer goes to its socket. */
    async resync(cm: ClassMedia, m: Member) {
      if (!m.sub) return;
      if (m.awaitingAnswer) {
        m.resyncAfterAnswer = true;
        return;
      }
      const want = await core.wanted(cm, m);
      const have = new Set(m.subFeeds.map(key));
      const wantKeys = new Set(want.map(key));
      const subscribe = want.filter((f) => !have.has(key(f)));
      const unsubscribe = m.subFeeds.filter((f) => !wantKeys.has(key(f)));
      if (!subscribe.length && !unsubscribe.length) return;
      const r = await sfu.update(m.sub, { subscribe, unsubscribe });
      if (!r.ok) return void core.sfuRefusal(r, 'update', cm.classId);
      m.subFeeds = want;
      const streams = core.label(cm, m, r.value.streams);
      if (!r.value.offer) return;
      m.awaitingAnswer = true;
      io.to(m.socketId).emit('class:media:offer', { classId: cm.classId, offer: r.value.offer as { type: 'offer'; sdp: string }, streams, sub: m.sub });
    },

    announce(cm: ClassMedia) {
      const publishers: ClassPublisher[] = core.publishing(cm).map(({ feed, p, source }) => ({ feed, userId: p.userId, role: p.role, source }));
      const event = { classId: cm.classId, publishers };
      // A breakout group tells only its members; the main room tells the class's sockets that are in no group's room.
      if (cm.groupId) {
        const to = [...cm.members.values()].map((m) => m.socketId);
        if (to.length) io.to(to).emit('class:media:publishers', event);
        return;
      }
      const inOtherRooms = core.roomsOf(cm.classId).filter((x) => x !== cm).flatMap((x) => [...x.members.values()].map((m) => m.socketId));
      if (inOtherRooms.length) io.to(classRoomOf(cm.classId)).except(inOtherRooms).emit('class:media:publishers', event);
      else io.to(classRoomOf(cm.classId)).emit('class:media:publishers', event);
    },

    /** The stored microphone and camera state, enforced at Janus for a publishing member. */
    async moderate(cm: ClassMedia, m: Member) {
      if (!m.joined || !m.mids) return;
      for (const [mid, muted] of [
        [m.mids.audio, m.media.audioMuted],
        [m.mids.video, m.media.videoStopped],
      ] as const) {
        if (!mid) continue;
        const r = await sfu.moderate(cm.room, cm.secret, m.joined.feed, mid, muted);
        if (!r.ok) core.sfuRefusal(r, 'moderate', cm.classId);
      }
      logger.info({ event: 'classmedia_moderated', classId: cm.classId, userId: m.userId, ...m.media }, 'media state enforced at the SFU');
    },

    byPeer(peer: PeerId): { cm: ClassMedia; m: Member; target: 'publisher' | 'subscriber'; source: ClassMediaSource } | null {
      for (const cm of classes.values())
        for (const m of cm.members.values()) {
          if (m.joined?.peer === peer) return { cm, m, target: 'publisher', source: 'camera' };
          if (m.screen?.joined.peer === peer) return { cm, m, target: 'publisher', source: 'screen' };
          if (m.sub === peer) return { cm, m, target: 'subscriber', source: 'camera' };
        }
      return null;
    },
  };
  return core;
}
export type MediaCore = ReturnType<typeof createMediaCore>;
