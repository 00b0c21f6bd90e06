import type { SessionRecAck } from '@tutorline/contracts';
import type { AppSocket } from '../../lib/socket';

type Loose = { on(e: string, l: (p: never) => void): void; off(e: string, l: (p: never) => void): void; timeout(ms: number): { emitWithAck(e: string, p: unknown): Promise<unknown> } };
type Candidate = { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null } | null;

/** The call's side of the hand-over (PeerCall): the tracks it would send, told of every change. */
export interface TrackSource {
  outgoing(): { audio: MediaStreamTrack | null; video: MediaStreamTrack | null };
  subscribe(fn: () => void): () => void;
}

export interface SfuSnapshot {
  /** The other participant's media through the SFU; null until it arrives. */
  remote: MediaStream | null;
  /** Their video frames were decoded here in the last second: the view shows this stream rather than the P2P one. */
  flowing: boolean;
  /** Our publishing connection is up: the call's own senders can stop (PeerCall.handOver). */
  publishing: boolean;
}

declare global {
  interface Window {
    /** For end-to-end tests: the SFU connections of a recorded 1:1 session (null when the call is peer-to-peer). */
    __tutorlineSessionSfu?: { publisher(): RTCPeerConnection | null; subscriber(): RTCPeerConnection | null };
  }
}

const STATS_EVERY_MS = 1_000;

/**
 * The 1:1 call through the media server while the session is recorded (decision 056). The browser never talks to
 * Janus: it publishes and receives the other participant's feed over our socket (`room:sfu:*`). It opens no device:
 * it sends the very tracks of the peer-to-peer call (`source`), following its switches with replaceTrack, so what is
 * muted is not sent, nor recorded. `onFailed` runs once when a connection to the SFU fails for good.
 */
export class SessionSfu {
  private pub: RTCPeerConnection | null = null;
  private sub: RTCPeerConnection | null = null;
  private senders: { audio: RTCRtpSender; video: RTCRtpSender } | null = null;
  private snap: SfuSnapshot = { remote: null, flowing: false, publishing: false };
  private framesDecoded = 0;
  private statsTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly off: (() => void)[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly testHook = { publisher: () => this.pub, subscriber: () => this.sub };
  private closed = false;

  constructor(
    private readonly socket: AppSocket,
    private readonly sessionId: string,
    private readonly selfId: string,
    private readonly source: TrackSource,
    private readonly onFailed: (message: string) => void,
  ) {}

  subscribe = (fn: () => void) => {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  };
  getSnapshot = () => this.snap;
  private update(patch: Partial<SfuSnapshot>) {
    if (this.closed) return;
    this.snap = { ...this.snap, ...patch };
    for (const l of this.listeners) l();
  }

  private ask<T>(event: string, payload: object): Promise<SessionRecAck<T>> {
    return (this.socket as unknown as Loose).timeout(10_000).emitWithAck(event, { sessionId: this.sessionId, ...payload }) as Promise<SessionRecAck<T>>;
  }
  private on<T>(event: string, fn: (p: T & { sessionId: string }) => void) {
    const s = this.socket as unknown as Loose;
    const l = (p: T & { sessionId: string }) => {
      if (p.sessionId === this.sessionId && !this.closed) fn(p);
    };
    s.on(event, l);
    this.off.push(() => s.off(event, l));
  }
  private fail(message: string) {
    if (this.closed) return;
    this.onFailed(message);
  }
  /** A connection that fails (Janus gone, the network) ends the SFU call: the page goes back to peer-to-peer. */
  private watch(pc: RTCPeerConnection, onUp?: () => void) {
    pc.onconnectionstatechange = () => {
      if (this.closed) return;
      if (pc.connectionState === 'connected') onUp?.();
      if (pc.connectionState === 'failed') this.fail('The connection to the media server failed.');
    };
  }

  async start(): Promise<void> {
    window.__tutorlineSessionSfu = this.testHook;
    this.on<{ target: 'publisher' | 'subscriber'; candidate: Candidate }>('room:sfu:candidate', ({ target, candidate }) => {
      const pc = target === 'publisher' ? this.pub : this.sub;
      if (pc && candidate) void pc.addIceCandidate(candidate).catch(() => undefined);
    });
    this.on<{ userId: string }>('room:sfu:publisher', ({ userId }) => {
      if (userId !== this.selfId) void this.receive().catch(() => undefined);
    });
    this.on<{ offer: RTCSessionDescriptionInit }>('room:sfu:offer', ({ offer }) => void this.answer(offer).catch(() => undefined));
    const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
    this.pub = pc;
    // Both m-lines always, so a camera or microphone turned on later needs no renegotiation (as in senders.ts).
    const tracks = this.source.outgoing();
    this.senders = {
      audio: pc.addTransceiver(tracks.audio ?? 'audio', { direction: 'sendonly' }).sender,
      video: pc.addTransceiver(tracks.video ?? 'video', { direction: 'sendonly' }).sender,
    };
    this.off.push(this.source.subscribe(() => void this.follow()));
    this.watch(pc, () => this.update({ publishing: true }));
    pc.onicecandidate = ({ candidate }) => void this.ask('room:sfu:trickle', { target: 'publisher', candidate: candidate ? candidate.toJSON() : null });
    await pc.setLocalDescription(await pc.createOffer());
    const r = await this.ask<{ answer: RTCSessionDescriptionInit }>('room:sfu:publish', { offer: { type: 'offer', sdp: pc.localDescription!.sdp } });
    if (this.closed) return;
    if (!r.ok) throw new Error(r.error.message);
    await pc.setRemoteDescription(r.answer);
    // The other may already publish (they moved first): try at once; no_media_yet waits for room:sfu:publisher.
    await this.receive().catch(() => undefined);
  }

  /** The call's switches changed: the publisher carries the same tracks as the call would. */
  private async follow() {
    const s = this.senders;
    if (!s || this.closed) return;
    const { audio, video } = this.source.outgoing();
    if (s.audio.track !== audio) await s.audio.replaceTrack(audio).catch(() => undefined);
    if (s.video.track !== video) await s.video.replaceTrack(video).catch(() => undefined);
  }

  private async receive() {
    const r = await this.ask<{ offer: RTCSessionDescriptionInit }>('room:sfu:subscribe', {});
    if (!r.ok || this.closed) return;
    this.sub?.close();
    const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
    this.sub = pc;
    this.framesDecoded = 0;
    this.watch(pc);
    pc.onicecandidate = ({ candidate }) => void this.ask('room:sfu:trickle', { target: 'subscriber', candidate: candidate ? candidate.toJSON() : null });
    pc.ontrack = ({ track }) => {
      const others = this.snap.remote?.getTracks().filter((t) => t.kind !== track.kind) ?? [];
      this.update({ remote: new MediaStream([...others, track]) });
    };
    await this.answer(r.offer);
    this.sample();
  }

  /** Whether the other's video decodes through the SFU, every second (the view switches on it, both ways). */
  private sample() {
    if (this.statsTimer) clearTimeout(this.statsTimer);
    this.statsTimer = setTimeout(() => {
      const pc = this.sub;
      if (!pc || this.closed) return;
      void pc
        .getStats()
        .then((report) => {
          let frames = 0;
          report.forEach((s: { type: string; kind?: string; framesDecoded?: number }) => {
            if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded ?? 0;
          });
          if (pc !== this.sub) return;
          const flowing = frames > this.framesDecoded;
          this.framesDecoded = frames;
          if (flowing !== this.snap.flowing) this.update({ flowing });
        })
        .catch(() => undefined)
        .finally(() => {
          if (pc === this.sub) this.sample();
        });
    }, STATS_EVERY_MS);
  }

  private async answer(offer: RTCSessionDescriptionInit) {
    const pc = this.sub;
    if (!pc) return;
    await pc.setRemoteDescription(offer);
    await pc.setLocalDescription(await pc.createAnswer());
    await this.ask('room:sfu:start', { answer: { type: 'answer', sdp: pc.localDescription!.sdp } });
  }

  /** Leaves the SFU. The tracks belong to the call, which keeps them (and goes on sending them peer-to-peer). */
  close() {
    this.closed = true;
    if (this.statsTimer) clearTimeout(this.statsTimer);
    for (const f of this.off.splice(0)) f();
    this.pub?.close();
    this.sub?.close();
    this.pub = this.sub = null;
    this.listeners.clear();
    if (window.__tutorlineSessionSfu === this.testHook) delete window.__tutorlineSessionSfu;
  }
}
