import { randomBytes, randomInt } from 'node:crypto';
import Janode, { type JanodeConnection, type JanodeSession } from 'janode';
import type { JanusMessage } from 'janode/handle';
import type { Logger } from '../../platform/logger';
import { fail, ok } from '../../platform/result';
import type { FeedRef, IceCandidate, Jsep, Participant, PeerId, Sfu, SfuEvent, SfuResult, SfuStatus, SubscribedStream, Subscriber } from './sfu';
import { roomEvents } from './janus.events';
import { createRoomRequest, forwardHandleEvents, requestTimeoutMs, streamRef, subscribedStreams, VideoRoomHandle, videoRoomRequest } from './janus.handle';
import { JanusRecordings, type RecordingPeer } from './janus.recording';

Janode.Logger.setLevel('none');

type Log = Pick<Logger, 'info' | 'warn' | 'error'>;

interface Peer extends RecordingPeer {
  handle: VideoRoomHandle;
  /** An `update` of ours is waiting for Janus's result: its offer is that call's answer, not an event. */
  updating?: boolean;
}

const monitorDisplay = 'tutorline-monitor';

/**
 * The Sfu on Janus's videoroom through janode. Connected by the supervisor (janus.process.ts) whenever Janus is up;
 * while it is not, every call answers `sfu_down`.
 */
export class JanusSfu implements Sfu {
  private connection: JanodeConnection | null = null;
  private session: JanodeSession | null = null;
  private control: VideoRoomHandle | null = null;
  private current: SfuStatus = { up: false, reason: 'live classes need the media server (janus), which has not started yet' };
  private readonly peers = new Map<PeerId, Peer>();
  private readonly monitors = new Map<number, VideoRoomHandle>();
  private readonly listeners = new Set<(e: SfuEvent) => void>();
  private readonly recordings: JanusRecordings;

  private adminKey = '';

  constructor(private readonly opts: { logger: Log }) {
    this.recordings = new JanusRecordings({
      logger: opts.logger,
      up: () => this.current.up,
      peers: () => this.peers.values(),
      configure: (p, body) => this.request((p as Peer).handle, body),
      control: (body) => this.request(this.control, body),
    });
  }

  status(): SfuStatus {
    return this.current;
  }

  onEvent(listener: (e: SfuEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Opens the API connection and a session; `restarted` tells listeners that rooms from before are gone. */
  async connect(target: { apiUrl: string; apiSecret: string; adminKey: string; pid: number | null; restarted: boolean }): Promise<void> {
    const connection = await Janode.connect({ address: { url: target.apiUrl, apisecret: target.apiSecret }, retry_time_secs: 1, max_retries: 0 });
    const session = await connection.create(20);
    const control = await session.attach({ id: 'janus.plugin.videoroom', Handle: VideoRoomHandle });
    this.adminKey = target.adminKey;
    this.connection = connection;
    this.session = session;
    this.control = control;
    connection.once(Janode.EVENT.CONNECTION_CLOSED, () => this.lost(connection, 'the media server (janus) closed its connection'));
    connection.once(Janode.EVENT.CONNECTION_ERROR, (err: Error) => this.lost(connection, `the media server (janus) connection failed: ${err.message}`));
    this.current = { up: true, apiUrl: target.apiUrl, pid: target.pid };
    this.opts.logger.info({ event: 'sfu_connected', apiUrl: target.apiUrl, janusPid: target.pid, restarted: target.restarted }, 'connected to the media server (janus)');
    if (target.restarted) this.emit({ type: 'restarted' });
  }

  /** Janus went away (process exit, closed connection): forget every handle and say so once. */
  markDown(reason: string): void {
    if (!this.current.up && this.connection === null) {
      this.current = { up: false, reason };
      return;
    }
    const connection = this.connection;
    this.connection = null;
    this.session = null;
    this.control = null;
    this.peers.clear();
    this.monitors.clear();
    this.recordings.clear();
    this.current = { up: false, reason };
    this.opts.logger.warn({ event: 'sfu_down', reason }, 'the media server (janus) is down');
    this.emit({ type: 'down', reason });
    void connection?.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = null;
    this.current = { up: false, reason: 'the media server (janus) was stopped' };
    await this.session?.destroy().catch(() => undefined);
    await connection?.close().catch(() => undefined);
  }

  private lost(connection: JanodeConnection, reason: string): void {
    if (this.connection === connection) this.markDown(reason);
  }

  private emit(event: SfuEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        this.opts.logger.error({ err, event: 'sfu_listener_failed', sfuEvent: event.type }, 'an SFU event listener failed');
      }
    }
  }

  /** One videoroom request; Janus's refusals become results, a lost Janus `sfu_down`. */
  private request(handle: VideoRoomHandle | null, body: Record<string, unknown>, jsep?: Jsep) {
    return videoRoomRequest(handle, body, jsep, () => this.current.up);
  }

  private async attach(room: number, role: Peer['role']): Promise<SfuResult<{ peer: PeerId; handle: VideoRoomHandle }>> {
    if (!this.session || !this.current.up) return fail('sfu_down');
    let handle: VideoRoomHandle;
    try {
      handle = await this.session.attach({ id: 'janus.plugin.videoroom', Handle: VideoRoomHandle });
    } catch (err) {
      return this.current.up ? fail('refused', { code: 0, message: (err as Error).message }) : fail('sfu_down');
    }
    const peer = String(handle.id);
    this.peers.set(peer, { handle, room, role, feed: null });
    if (role === 'subscriber')
      // Janus renegotiates by itself when a received feed leaves ("updated" with an offer): the client must answer it,
      // or Janus holds every later update until it does.
      handle.on('videoroom', (msg: JanusMessage) => {
        const data = msg.plugindata?.data ?? {};
        if (data.videoroom === 'updated' && msg.jsep && !this.peers.get(peer)?.updating) this.emit({ type: 'subscriber_offer', peer, offer: msg.jsep, streams: subscribedStreams(data) });
      });
    forwardHandleEvents(handle, peer, (e) => this.emit(e));
    return ok({ peer, handle });
  }

  async createRoom(spec: Parameters<Sfu['createRoom']>[0]): Promise<SfuResult<{ room: number }>> {
    const room = spec.room ?? randomInt(1, 2 ** 47);
    // The monitor is the server's own participant: it never publishes, and hears who joins, leaves and talks.
    const monitorToken = randomBytes(18).toString('base64url');
    // Recording is started per publisher by the server (startRecording), never by a participant.
    const created = await this.request(this.control, { ...createRoomRequest(spec, room, this.adminKey, monitorToken), ...this.recordings.createFields(spec.recordDir) });
    if (!created.ok) return created;
    const monitor = await this.attach(room, 'monitor');
    if (!monitor.ok) return monitor;
    const { handle } = monitor.value;
    const published = new Set<number>();
    handle.on('videoroom', (msg: JanusMessage) => {
      for (const e of roomEvents(room, msg.plugindata?.data ?? {}, monitorDisplay, published)) this.emit(e);
    });
    const joined = await this.request(handle, { request: 'join', ptype: 'publisher', room, pin: spec.pin, token: monitorToken, display: monitorDisplay });
    if (!joined.ok) return joined;
    for (const e of roomEvents(room, joined.value.data, monitorDisplay, published)) this.emit(e);
    this.monitors.set(room, handle);
    this.recordings.roomCreated(room, spec.recordDir);
    this.opts.logger.info({ event: 'sfu_room_created', room, tokens: spec.tokens.length }, 'SFU room created');
    return ok({ room });
  }

  async destroyRoom(room: number, secret: string): Promise<SfuResult<void>> {
    const r = await this.request(this.control, { request: 'destroy', room, secret });
    if (!r.ok) return r;
    this.monitors.delete(room);
    this.recordings.forgetRoom(room);
    for (const [id, p] of this.peers) if (p.room === room) this.peers.delete(id);
    this.opts.logger.info({ event: 'sfu_room_destroyed', room }, 'SFU room destroyed');
    return ok(undefined);
  }

  /** A room-admin request on the control handle, logged once Janus took it. */
  private async admin(body: Record<string, unknown>, log: Record<string, unknown>, msg: string): Promise<SfuResult<void>> {
    const r = await this.request(this.control, body);
    if (!r.ok) return r;
    this.opts.logger.info(log, msg);
    return ok(undefined);
  }

  allowTokens(room: number, secret: string, tokens: string[]): Promise<SfuResult<void>> {
    return this.admin({ request: 'allowed', room, secret, action: 'add', allowed: tokens }, { event: 'sfu_tokens_changed', room, action: 'add', count: tokens.length }, 'SFU room tokens changed');
  }

  disallowTokens(room: number, secret: string, tokens: string[]): Promise<SfuResult<void>> {
    return this.admin({ request: 'allowed', room, secret, action: 'remove', allowed: tokens }, { event: 'sfu_tokens_changed', room, action: 'remove', count: tokens.length }, 'SFU room tokens changed');
  }

  moderate(room: number, secret: string, feed: number, mid: string, muted: boolean): Promise<SfuResult<void>> {
    return this.admin({ request: 'moderate', room, secret, id: feed, mid, mute: muted }, { event: 'sfu_moderated', room, feed, mid, muted }, 'SFU stream moderated');
  }

  kick(room: number, secret: string, feed: number): Promise<SfuResult<void>> {
    return this.admin({ request: 'kick', room, secret, id: feed }, { event: 'sfu_kicked', room, feed }, 'SFU participant kicked');
  }

  async join(req: Parameters<Sfu['join']>[0]): Promise<SfuResult<Participant>> {
    const attached = await this.attach(req.room, 'publisher');
    if (!attached.ok) return attached;
    const { peer, handle } = attached.value;
    const r = await this.request(handle, { request: 'join', ptype: 'publisher', room: req.room, pin: req.pin, token: req.token, display: req.display });
    if (!r.ok) {
      await this.leave(peer);
      return r;
    }
    const feed = Number(r.value.data.id);
    const privateId = Number(r.value.data.private_id);
    this.peers.set(peer, { handle, room: req.room, role: 'publisher', feed });
    this.opts.logger.info({ event: 'sfu_joined', room: req.room, feed, peer }, 'SFU participant joined');
    return ok({ peer, feed, privateId });
  }

  async publish(peer: PeerId, req: { offer: Jsep; bitrateBps?: number }): Promise<SfuResult<{ answer: Jsep }>> {
    const p = this.peers.get(peer);
    if (!p || p.role !== 'publisher') return fail('no_such_peer');
    const r = await this.request(p.handle, { request: 'configure', audio: true, video: true, ...(req.bitrateBps ? { bitrate: req.bitrateBps } : {}), ...this.recordings.fields(p) }, req.offer);
    if (!r.ok) return r;
    p.published = true;
    return r.value.jsep ? ok({ answer: r.value.jsep }) : fail('refused', { code: 0, message: 'janus sent no answer' });
  }

  async subscribe(req: { room: number; pin: string; privateId: number; feeds: FeedRef[] }): Promise<SfuResult<Subscriber>> {
    const attached = await this.attach(req.room, 'subscriber');
    if (!attached.ok) return attached;
    const { peer, handle } = attached.value;
    const r = await this.request(handle, { request: 'join', ptype: 'subscriber', room: req.room, pin: req.pin, private_id: req.privateId, streams: req.feeds.map(streamRef) });
    if (!r.ok || !r.value.jsep) {
      await this.leave(peer);
      return r.ok ? fail('refused', { code: 0, message: 'janus sent no offer' }) : r;
    }
    return ok({ peer, offer: r.value.jsep, streams: subscribedStreams(r.value.data) });
  }

  async start(peer: PeerId, answer: Jsep): Promise<SfuResult<void>> {
    const p = this.peers.get(peer);
    if (!p || p.role !== 'subscriber') return fail('no_such_peer');
    const r = await this.request(p.handle, { request: 'start' }, answer);
    return r.ok ? ok(undefined) : r;
  }

  async update(peer: PeerId, change: { subscribe?: FeedRef[]; unsubscribe?: FeedRef[] }): Promise<SfuResult<{ offer: Jsep | null; streams: SubscribedStream[] }>> {
    const p = this.peers.get(peer);
    if (!p || p.role !== 'subscriber') return fail('no_such_peer');
    const body: Record<string, unknown> = { request: 'update' };
    if (change.subscribe?.length) body.subscribe = change.subscribe.map(streamRef);
    if (change.unsubscribe?.length) body.unsubscribe = change.unsubscribe.map(streamRef);
    // Janus 1.1 answers "updating" and sends the result (streams and, when they changed, its offer) as a later event.
    const updated = nextVideoroomEvent(p.handle, (d) => d.videoroom === 'updated', requestTimeoutMs);
    p.updating = true;
    const r = await this.request(p.handle, body);
    if (!r.ok || r.value.data.videoroom !== 'updating') {
      p.updating = false;
      updated.cancel();
      return r.ok ? ok({ offer: r.value.jsep, streams: subscribedStreams(r.value.data) }) : r;
    }
    const msg = await updated.message;
    p.updating = false;
    if (!msg) return fail('refused', { code: 0, message: 'janus did not finish the update' });
    return ok({ offer: msg.jsep ?? null, streams: subscribedStreams(msg.plugindata?.data) });
  }

  async configureSubscriber(peer: PeerId, change: { mid?: string; substream?: number; temporal?: number; restart?: boolean }): Promise<SfuResult<{ offer: Jsep | null }>> {
    const p = this.peers.get(peer);
    if (!p || p.role !== 'subscriber') return fail('no_such_peer');
    const body: Record<string, unknown> = { request: 'configure' };
    if (change.mid !== undefined) body.mid = change.mid;
    if (change.substream !== undefined) body.substream = change.substream;
    if (change.temporal !== undefined) body.temporal = change.temporal;
    if (change.restart) body.restart = true;
    const r = await this.request(p.handle, body);
    return r.ok ? ok({ offer: r.value.jsep, streams: subscribedStreams(r.value.data) }) : r;
  }

  async trickle(peer: PeerId, candidate: IceCandidate | null): Promise<SfuResult<void>> {
    const p = this.peers.get(peer);
    if (!p) return fail('no_such_peer');
    if (!this.current.up) return fail('sfu_down');
    try {
      if (candidate) await p.handle.trickle(candidate);
      else await p.handle.trickleComplete();
      return ok(undefined);
    } catch (err) {
      return this.current.up ? fail('refused', { code: 0, message: (err as Error).message }) : fail('sfu_down');
    }
  }

  startRecording(room: number, secret: string, name: string): Promise<SfuResult<void>> {
    return this.recordings.start(room, secret, name);
  }

  stopRecording(room: number, secret: string): Promise<SfuResult<void>> {
    return this.recordings.stop(room, secret);
  }

  async excludeFromRecording(peer: PeerId, excluded: boolean): Promise<SfuResult<void>> {
    const p = this.peers.get(peer);
    if (!p || p.role !== 'publisher') return fail('no_such_peer');
    return this.recordings.exclude(p, excluded);
  }

  async leave(peer: PeerId): Promise<void> {
    const p = this.peers.get(peer);
    if (!p) return;
    this.peers.delete(peer);
    if (!this.current.up) return;
    await p.handle.detach().catch(() => undefined);
  }
}

/** The next event on a handle that matches, or null after `ms`; listening starts at once (before the request is sent). */
function nextVideoroomEvent(handle: VideoRoomHandle, match: (data: Record<string, unknown>) => boolean, ms: number) {
  let cancel = () => undefined as void;
  const message = new Promise<JanusMessage | null>((resolve) => {
    const timer = setTimeout(() => done(null), ms);
    const listener = (msg: JanusMessage) => {
      if (match(msg.plugindata?.data ?? {})) done(msg);
    };
    function done(msg: JanusMessage | null) {
      clearTimeout(timer);
      handle.off('videoroom', listener);
      resolve(msg);
    }
    cancel = () => done(null);
    handle.on('videoroom', listener);
  });
  return { message, cancel };
}
