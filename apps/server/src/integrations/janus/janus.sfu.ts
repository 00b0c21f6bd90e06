// long file: the one adapter over Janus's videoroom API (rooms, publishing, subscribing, moderation, recording).
import { randomBytes, randomInt } from 'node:crypto';
import Janode, { type JanodeConnection, type JanodeSession } from 'janode';
import JanodeHandle, { type JanusMessage } from 'janode/handle';
import type { Logger } from '../../platform/logger';
import { fail, ok } from '../../platform/result';
import type { FeedRef, IceCandidate, Jsep, Participant, PeerId, Sfu, SfuEvent, SfuFail, SfuResult, SfuStatus, SubscribedStream, Subscriber } from './sfu';
import { roomEvents } from './janus.events';

Janode.Logger.setLevel('none');

type Log = Pick<Logger, 'info' | 'warn' | 'error'>;

/** A videoroom handle: answers close their request; everything else is an event for the adapter. */
class VideoRoomHandle extends JanodeHandle {
  override handleMessage(message: JanusMessage): unknown {
    const data = message.plugindata?.data;
    if (!data || !('videoroom' in data)) return null;
    if (message.transaction && this.ownsTransaction(message.transaction)) {
      this.closeTransactionWithSuccess(message.transaction, message);
      return message;
    }
    this.emit('videoroom', message);
    return message;
  }
}

interface Peer {
  handle: VideoRoomHandle;
  room: number;
  role: 'publisher' | 'subscriber' | 'monitor';
  feed: number | null;
  /** Publishing (a configure with an offer succeeded), and kept out of recordings. */
  published?: boolean;
  excluded?: boolean;
  /** An `update` of ours is waiting for Janus's result: its offer is that call's answer, not an event. */
  updating?: boolean;
}

const requestTimeoutMs = 10_000;
const monitorDisplay = 'tutorline-monitor';

/** Janus's videoroom error codes, grouped into the reasons callers act on. */
function failFor(code: number, message: string): SfuFail {
  switch (code) {
    case 426:
      return fail('no_such_room');
    case 427:
      return fail('room_exists');
    case 428:
      return fail('no_such_feed');
    case 433:
      return fail('unauthorized');
    case 432:
      return fail('room_full');
    default:
      return fail('refused', { code, message });
  }
}

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
  /** Rooms created with a recording folder, and the name of the recording running in each. */
  private readonly recordable = new Set<number>();
  private readonly recording = new Map<number, { name: string; secret: string }>();

  private adminKey = '';

  constructor(private readonly opts: { logger: Log }) {}

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
    this.recordable.clear();
    this.recording.clear();
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
  private async request(handle: VideoRoomHandle | null, body: Record<string, unknown>, jsep?: Jsep): Promise<SfuResult<{ data: Record<string, unknown>; jsep: Jsep | null }>> {
    if (!handle || !this.current.up) return fail('sfu_down');
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('0 no answer from janus')), requestTimeoutMs);
      });
      const msg = await Promise.race([handle.message(body, jsep), timeout]);
      const data = msg.plugindata?.data ?? {};
      if (typeof data.error_code === 'number') return failFor(data.error_code, String(data.error ?? ''));
      return ok({ data, jsep: msg.jsep ?? null });
    } catch (err) {
      if (!this.current.up) return fail('sfu_down');
      const m = /^(\d+) (.*)$/.exec((err as Error).message);
      if (m?.[1] === '0') return fail('sfu_down');
      return fail('refused', { code: Number(m?.[1] ?? 0), message: m?.[2] ?? (err as Error).message });
    } finally {
      clearTimeout(timer);
    }
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
    const E = Janode.EVENT;
    if (role === 'subscriber')
      // Janus renegotiates by itself when a received feed leaves ("updated" with an offer): the client must answer it,
      // or Janus holds every later update until it does.
      handle.on('videoroom', (msg: JanusMessage) => {
        const data = msg.plugindata?.data ?? {};
        if (data.videoroom === 'updated' && msg.jsep && !this.peers.get(peer)?.updating) this.emit({ type: 'subscriber_offer', peer, offer: msg.jsep, streams: subscribedStreams(data) });
      });
    handle.on(E.HANDLE_WEBRTCUP, () => this.emit({ type: 'webrtcup', peer }));
    handle.on(E.HANDLE_HANGUP, (d: { reason?: string }) => this.emit({ type: 'hangup', peer, reason: d.reason ?? null }));
    handle.on(E.HANDLE_MEDIA, (d: { type?: string; mid?: string; receiving?: boolean }) => this.emit({ type: 'media', peer, kind: d.type ?? 'unknown', mid: d.mid ?? null, receiving: Boolean(d.receiving) }));
    handle.on(E.HANDLE_SLOWLINK, (d: { uplink?: boolean; media?: string; mid?: string; lost?: number }) =>
      this.emit({ type: 'slow_link', peer, uplink: Boolean(d.uplink), media: d.media ?? null, mid: d.mid ?? null, lost: d.lost ?? 0 }),
    );
    handle.on(E.HANDLE_TRICKLE, (d: { completed?: boolean; candidate?: string; sdpMid?: string; sdpMLineIndex?: number }) =>
      this.emit({ type: 'ice_candidate', peer, candidate: d.completed ? null : { candidate: d.candidate ?? '', sdpMid: d.sdpMid ?? null, sdpMLineIndex: d.sdpMLineIndex ?? null } }),
    );
    return ok({ peer, handle });
  }

  async createRoom(spec: Parameters<Sfu['createRoom']>[0]): Promise<SfuResult<{ room: number }>> {
    const room = spec.room ?? randomInt(1, 2 ** 47);
    // The monitor is the server's own participant: it never publishes, and hears who joins, leaves and talks.
    const monitorToken = randomBytes(18).toString('base64url');
    const created = await this.request(this.control, {
      request: 'create',
      admin_key: this.adminKey,
      room,
      permanent: false,
      is_private: true,
      description: spec.description ?? `room ${room}`,
      secret: spec.secret,
      pin: spec.pin,
      allowed: [...spec.tokens, monitorToken],
      require_pvtid: true,
      publishers: Math.min(spec.publishers ?? 31, 31),
      bitrate: spec.bitrateBps ?? 200_000,
      fir_freq: 10,
      audiocodec: 'opus',
      videocodec: 'vp8',
      audiolevel_event: true,
      ...(spec.talkingLevel === undefined ? {} : { audio_level_average: spec.talkingLevel }),
      notify_joining: false,
      // Recording is started per publisher by the server (startRecording), never by a participant.
      ...(spec.recordDir ? { record: false, rec_dir: spec.recordDir, lock_record: true } : {}),
    });
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
    if (spec.recordDir) this.recordable.add(room);
    this.opts.logger.info({ event: 'sfu_room_created', room, tokens: spec.tokens.length }, 'SFU room created');
    return ok({ room });
  }

  async destroyRoom(room: number, secret: string): Promise<SfuResult<void>> {
    const r = await this.request(this.control, { request: 'destroy', room, secret });
    if (!r.ok) return r;
    this.monitors.delete(room);
    this.recordable.delete(room);
    this.recording.delete(room);
    for (const [id, p] of this.peers) if (p.room === room) this.peers.delete(id);
    this.opts.logger.info({ event: 'sfu_room_destroyed', room }, 'SFU room destroyed');
    return ok(undefined);
  }

  private async allowed(room: number, secret: string, action: 'add' | 'remove', tokens: string[]): Promise<SfuResult<void>> {
    const r = await this.request(this.control, { request: 'allowed', room, secret, action, allowed: tokens });
    if (!r.ok) return r;
    this.opts.logger.info({ event: 'sfu_tokens_changed', room, action, count: tokens.length }, 'SFU room tokens changed');
    return ok(undefined);
  }

  allowTokens(room: number, secret: string, tokens: string[]): Promise<SfuResult<void>> {
    return this.allowed(room, secret, 'add', tokens);
  }

  disallowTokens(room: number, secret: string, tokens: string[]): Promise<SfuResult<void>> {
    return this.allowed(room, secret, 'remove', tokens);
  }

  async moderate(room: number, secret: string, feed: number, mid: string, muted: boolean): Promise<SfuResult<void>> {
    const r = await this.request(this.control, { request: 'moderate', room, secret, id: feed, mid, mute: muted });
    if (!r.ok) return r;
    this.opts.logger.info({ event: 'sfu_moderated', room, feed, mid, muted }, 'SFU stream moderated');
    return ok(undefined);
  }

  async kick(room: number, secret: string, feed: number): Promise<SfuResult<void>> {
    const r = await this.request(this.control, { request: 'kick', room, secret, id: feed });
    if (!r.ok) return r;
    this.opts.logger.info({ event: 'sfu_kicked', room, feed }, 'SFU participant kicked');
    return ok(undefined);
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
    const r = await this.request(p.handle, { request: 'configure', audio: true, video: true, ...(req.bitrateBps ? { bitrate: req.bitrateBps } : {}), ...this.recordFields(p) }, req.offer);
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

  /** What a publisher's configure says about recording while its room records: on with our file name, or off. */
  private recordFields(p: Peer): Record<string, unknown> {
    const rec = this.recording.get(p.room);
    if (!rec || p.feed === null) return {};
    return p.excluded ? { record: false, secret: rec.secret } : { record: true, filename: `${rec.name}-feed-${p.feed}`, secret: rec.secret };
  }

  private async reconfigureRecording(room: number): Promise<SfuResult<void>> {
    for (const p of this.peers.values()) {
      if (p.room !== room || p.role !== 'publisher' || !p.published) continue;
      const fields = this.recordFields(p);
      const r = await this.request(p.handle, { request: 'configure', ...(Object.keys(fields).length ? fields : { record: false }) });
      if (!r.ok) return r;
    }
    return ok(undefined);
  }

  async startRecording(room: number, secret: string, name: string): Promise<SfuResult<void>> {
    if (!this.current.up) return fail('sfu_down');
    if (!this.recordable.has(room)) return fail('not_recordable');
    if (this.recording.has(room)) return fail('refused', { code: 0, message: 'this room is already being recorded' });
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) return fail('refused', { code: 0, message: 'a recording name is letters, digits, _ and - only' });
    // The room secret proves the caller may change recording (lock_record): a wrong one changes nothing.
    const checked = await this.request(this.control, { request: 'edit', room, secret });
    if (!checked.ok) return checked;
    this.recording.set(room, { name, secret });
    const r = await this.reconfigureRecording(room);
    this.opts.logger.info({ event: 'sfu_recording_started', room, name, ok: r.ok }, 'SFU room recording started');
    return r;
  }

  async stopRecording(room: number, secret: string): Promise<SfuResult<void>> {
    const rec = this.recording.get(room);
    if (!rec) return this.recordable.has(room) ? ok(undefined) : fail('not_recordable');
    if (rec.secret !== secret) return fail('unauthorized');
    this.recording.delete(room);
    const r = await this.reconfigureRecording(room);
    this.opts.logger.info({ event: 'sfu_recording_stopped', room, name: rec.name, ok: r.ok }, 'SFU room recording stopped');
    return r;
  }

  async excludeFromRecording(peer: PeerId, excluded: boolean): Promise<SfuResult<void>> {
    const p = this.peers.get(peer);
    if (!p || p.role !== 'publisher') return fail('no_such_peer');
    p.excluded = excluded;
    this.opts.logger.info({ event: 'sfu_recording_exclusion', room: p.room, feed: p.feed, excluded }, 'SFU publisher recording exclusion changed');
    if (!this.recording.has(p.room) || !p.published) return ok(undefined);
    const r = await this.request(p.handle, { request: 'configure', ...this.recordFields(p) });
    return r.ok ? ok(undefined) : r;
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

function streamRef(f: FeedRef): Record<string, unknown> {
  return f.mid === undefined ? { feed: f.feed } : { feed: f.feed, mid: f.mid };
}

/** Which feed each m-line of a subscription carries (Janus's `streams` in `attached` and `updated`); inactive ones left out. */
function subscribedStreams(data: Record<string, unknown> | undefined): SubscribedStream[] {
  const streams = Array.isArray(data?.streams) ? (data.streams as Record<string, unknown>[]) : [];
  return streams.filter((s) => s.active !== false && typeof s.feed_id === 'number').map((s) => ({ mid: String(s.mid), feed: Number(s.feed_id), kind: String(s.type) }));
}
