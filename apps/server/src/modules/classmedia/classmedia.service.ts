import { CLASS_MEDIA_LIMITS, type ClassMediaSource, type ClassMediaStats, type ClassMediaStream, classRoomOf } from '@tutorline/contracts';
import type { IceCandidate, Jsep, SfuEvent } from '../../integrations/janus';
import type { ClassroomMediaPort } from '../classroom';
import { type ClassMedia, type ClassMediaDeps, createMediaCore, type MediaResult, type Member } from './classmedia.core';
import { createLinkControl } from './classmedia.link';
import { createClassRecording } from './classmedia.recording';
import { TOP_LEVEL } from './classmedia.rules';
import { createScreenShare } from './classmedia.screen';

export type { ClassMediaDeps, MediaRefusal, MediaResult } from './classmedia.core';

/**
 * The class's media through Janus (decision 048): a room per class made when the first participant asks for media,
 * tokens per participant, who receives what (classmedia.picks.ts), a screen share as a second feed
 * (classmedia.screen.ts), layers and the low-bandwidth mode from slow_link and the client's stats
 * (classmedia.link.ts), the stored microphone/camera state enforced with `moderate`, and media events on the class's
 * timeline. State lives in this process (one node per class); every call first rereads the participant's standing.
 */
export function createClassMedia(deps: ClassMediaDeps) {
  const { sfu, io, logger } = deps;
  const core = createMediaCore(deps);
  const { classes, serial } = core;
  const link = createLinkControl({ core, io, logger, now: deps.now, sfu });
  const screen = createScreenShare({ core, sfu, io, logger });

  async function onSfuEvent(e: SfuEvent) {
    switch (e.type) {
      case 'publisher_joined': {
        const cm = [...classes.values()].find((c) => c.room === e.room);
        const m = cm && [...cm.members.values()].find((x) => x.joined?.feed === e.feed || x.screen?.joined.feed === e.feed);
        if (!cm || !m) return;
        return serial(cm.classId, async () => {
          const video = e.streams.find((s) => s.kind === 'video')?.mid ?? null;
          const source: ClassMediaSource = m.screen?.joined.feed === e.feed ? 'screen' : 'camera';
          if (source === 'screen') m.screen!.mid = video;
          else m.mids = { audio: e.streams.find((s) => s.kind === 'audio')?.mid ?? null, video };
          cm.feeds.set(e.feed, { userId: m.userId, source });
          if (source === 'camera') await core.moderate(cm, m);
          logger.info({ event: 'classmedia_published', classId: cm.classId, userId: m.userId, feed: e.feed, source }, 'a participant publishes');
          core.announce(cm);
          for (const other of cm.members.values()) if (other !== m) await core.resync(cm, other);
        });
      }
      case 'publisher_left': {
        const cm = [...classes.values()].find((c) => c.room === e.room);
        const f = cm?.feeds.get(e.feed);
        const m = cm && f ? cm.members.get(f.userId) : undefined;
        if (!cm || !f || !m) return;
        return serial(cm.classId, async () => {
          cm.feeds.delete(e.feed);
          if (f.source === 'screen') m.screen = null;
          else m.mids = null;
          for (const other of cm.members.values()) other.subFeeds = other.subFeeds.filter((x) => x.feed !== e.feed);
          await core.timeline(cm.classId, m.userId, 'media-leave', { source: f.source });
          core.announce(cm);
        });
      }
      case 'talking': {
        const cm = [...classes.values()].find((c) => c.room === e.room);
        const f = cm?.feeds.get(e.feed);
        if (cm && f?.source === 'camera') deps.classroom().setSpeaking(cm.classId, f.userId, e.talking);
        return;
      }
      case 'ice_candidate': {
        const found = core.byPeer(e.peer);
        if (!found) return;
        const named = found.target === 'subscriber' ? { sub: e.peer } : found.source === 'screen' ? { source: 'screen' as const } : {};
        io.to(found.m.socketId).emit('class:media:candidate', { classId: found.cm.classId, target: found.target, candidate: e.candidate, ...named });
        return;
      }
      case 'subscriber_offer': {
        const found = core.byPeer(e.peer);
        if (found?.target !== 'subscriber') return;
        const { cm, m } = found;
        return serial(cm.classId, async () => {
          if (m.sub !== e.peer) return;
          const streams = core.label(cm, m, e.streams);
          m.awaitingAnswer = true;
          io.to(m.socketId).emit('class:media:offer', { classId: cm.classId, offer: e.offer as { type: 'offer'; sdp: string }, streams, sub: e.peer });
        });
      }
      case 'webrtcup':
      case 'hangup': {
        const found = core.byPeer(e.peer);
        if (!found) return;
        const data = { target: found.target, source: found.source, ...(e.type === 'hangup' ? { reason: e.reason } : {}) };
        return core.timeline(found.cm.classId, found.m.userId, e.type === 'webrtcup' ? 'media-up' : 'media-hangup', data);
      }
      case 'slow_link': {
        const found = core.byPeer(e.peer);
        if (found?.target === 'subscriber' && !e.uplink) await serial(found.cm.classId, () => link.slowLink(found.cm, found.m));
        return;
      }
      case 'restarted': {
        // Janus came back empty: the same classes get new rooms, and every client publishes and subscribes again.
        const old = new Set([...classes.values()].map((cm) => cm.classId));
        classes.clear();
        for (const classId of old) {
          logger.warn({ event: 'classmedia_reconnecting', classId }, 'media server restarted: the class reconnects');
          io.to(classRoomOf(classId)).emit('class:media:reconnecting', { classId });
          await core.timeline(classId, null, 'media-reconnect', { how: 'media-server-restarted' });
        }
        return;
      }
      default:
        return;
    }
  }
  // The class's main room is what is recorded (breakout groups are not).
  const recording = createClassRecording({ recorder: deps.recorder, logger, openRoom: (classId) => core.openRoom(classId, null), room: (classId) => classes.get(core.roomKey(classId, null)) ?? null });
  const stopEvents = sfu.onEvent((e) => {
    onSfuEvent(e).catch((err: unknown) => logger.error({ err, event: 'classmedia_event_failed', type: e.type }, 'class media event failed'));
  });

  const port: ClassroomMediaPort = {
    async apply(classId, userId, state) {
      await serial(classId, async () => {
        const found = core.findMember(classId, userId);
        if (!found) return;
        const { cm, m } = found;
        m.media = { ...state };
        await core.moderate(cm, m);
        if (m.joined && m.mids) await core.timeline(classId, userId, 'media-moderated', { ...state });
      });
    },
    async remove(classId, userId) {
      await serial(classId, async () => {
        const found = core.findMember(classId, userId);
        if (!found) return;
        const { cm, m } = found;
        for (const feed of [m.joined && m.mids ? m.joined.feed : null, m.screen?.joined.feed ?? null]) {
          if (feed === null) continue;
          const k = await sfu.kick(cm.room, cm.secret, feed);
          if (!k.ok && k.reason !== 'no_such_feed') core.sfuRefusal(k, 'kick', classId);
        }
        await sfu.disallowTokens(cm.room, cm.secret, [m.token]);
        await core.dropHandles(cm, m);
        cm.members.delete(userId);
        io.to(m.socketId).emit('class:media:closed', { classId, reason: 'removed' });
        logger.info({ event: 'classmedia_kicked', classId, userId }, 'a removed participant’s media was kicked');
        await core.timeline(classId, userId, 'media-kicked');
        core.announce(cm);
      });
    },
    record: (classId, req) => serial(classId, () => recording.record(classId, req)),
    async end(classId) {
      await serial(classId, async () => {
        const rooms = core.roomsOf(classId);
        if (!rooms.length) return;
        for (const cm of rooms) {
          classes.delete(core.roomKey(classId, cm.groupId));
          for (const m of cm.members.values()) await core.dropHandles(cm, m);
          const r = await sfu.destroyRoom(cm.room, cm.secret);
          if (!r.ok && r.reason !== 'no_such_room') core.sfuRefusal(r, 'destroyRoom', classId);
          logger.info({ event: 'classmedia_room_destroyed', classId, groupId: cm.groupId, room: cm.room }, 'class media room destroyed');
        }
        io.to(classRoomOf(classId)).emit('class:media:closed', { classId, reason: 'ended' });
        await core.timeline(classId, null, 'media-room-closed');
      });
    },
  };

  /** A message for a receiving connection that has since been replaced: refused, and nothing at Janus changes. */
  const stale = (cm: ClassMedia, m: Member, what: 'answer' | 'candidate'): MediaResult<void> => {
    logger.info({ event: 'classmedia_stale_subscriber', classId: cm.classId, userId: m.userId, what }, 'a message for a replaced receiving connection was ignored');
    return { ok: false, reason: 'not_receiving' };
  };

  /** The publishing handle a source names (camera: the joined handle; screen: the share's). */
  const publisherPeer = (m: Member, source: ClassMediaSource | undefined) => (source === 'screen' ? m.screen?.joined.peer : m.joined?.peer);

  return {
    port,
    close: stopEvents,
    publish: (classId: string, userId: string, socketId: string, offer: Jsep, source: ClassMediaSource = 'camera') =>
      serial(classId, async (): Promise<MediaResult<{ answer: Jsep }>> => {
        const got = await core.member(classId, userId, socketId);
        if (!got.ok) return got;
        const { cm, m } = got.value;
        if (source === 'screen') return screen.publish(cm, m, offer);
        const r = await sfu.publish(m.joined!.peer, { offer, bitrateBps: m.role === 'teacher' ? 2_000_000 : CLASS_MEDIA_LIMITS.learnerVideoBps });
        return r.ok ? r : core.sfuRefusal(r, 'publish', cm.classId);
      }),
    subscribe: (classId: string, userId: string, socketId: string) =>
      serial(classId, async (): Promise<MediaResult<{ offer: Jsep; streams: ClassMediaStream[]; sub: string }>> => {
        const got = await core.member(classId, userId, socketId);
        if (!got.ok) return got;
        const { cm, m } = got.value;
        const feeds = await core.wanted(cm, m);
        if (!feeds.length) return { ok: false, reason: 'no_media_yet' };
        if (m.sub) await sfu.leave(m.sub);
        m.sub = null;
        const r = await sfu.subscribe({ room: cm.room, pin: cm.pin, privateId: m.joined!.privateId, feeds });
        if (!r.ok) return core.sfuRefusal(r, 'subscribe', classId);
        logger.info({ event: 'classmedia_subscribed', classId, groupId: cm.groupId, userId, feeds: feeds.length }, 'a participant receives');
        // A new connection starts on Janus's best layer; the mode (audio-only or not) carries over.
        Object.assign(m, { sub: r.value.peer, subFeeds: feeds, connectedVia: null, link: { ...m.link, level: TOP_LEVEL, cleanSince: deps.now(), badRun: 0 }, awaitingAnswer: true, resyncAfterAnswer: false });
        return { ok: true, value: { offer: r.value.offer, streams: core.label(cm, m, r.value.streams), sub: r.value.peer } };
      }),
    /** The rest act on a member this socket already made. */
    async withMember<T>(classId: string, userId: string, socketId: string, fn: (cm: ClassMedia, m: Member) => Promise<MediaResult<T>>): Promise<MediaResult<T>> {
      return serial(classId, async () => {
        const standing = await deps.classroom().mediaStanding(classId, userId);
        if (!standing.ok) return standing;
        const found = core.findMember(classId, userId);
        if (!found || found.m.socketId !== socketId || found.cm.groupId !== standing.value.groupId) return { ok: false, reason: 'not_publishing' };
        return fn(found.cm, found.m);
      });
    },
    start: async (cm: ClassMedia, m: Member, answer: Jsep, sub?: string): Promise<MediaResult<void>> => {
      if (!m.sub) return { ok: false, reason: 'not_receiving' };
      // An answer made for a receiving connection this one replaced (a move, a reload): applying it here would
      // negotiate the new handle with the old connection's description and clear the wait for the real answer.
      if (sub !== undefined && sub !== m.sub) return stale(cm, m, 'answer');
      const r = await sfu.start(m.sub, answer);
      if (!r.ok) return core.sfuRefusal(r, 'start', cm.classId);
      m.awaitingAnswer = false;
      // Publishers that came or went while this answer was on its way: one update now, with its own offer.
      if (m.resyncAfterAnswer) {
        m.resyncAfterAnswer = false;
        await core.resync(cm, m);
      }
      return r;
    },
    trickle: async (cm: ClassMedia, m: Member, target: 'publisher' | 'subscriber', c: IceCandidate | null, source?: ClassMediaSource, sub?: string): Promise<MediaResult<void>> => {
      if (target === 'subscriber' && sub !== undefined && m.sub && sub !== m.sub) return stale(cm, m, 'candidate');
      const peer = target === 'publisher' ? publisherPeer(m, source) : m.sub;
      if (!peer) return { ok: false, reason: target === 'publisher' ? 'not_publishing' : 'not_receiving' };
      const r = await sfu.trickle(peer, c);
      return r.ok ? r : core.sfuRefusal(r, 'trickle', cm.classId);
    },
    restart: async (cm: ClassMedia, m: Member, target: 'publisher' | 'subscriber', offer: Jsep | undefined, source?: ClassMediaSource): Promise<MediaResult<{ answer?: Jsep; offer?: Jsep; sub?: string }>> => {
      await core.timeline(cm.classId, m.userId, 'media-reconnect', { how: 'ice-restart', target, source: source ?? 'camera' });
      if (target === 'publisher') {
        const peer = publisherPeer(m, source);
        if (!peer || !offer) return { ok: false, reason: 'not_publishing' };
        const r = await sfu.publish(peer, { offer });
        return r.ok ? { ok: true, value: { answer: r.value.answer } } : core.sfuRefusal(r, 'publish', cm.classId);
      }
      if (!m.sub) return { ok: false, reason: 'not_receiving' };
      const r = await sfu.configureSubscriber(m.sub, { restart: true });
      logger.info({ event: 'classmedia_ice_restart', classId: cm.classId, userId: m.userId }, 'ICE restart for a receiving connection');
      return r.ok ? { ok: true, value: r.value.offer ? { offer: r.value.offer, sub: m.sub } : {} } : core.sfuRefusal(r, 'configureSubscriber', cm.classId);
    },
    page: async (cm: ClassMedia, m: Member, page: number): Promise<MediaResult<void>> => {
      if (m.role !== 'teacher') return { ok: false, reason: 'teacher_only' };
      m.page = page;
      await core.resync(cm, m);
      return { ok: true, value: undefined };
    },
    stats: (cm: ClassMedia, m: Member, report: Omit<ClassMediaStats, 'classId'>) => link.stats(cm, m, report),
    mode: (cm: ClassMedia, m: Member, audioOnly: boolean) => link.choose(cm, m, audioOnly),
    unpublish: (cm: ClassMedia, m: Member, source: ClassMediaSource): Promise<MediaResult<void>> =>
      source === 'screen' ? screen.stop(cm, m) : Promise.resolve({ ok: false, reason: 'media_refused' }),
    screenPermission: (cm: ClassMedia, m: Member, userId: string, allowed: boolean) => screen.permit(cm, m, userId, allowed),
  };
}
export type ClassMediaService = ReturnType<typeof createClassMedia>;
