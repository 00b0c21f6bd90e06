// long file: one class's media state and every transition on it (join, publish, subscribe, pages, layers, moderation, recording, Janus restarts) share the per-class lock and maps
import { randomBytes, randomInt } from 'node:crypto';
import { CLASS_MEDIA_LIMITS, type ClassMediaRefusalCode, type ClassMediaStream, type ClassPublisher, classRoomOf } from '@tutorline/contracts';
import type { FeedRef, IceCandidate, Jsep, Participant, PeerId, Sfu, SfuEvent, SfuFail, SubscribedStream } from '../../integrations/janus';
import type { Logger } from '../../platform/logger';
import type { Io } from '../../platform/realtime';
import { type ClassRecorder, createClassRecording } from './classmedia.recording';
import type { ClassroomApi, ClassroomMediaPort, ClassroomMediaState, ClassRole, MediaStanding } from '../classroom';

export type MediaRefusal = ClassMediaRefusalCode | Extract<MediaStanding, { ok: false }>['reason'] | 'teacher_only';
export type MediaResult<T> = { ok: true; value: T } | { ok: false; reason: MediaRefusal };

/** One participant's media at Janus: a joined handle (its privateId receives; its feed publishes) and a receiving handle. */
interface Member {
  userId: string;
  role: ClassRole;
  token: string;
  socketId: string;
  joined: Participant | null;
  /** The publishing connection's m-line ids, known once Janus announces the feed. */
  mids: { audio: string | null; video: string | null } | null;
  media: ClassroomMediaState;
  sub: PeerId | null;
  subFeeds: FeedRef[];
  /** The receiving connection's m-line for the teacher's video (where layers are chosen). */
  teacherMid: string | null;
  page: number;
  /** The teacher's simulcast layer this member receives: 2 is the best. */
  layer: number;
  layerAt: number;
}
interface ClassMedia {
  classId: string;
  room: number;
  secret: string;
  pin: string;
  members: Map<string, Member>;
  /** Publishing feeds → user, in the order they were announced. */
  feeds: Map<number, string>;
}

const random = (n: number) => randomBytes(n).toString('base64url');
const key = (f: FeedRef) => `${f.feed}:${f.mid ?? ''}`;

export interface ClassMediaDeps {
  sfu: Sfu;
  recorder: ClassRecorder;
  io: Io;
  logger: Logger;
  classroom: () => ClassroomApi;
  now: () => number;
  /** How long a subscriber's link must stay clean before its layer steps up again (ms). */
  quietMs?: number;
}

/**
 * The class's media through Janus (decision 048): a room per class made when the first participant asks for media,
 * tokens per participant, who receives what (learners: the teacher, the spotlight and all audio; the teacher: pages of
 * learners), layers from slow_link and reported loss, the stored microphone/camera state enforced with `moderate`.
 * State lives in this process (one node per class); every call first rereads the participant's standing.
 */
export function createClassMedia(deps: ClassMediaDeps) {
  const { sfu, io, logger } = deps;
  const quietMs = deps.quietMs ?? 10_000;
  const classes = new Map<string, ClassMedia>();
  const locks = new Map<string, Promise<unknown>>();

  /** One change at a time per class: Janus calls for one class never interleave. */
  function serial<T>(classId: string, fn: () => Promise<T>): Promise<T> {
    const prev = locks.get(classId) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    locks.set(classId, tail);
    void tail.then(() => {
      if (locks.get(classId) === tail) locks.delete(classId);
    });
    return next;
  }
  const sfuRefusal = (f: SfuFail, what: string, classId: string): { ok: false; reason: MediaRefusal } => {
    logger.warn({ event: 'classmedia_sfu_refused', what, classId, reason: f.reason }, 'the media server refused');
    return { ok: false, reason: f.reason === 'sfu_down' ? 'media_unavailable' : f.reason === 'no_such_feed' ? 'no_media_yet' : 'media_refused' };
  };

  async function openRoom(classId: string): Promise<MediaResult<ClassMedia>> {
    const existing = classes.get(classId);
    if (existing) return { ok: true, value: existing };
    if (!sfu.status().up) return { ok: false, reason: 'media_unavailable' };
    const cm: ClassMedia = { classId, room: randomInt(1, 2 ** 47), secret: random(18), pin: random(12), members: new Map(), feeds: new Map() };
    // Every class room can be recorded: Janus writes nothing until the teacher starts a recording (per publisher).
    const made = await sfu.createRoom({ room: cm.room, secret: cm.secret, pin: cm.pin, tokens: [], publishers: 31, bitrateBps: CLASS_MEDIA_LIMITS.learnerVideoBps, description: `class ${classId}`, recordDir: deps.recorder.recordDirFor(cm.room) });
    if (!made.ok) return sfuRefusal(made, 'createRoom', classId);
    cm.room = made.value.room;
    classes.set(classId, cm);
    logger.info({ event: 'classmedia_room_created', classId, room: cm.room }, 'class media room created');
    return { ok: true, value: cm };
  }

  /** The member for this socket, joined at Janus; a new socket (a reload) gets fresh handles. */
  async function member(classId: string, userId: string, socketId: string): Promise<MediaResult<{ cm: ClassMedia; m: Member }>> {
    const standing = await deps.classroom().mediaStanding(classId, userId);
    if (!standing.ok) return standing;
    const room = await openRoom(classId);
    if (!room.ok) return room;
    const cm = room.value;
    let m = cm.members.get(userId);
    if (m && m.socketId !== socketId) {
      await dropHandles(cm, m);
      m.socketId = socketId;
    }
    if (!m) {
      m = { userId, role: standing.value.role, token: random(18), socketId, joined: null, mids: null, media: { audioMuted: standing.value.audioMuted, videoStopped: standing.value.videoStopped }, sub: null, subFeeds: [], teacherMid: null, page: 0, layer: 2, layerAt: deps.now() };
      const allowed = await sfu.allowTokens(cm.room, cm.secret, [m.token]);
      if (!allowed.ok) return sfuRefusal(allowed, 'allowTokens', classId);
      cm.members.set(userId, m);
    }
    m.media = { audioMuted: standing.value.audioMuted, videoStopped: standing.value.videoStopped };
    if (!m.joined) {
      const joined = await sfu.join({ room: cm.room, pin: cm.pin, token: m.token, display: userId });
      if (!joined.ok) return sfuRefusal(joined, 'join', classId);
      m.joined = joined.value;
      // Before the first publish: a learner without guardian consent is never written to a recording.
      if (!standing.value.recorded) {
        const ex = await sfu.excludeFromRecording(joined.value.peer, true);
        if (!ex.ok) return sfuRefusal(ex, 'excludeFromRecording', classId);
        logger.info({ event: 'classmedia_left_out_of_recording', classId, userId }, 'a learner without guardian consent is left out of recordings');
      }
    }
    return { ok: true, value: { cm, m } };
  }

  async function dropHandles(cm: ClassMedia, m: Member) {
    if (m.sub) await sfu.leave(m.sub);
    if (m.joined) {
      cm.feeds.delete(m.joined.feed);
      await sfu.leave(m.joined.peer);
    }
    Object.assign(m, { joined: null, mids: null, sub: null, subFeeds: [], teacherMid: null });
  }

  /** A subscription's m-lines as users; the teacher's video m-line is where layers are chosen. */
  function label(cm: ClassMedia, m: Member, streams: SubscribedStream[]): ClassMediaStream[] {
    const out = streams.flatMap((st) => {
      const userId = cm.feeds.get(st.feed);
      return userId ? [{ mid: st.mid, userId, kind: st.kind }] : [];
    });
    m.teacherMid = out.find((st) => st.kind === 'video' && cm.members.get(st.userId)?.role === 'teacher')?.mid ?? null;
    return out;
  }

  const publishing = (cm: ClassMedia) =>
    [...cm.feeds.entries()].flatMap(([feed, userId]) => {
      const p = cm.members.get(userId);
      return p?.mids ? [{ feed, p }] : [];
    });

  /** What one member receives now: learners the teacher (all), the spotlight's video and every audio; the teacher a page of learners. */
  async function wanted(cm: ClassMedia, m: Member): Promise<FeedRef[]> {
    const others = publishing(cm).filter(({ p }) => p.userId !== m.userId);
    const audio = others.filter(({ p }) => p.role !== 'teacher' && p.mids!.audio).map(({ feed, p }) => ({ feed, mid: p.mids!.audio! }));
    if (m.role === 'teacher') {
      const videos = others.filter(({ p }) => p.mids!.video).map(({ feed, p }) => ({ feed, mid: p.mids!.video! }));
      const size = CLASS_MEDIA_LIMITS.pageSize;
      return [...audio, ...videos.slice(m.page * size, (m.page + 1) * size)];
    }
    const teacher = others.filter(({ p }) => p.role === 'teacher').map(({ feed }) => ({ feed }));
    const standing = await deps.classroom().mediaStanding(cm.classId, m.userId);
    const spot = standing.ok ? standing.value.spotlightUserId : null;
    const spotlight = others.filter(({ p }) => p.userId === spot && p.mids!.video).map(({ feed, p }) => ({ feed, mid: p.mids!.video! }));
    return [...teacher, ...spotlight, ...audio];
  }

  /** Brings a member's receiving connection to what it should get; a changed offer goes to its socket. */
  async function resync(cm: ClassMedia, m: Member) {
    if (!m.sub) return;
    const want = await wanted(cm, m);
    const have = new Set(m.subFeeds.map(key));
    const wantKeys = new Set(want.map(key));
    const subscribe = want.filter((f) => !have.has(key(f)));
    const unsubscribe = m.subFeeds.filter((f) => !wantKeys.has(key(f)));
    if (!subscribe.length && !unsubscribe.length) return;
    const r = await sfu.update(m.sub, { subscribe, unsubscribe });
    if (!r.ok) return void sfuRefusal(r, 'update', cm.classId);
    m.subFeeds = want;
    const streams = label(cm, m, r.value.streams);
    if (r.value.offer) io.to(m.socketId).emit('class:media:offer', { classId: cm.classId, offer: r.value.offer as { type: 'offer'; sdp: string }, streams });
  }

  function announce(cm: ClassMedia) {
    const publishers: ClassPublisher[] = publishing(cm).map(({ feed, p }) => ({ feed, userId: p.userId, role: p.role }));
    io.to(classRoomOf(cm.classId)).emit('class:media:publishers', { classId: cm.classId, publishers });
  }

  /** The stored microphone and camera state, enforced at Janus for a publishing member. */
  async function moderate(cm: ClassMedia, m: Member) {
    if (!m.joined || !m.mids) return;
    for (const [mid, muted] of [[m.mids.audio, m.media.audioMuted], [m.mids.video, m.media.videoStopped]] as const) {
      if (!mid) continue;
      const r = await sfu.moderate(cm.room, cm.secret, m.joined.feed, mid, muted);
      if (!r.ok) sfuRefusal(r, 'moderate', cm.classId);
    }
    logger.info({ event: 'classmedia_moderated', classId: cm.classId, userId: m.userId, ...m.media }, 'media state enforced at the SFU');
  }

  async function setLayer(cm: ClassMedia, m: Member, layer: number, why: string) {
    if (!m.sub || !m.teacherMid || layer === m.layer || layer < 0 || layer > 2) return;
    const r = await sfu.configureSubscriber(m.sub, { mid: m.teacherMid, substream: layer });
    if (!r.ok) return void sfuRefusal(r, 'configureSubscriber', cm.classId);
    logger.info({ event: 'classmedia_layer_changed', classId: cm.classId, userId: m.userId, from: m.layer, to: layer, why }, 'teacher layer changed');
    m.layer = layer;
    m.layerAt = deps.now();
  }

  const byPeer = (peer: PeerId): { cm: ClassMedia; m: Member; target: 'publisher' | 'subscriber' } | null => {
    for (const cm of classes.values())
      for (const m of cm.members.values()) {
        if (m.joined?.peer === peer) return { cm, m, target: 'publisher' };
        if (m.sub === peer) return { cm, m, target: 'subscriber' };
      }
    return null;
  };
  const byFeed = (room: number, feed: number) => {
    for (const cm of classes.values()) if (cm.room === room) return { cm, m: cm.members.get(cm.feeds.get(feed) ?? '') ?? null };
    return null;
  };

  async function onSfuEvent(e: SfuEvent) {
    switch (e.type) {
      case 'publisher_joined': {
        const cm = [...classes.values()].find((c) => c.room === e.room);
        const m = cm && [...cm.members.values()].find((x) => x.joined?.feed === e.feed);
        if (!cm || !m) return;
        return serial(cm.classId, async () => {
          m.mids = { audio: e.streams.find((s) => s.kind === 'audio')?.mid ?? null, video: e.streams.find((s) => s.kind === 'video')?.mid ?? null };
          cm.feeds.set(e.feed, m.userId);
          await moderate(cm, m);
          logger.info({ event: 'classmedia_published', classId: cm.classId, userId: m.userId, feed: e.feed }, 'a participant publishes');
          announce(cm);
          for (const other of cm.members.values()) if (other !== m) await resync(cm, other);
        });
      }
      case 'publisher_left': {
        const found = byFeed(e.room, e.feed);
        if (!found?.m) return;
        const { cm, m } = found;
        return serial(cm.classId, async () => {
          cm.feeds.delete(e.feed);
          m.mids = null;
          for (const other of cm.members.values()) other.subFeeds = other.subFeeds.filter((f) => f.feed !== e.feed);
          announce(cm);
        });
      }
      case 'talking': {
        const found = byFeed(e.room, e.feed);
        if (found?.m) deps.classroom().setSpeaking(found.cm.classId, found.m.userId, e.talking);
        return;
      }
      case 'ice_candidate': {
        const found = byPeer(e.peer);
        if (found) io.to(found.m.socketId).emit('class:media:candidate', { classId: found.cm.classId, target: found.target, candidate: e.candidate });
        return;
      }
      case 'slow_link': {
        const found = byPeer(e.peer);
        if (found?.target === 'subscriber' && !e.uplink) await serial(found.cm.classId, () => setLayer(found.cm, found.m, found.m.layer - 1, 'slow_link'));
        return;
      }
      case 'restarted': {
        // Janus came back empty: the same classes get new rooms, and every client publishes and subscribes again.
        const old = [...classes.values()];
        classes.clear();
        for (const cm of old) {
          logger.warn({ event: 'classmedia_reconnecting', classId: cm.classId }, 'media server restarted: the class reconnects');
          io.to(classRoomOf(cm.classId)).emit('class:media:reconnecting', { classId: cm.classId });
        }
        return;
      }
      default:
        return;
    }
  }
  const recording = createClassRecording({ recorder: deps.recorder, logger, openRoom, room: (classId) => classes.get(classId) ?? null });
  const stopEvents = sfu.onEvent((e) => {
    onSfuEvent(e).catch((err: unknown) => logger.error({ err, event: 'classmedia_event_failed', type: e.type }, 'class media event failed'));
  });

  const port: ClassroomMediaPort = {
    async apply(classId, userId, state) {
      await serial(classId, async () => {
        const cm = classes.get(classId);
        const m = cm?.members.get(userId);
        if (!cm || !m) return;
        m.media = { ...state };
        await moderate(cm, m);
      });
    },
    async remove(classId, userId) {
      await serial(classId, async () => {
        const cm = classes.get(classId);
        const m = cm?.members.get(userId);
        if (!cm || !m) return;
        if (m.joined && m.mids) {
          const k = await sfu.kick(cm.room, cm.secret, m.joined.feed);
          if (!k.ok && k.reason !== 'no_such_feed') sfuRefusal(k, 'kick', classId);
        }
        await sfu.disallowTokens(cm.room, cm.secret, [m.token]);
        await dropHandles(cm, m);
        cm.members.delete(userId);
        io.to(m.socketId).emit('class:media:closed', { classId, reason: 'removed' });
        logger.info({ event: 'classmedia_kicked', classId, userId }, 'a removed participant’s media was kicked');
        announce(cm);
      });
    },
    record: (classId, req) => serial(classId, () => recording.record(classId, req)),
    async end(classId) {
      await serial(classId, async () => {
        const cm = classes.get(classId);
        if (!cm) return;
        classes.delete(classId);
        for (const m of cm.members.values()) await dropHandles(cm, m);
        const r = await sfu.destroyRoom(cm.room, cm.secret);
        if (!r.ok && r.reason !== 'no_such_room') sfuRefusal(r, 'destroyRoom', classId);
        io.to(classRoomOf(classId)).emit('class:media:closed', { classId, reason: 'ended' });
        logger.info({ event: 'classmedia_room_destroyed', classId, room: cm.room }, 'class media room destroyed');
      });
    },
  };

  return {
    port,
    close: stopEvents,
    publish: (classId: string, userId: string, socketId: string, offer: Jsep) =>
      serial(classId, async (): Promise<MediaResult<{ answer: Jsep }>> => {
        const got = await member(classId, userId, socketId);
        if (!got.ok) return got;
        const { cm, m } = got.value;
        const r = await sfu.publish(m.joined!.peer, { offer, bitrateBps: m.role === 'teacher' ? 2_000_000 : CLASS_MEDIA_LIMITS.learnerVideoBps });
        return r.ok ? r : sfuRefusal(r, 'publish', cm.classId);
      }),
    subscribe: (classId: string, userId: string, socketId: string) =>
      serial(classId, async (): Promise<MediaResult<{ offer: Jsep; streams: ClassMediaStream[] }>> => {
        const got = await member(classId, userId, socketId);
        if (!got.ok) return got;
        const { cm, m } = got.value;
        const feeds = await wanted(cm, m);
        if (!feeds.length) return { ok: false, reason: 'no_media_yet' };
        if (m.sub) await sfu.leave(m.sub);
        m.sub = null;
        const r = await sfu.subscribe({ room: cm.room, pin: cm.pin, privateId: m.joined!.privateId, feeds });
        if (!r.ok) return sfuRefusal(r, 'subscribe', classId);
        Object.assign(m, { sub: r.value.peer, subFeeds: feeds, layer: 2, layerAt: deps.now() });
        return { ok: true, value: { offer: r.value.offer, streams: label(cm, m, r.value.streams) } };
      }),
    /** The rest act on a member this socket already made. */
    async withMember<T>(classId: string, userId: string, socketId: string, fn: (cm: ClassMedia, m: Member) => Promise<MediaResult<T>>): Promise<MediaResult<T>> {
      return serial(classId, async () => {
        const standing = await deps.classroom().mediaStanding(classId, userId);
        if (!standing.ok) return standing;
        const cm = classes.get(classId);
        const m = cm?.members.get(userId);
        if (!cm || !m || m.socketId !== socketId) return { ok: false, reason: 'not_publishing' };
        return fn(cm, m);
      });
    },
    start: (cm: ClassMedia, m: Member, answer: Jsep) => (m.sub ? sfu.start(m.sub, answer).then((r) => (r.ok ? r : sfuRefusal(r, 'start', cm.classId))) : Promise.resolve({ ok: false as const, reason: 'not_receiving' as const })),
    trickle: async (cm: ClassMedia, m: Member, target: 'publisher' | 'subscriber', c: IceCandidate | null): Promise<MediaResult<void>> => {
      const peer = target === 'publisher' ? m.joined?.peer : m.sub;
      if (!peer) return { ok: false, reason: target === 'publisher' ? 'not_publishing' : 'not_receiving' };
      const r = await sfu.trickle(peer, c);
      return r.ok ? r : sfuRefusal(r, 'trickle', cm.classId);
    },
    restart: async (cm: ClassMedia, m: Member, target: 'publisher' | 'subscriber', offer: Jsep | undefined): Promise<MediaResult<{ answer?: Jsep; offer?: Jsep }>> => {
      if (target === 'publisher') {
        if (!m.joined || !offer) return { ok: false, reason: 'not_publishing' };
        const r = await sfu.publish(m.joined.peer, { offer });
        return r.ok ? { ok: true, value: { answer: r.value.answer } } : sfuRefusal(r, 'publish', cm.classId);
      }
      if (!m.sub) return { ok: false, reason: 'not_receiving' };
      const r = await sfu.configureSubscriber(m.sub, { restart: true });
      logger.info({ event: 'classmedia_ice_restart', classId: cm.classId, userId: m.userId }, 'ICE restart for a receiving connection');
      return r.ok ? { ok: true, value: r.value.offer ? { offer: r.value.offer } : {} } : sfuRefusal(r, 'configureSubscriber', cm.classId);
    },
    page: async (cm: ClassMedia, m: Member, page: number): Promise<MediaResult<void>> => {
      if (m.role !== 'teacher') return { ok: false, reason: 'teacher_only' };
      m.page = page;
      await resync(cm, m);
      return { ok: true, value: undefined };
    },
    stats: async (cm: ClassMedia, m: Member, lossPct: number): Promise<MediaResult<void>> => {
      if (lossPct > 5) await setLayer(cm, m, m.layer - 1, 'reported_loss');
      else if (lossPct < 1 && deps.now() - m.layerAt >= quietMs) await setLayer(cm, m, m.layer + 1, 'quiet');
      return { ok: true, value: undefined };
    },
  };
}
export type ClassMediaService = ReturnType<typeof createClassMedia>;
