import type { SessionRecAck } from '@tutorline/contracts';
import type { AppSocket } from '../../lib/socket';

type Loose = { on(e: string, l: (p: never) => void): void; off(e: string, l: (p: never) => void): void; timeout(ms: number): { emitWithAck(e: string, p: unknown): Promise<unknown> } };
type Candidate = { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null } | null;

/**
 * The 1:1 call through the media server once both agreed to record (decision 056). The browser never talks to Janus:
 * it publishes its camera and microphone and receives the other participant's feed over our socket (`room:sfu:*`).
 * Microphone and camera follow the call's own switches (`follow`), so what is muted is not sent, nor recorded.
 */
export class SessionSfu {
  private pub: RTCPeerConnection | null = null;
  private sub: RTCPeerConnection | null = null;
  private local: MediaStream | null = null;
  private remote: MediaStream | null = null;
  private readonly off: (() => void)[] = [];
  private readonly listeners = new Set<() => void>();
  private closed = false;

  constructor(
    private readonly socket: AppSocket,
    private readonly sessionId: string,
    private readonly selfId: string,
    private readonly devices: { audioDeviceId: string | null; videoDeviceId: string | null },
  ) {}

  subscribe = (fn: () => void) => {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  };
  /** The other participant's media through the SFU; null until it arrives. */
  getSnapshot = () => this.remote;

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

  async start(): Promise<void> {
    this.on<{ target: 'publisher' | 'subscriber'; candidate: Candidate }>('room:sfu:candidate', ({ target, candidate }) => {
      const pc = target === 'publisher' ? this.pub : this.sub;
      if (pc && candidate) void pc.addIceCandidate(candidate).catch(() => undefined);
    });
    this.on<{ userId: string }>('room:sfu:publisher', ({ userId }) => {
      if (userId !== this.selfId) void this.receive().catch(() => undefined);
    });
    this.on<{ offer: RTCSessionDescriptionInit }>('room:sfu:offer', ({ offer }) => void this.answer(offer).catch(() => undefined));
    const { audioDeviceId: a, videoDeviceId: v } = this.devices;
    this.local = await navigator.mediaDevices.getUserMedia({ audio: a ? { deviceId: { exact: a } } : true, video: v ? { deviceId: { exact: v } } : true });
    if (this.closed) return this.stopLocal();
    const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
    this.pub = pc;
    for (const track of this.local.getTracks()) pc.addTransceiver(track, { direction: 'sendonly' });
    pc.onicecandidate = ({ candidate }) => void this.ask('room:sfu:trickle', { target: 'publisher', candidate: candidate ? candidate.toJSON() : null });
    await pc.setLocalDescription(await pc.createOffer());
    const r = await this.ask<{ answer: RTCSessionDescriptionInit }>('room:sfu:publish', { offer: { type: 'offer', sdp: pc.localDescription!.sdp } });
    if (!r.ok) throw new Error(r.error.message);
    await pc.setRemoteDescription(r.answer);
    // The other may already publish (they moved first): try at once; no_media_yet waits for room:sfu:publisher.
    await this.receive().catch(() => undefined);
  }

  private async receive() {
    const r = await this.ask<{ offer: RTCSessionDescriptionInit }>('room:sfu:subscribe', {});
    if (!r.ok || this.closed) return;
    this.sub?.close();
    const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
    this.sub = pc;
    pc.onicecandidate = ({ candidate }) => void this.ask('room:sfu:trickle', { target: 'subscriber', candidate: candidate ? candidate.toJSON() : null });
    pc.ontrack = ({ track }) => {
      const others = this.remote?.getTracks().filter((t) => t.kind !== track.kind) ?? [];
      this.remote = new MediaStream([...others, track]);
      for (const l of this.listeners) l();
    };
    await this.answer(r.offer);
  }

  private async answer(offer: RTCSessionDescriptionInit) {
    const pc = this.sub;
    if (!pc) return;
    await pc.setRemoteDescription(offer);
    await pc.setLocalDescription(await pc.createAnswer());
    await this.ask('room:sfu:start', { answer: { type: 'answer', sdp: pc.localDescription!.sdp } });
  }

  /** What the call's switches say this side sends. */
  follow(sending: { audio: boolean; video: boolean }) {
    for (const t of this.local?.getAudioTracks() ?? []) t.enabled = sending.audio;
    for (const t of this.local?.getVideoTracks() ?? []) t.enabled = sending.video;
  }

  private stopLocal() {
    for (const t of this.local?.getTracks() ?? []) t.stop();
    this.local = null;
  }

  close() {
    this.closed = true;
    for (const f of this.off.splice(0)) f();
    this.pub?.close();
    this.sub?.close();
    this.stopLocal();
    this.listeners.clear();
  }
}
