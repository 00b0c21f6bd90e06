/**
 * The selective forwarding unit as the classroom sees it (issue #15). Browsers never talk to Janus: the server relays
 * each client's SDP and ICE candidates over Socket.IO to these calls and sends back what they return.
 *
 * How the classroom wires it (decision 045):
 * - `fastify.sfu.status()` says whether live classes can run (`{ up: false, reason }` otherwise: show the reason).
 * - A class opens: `createRoom({ secret, pin, tokens })` with one random token per participant (keep secret and pin
 *   on the server). Add late joiners' tokens with `allowTokens`, remove a kicked one with `disallowTokens` + `kick`.
 * - A participant joins: `join({ room, pin, token, display })`; keep `peer` (for publish/trickle/leave), `feed` (what
 *   others subscribe to) and `privateId` (their subscriptions need it). Client offer → `publish(peer, { offer,
 *   bitrateBps })` → send `answer` back; the same call takes a later offer (renegotiation, ICE restart).
 *   Client candidates → `trickle(peer, candidate)`; Janus's candidates arrive as `ice_candidate` events for `peer`.
 * - A feed can be received once the `publisher_joined` event has announced it (before that: `no_such_feed`).
 * - A participant receives: `subscribe({ room, pin, privateId, feeds })` → Janus's `offer` to the client → the client's
 *   answer → `start(peer, answer)`. Paging thumbnails: `update(peer, { subscribe, unsubscribe })`, whose offer (if any)
 *   goes through the same answer → `start` path. Layers: `configureSubscriber(peer, { mid, substream, temporal })`,
 *   chosen by the server from `slow_link` events and client stats (Janus never adapts by itself).
 * - Reconnect: `configureSubscriber(peer, { restart: true })` returns a fresh offer; a publisher sends a new offer with
 *   ICE restart through `publish(peer, { offer })` again.
 * - Teacher controls are enforced here, not in the page: `moderate(room, feed, mid, muted)` mutes one m-line at Janus
 *   (the student's media is dropped even if their page unmutes); `kick`.
 * - `restarted` means Janus came back empty: re-create the rooms (same tokens) and ask every client to republish and
 *   resubscribe. `down` means it is gone for now.
 * - Recording (decision 049): a room created with `recordDir` is recorded between `startRecording(room, secret, name)` and
 *   `stopRecording`; each recorded publisher's streams land in `<recordDir>/<name>-feed-<feed>-{audio,video}-<n>.mjr`.
 *   `excludeFromRecording(peer, true)` (a learner without guardian consent) keeps that publisher out, before or during
 *   a recording. Only the server changes recording (`lock_record`, the room secret).
 * Business outcomes come back as results (`SfuResult`), never throws; a fault in our own code still throws.
 */
import type { Fail, Result } from '../../platform/result';

export type SfuStatus = { up: true; apiUrl: string; pid: number | null } | { up: false; reason: string };

export interface Jsep {
  type: 'offer' | 'answer';
  sdp: string;
}

export interface IceCandidate {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
}

/** A handle at Janus for one participant's publishing or receiving side. */
export type PeerId = string;

export interface RoomSpec {
  /** Our own numeric id (e.g. a hash of the class id); random when absent. */
  room?: number;
  description?: string;
  secret: string;
  pin: string;
  /** The only tokens that may join (`allowed`). */
  tokens: string[];
  /** Up to 31 publishers (Janus's limit in one room that the thumbnails need). */
  publishers?: number;
  /** Per publisher, bits per second (the teacher's publish call may set a higher cap). */
  bitrateBps?: number;
  /** Talking events at this level (0 loudest … 127 silence); 55 by default. */
  talkingLevel?: number;
  /** Where Janus writes this room's recordings (`.mjr`); a room without one cannot be recorded. */
  recordDir?: string;
}

export interface FeedRef {
  feed: number;
  /** A specific stream of the feed (its m-line mid); every stream when absent. */
  mid?: string;
}

export interface Participant {
  peer: PeerId;
  feed: number;
  privateId: number;
}

/** One m-line of a subscription and the feed it carries. */
export interface SubscribedStream {
  mid: string;
  feed: number;
  kind: string;
}

export interface Subscriber {
  peer: PeerId;
  offer: Jsep;
  streams: SubscribedStream[];
}

export type SfuEvent =
  | { type: 'publisher_joined'; room: number; feed: number; display: string | null; streams: { mid: string; kind: string; simulcast: boolean }[] }
  | { type: 'publisher_left'; room: number; feed: number }
  | { type: 'talking'; room: number; feed: number; talking: boolean; audioLevel: number | null }
  | { type: 'webrtcup'; peer: PeerId }
  | { type: 'media'; peer: PeerId; kind: string; mid: string | null; receiving: boolean }
  | { type: 'slow_link'; peer: PeerId; uplink: boolean; media: string | null; mid: string | null; lost: number }
  | { type: 'hangup'; peer: PeerId; reason: string | null }
  | { type: 'ice_candidate'; peer: PeerId; candidate: IceCandidate | null }
  /** Janus renegotiated a subscription by itself (a feed it carried left): send the offer to the client, answer with `start`. */
  | { type: 'subscriber_offer'; peer: PeerId; offer: Jsep; streams: SubscribedStream[] }
  | { type: 'kicked'; room: number; feed: number }
  | { type: 'down'; reason: string }
  | { type: 'restarted' };

/** Why Janus refused (its videoroom error codes, grouped by what the caller does next). */
export type SfuFail =
  | Fail<'sfu_down'>
  | Fail<'no_such_room'>
  | Fail<'room_exists'>
  | Fail<'no_such_feed'>
  | Fail<'no_such_peer'>
  | Fail<'unauthorized'>
  | Fail<'room_full'>
  | Fail<'not_recordable'>
  | Fail<'refused', { code: number; message: string }>;

export type SfuResult<T> = Result<T, SfuFail>;

export interface Sfu {
  status(): SfuStatus;
  /** Every event; returns the unsubscribe. */
  onEvent(listener: (event: SfuEvent) => void): () => void;
  createRoom(spec: RoomSpec): Promise<SfuResult<{ room: number }>>;
  destroyRoom(room: number, secret: string): Promise<SfuResult<void>>;
  allowTokens(room: number, secret: string, tokens: string[]): Promise<SfuResult<void>>;
  disallowTokens(room: number, secret: string, tokens: string[]): Promise<SfuResult<void>>;
  /** Mutes (or unmutes) one stream of a publisher at Janus: nothing of it is forwarded while muted. */
  moderate(room: number, secret: string, feed: number, mid: string, muted: boolean): Promise<SfuResult<void>>;
  kick(room: number, secret: string, feed: number): Promise<SfuResult<void>>;
  /** Joins a room as a participant (checked against pin and token); nothing is sent until `publish`. */
  join(req: { room: number; pin: string; token: string; display: string }): Promise<SfuResult<Participant>>;
  /** A participant's offer (first, renegotiation or ICE restart), with a bitrate cap; Janus's answer back. */
  publish(peer: PeerId, req: { offer: Jsep; bitrateBps?: number }): Promise<SfuResult<{ answer: Jsep }>>;
  subscribe(req: { room: number; pin: string; privateId: number; feeds: FeedRef[] }): Promise<SfuResult<Subscriber>>;
  start(peer: PeerId, answer: Jsep): Promise<SfuResult<void>>;
  /** Changes what a subscriber receives; Janus's new offer when the streams changed. */
  update(peer: PeerId, change: { subscribe?: FeedRef[]; unsubscribe?: FeedRef[] }): Promise<SfuResult<{ offer: Jsep | null; streams: SubscribedStream[] }>>;
  /** A simulcast layer for one stream, and/or an ICE restart (which returns Janus's new offer). */
  configureSubscriber(peer: PeerId, change: { mid?: string; substream?: number; temporal?: number; restart?: boolean }): Promise<SfuResult<{ offer: Jsep | null }>>;
  /** A client's candidate; null when it has gathered all. */
  trickle(peer: PeerId, candidate: IceCandidate | null): Promise<SfuResult<void>>;
  /** Records every publisher not excluded, now and as they publish, until `stopRecording`. */
  startRecording(room: number, secret: string, name: string): Promise<SfuResult<void>>;
  stopRecording(room: number, secret: string): Promise<SfuResult<void>>;
  /** Keeps a publisher out of the room's recordings (or lets it back in). */
  excludeFromRecording(peer: PeerId, excluded: boolean): Promise<SfuResult<void>>;
  /** Hangs up and forgets a peer (a publisher's feed leaves the room). */
  leave(peer: PeerId): Promise<void>;
}
