import { CLASS_MEDIA_LIMITS, type ClassMediaAck, type ClassMediaError, type ClassMediaStream, type ClassPublisher, type ClassRole } from '@tutorline/contracts';
import type { AppSocket } from '../../lib/socket';

export type ClassMediaStatus = 'off' | 'connecting' | 'live' | 'reconnecting' | 'unavailable' | 'closed';

export interface ClassMediaSnapshot {
  status: ClassMediaStatus;
  error: ClassMediaError | null;
  /** Remote video by user (the teacher large for learners; pages of thumbnails for the teacher). */
  videos: { userId: string; stream: MediaStream }[];
  local: MediaStream | null;
  publishers: ClassPublisher[];
  page: number;
}

type Offer = { type: 'offer'; sdp: string };
type Candidate = { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null } | null;

/**
 * A class's media over our socket (decision 048; the browser never talks to Janus): one connection publishes this
 * participant's camera and microphone (the teacher in three simulcast layers, a learner one small stream), one receives
 * what the server picked. `reconnecting` from the server (Janus restarted) or a socket reconnect publishes and receives again.
 */
export class ClassMedia {
  private snap: ClassMediaSnapshot = { status: 'off', error: null, videos: [], local: null, publishers: [], page: 0 };
  private readonly listeners = new Set<() => void>();
  private readonly off: (() => void)[] = [];
  private pub: RTCPeerConnection | null = null;
  private sub: RTCPeerConnection | null = null;
  private streams: ClassMediaStream[] = [];

  constructor(
    private readonly socket: AppSocket,
    readonly classId: string,
    private readonly role: ClassRole,
    private readonly selfId: string,
  ) {
    const on = <T>(event: string, fn: (p: T) => void) => {
      type L = (p: T & { classId?: string }) => void;
      const s = socket as unknown as { on(e: string, l: L): void; off(e: string, l: L): void };
      const l: L = (p) => {
        if (p?.classId === undefined || p.classId === classId) fn(p);
      };
      s.on(event, l);
      this.off.push(() => s.off(event, l));
    };
    on<{ target: 'publisher' | 'subscriber'; candidate: Candidate }>('class:media:candidate', ({ target, candidate }) => {
      const pc = target === 'publisher' ? this.pub : this.sub;
      if (pc && candidate) void pc.addIceCandidate(candidate).catch(() => undefined);
    });
    on<{ offer: Offer; streams: ClassMediaStream[] }>('class:media:offer', ({ offer, streams }) => void this.answer(offer, streams));
    on<{ publishers: ClassPublisher[] }>('class:media:publishers', ({ publishers }) => {
      this.set({ publishers });
      if (!this.sub && this.snap.status !== 'off' && publishers.some((p) => p.userId !== this.selfId)) void this.receive();
    });
    on('class:media:reconnecting', () => void this.restart());
    on<{ reason: string }>('class:media:closed', () => {
      this.teardown();
      this.set({ status: 'closed', videos: [] });
    });
  }

  subscribe = (fn: () => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };
  getSnapshot = () => this.snap;
  private set(patch: Partial<ClassMediaSnapshot>) {
    this.snap = { ...this.snap, ...patch };
    for (const l of this.listeners) l();
  }
  private ask<T>(event: string, payload: object): Promise<ClassMediaAck<T>> {
    return (this.socket as unknown as { timeout(ms: number): { emitWithAck(e: string, p: object): Promise<ClassMediaAck<T>> } })
      .timeout(10_000)
      .emitWithAck(event, { classId: this.classId, ...payload })
      .catch(() => ({ ok: false, error: { code: 'internal_error', message: 'The server did not answer.' } }) as ClassMediaAck<T>);
  }

  /** Camera and microphone on, published; then receive the class. */
  async start() {
    this.set({ status: 'connecting', error: null });
    const teacher = this.role === 'teacher';
    if (!this.snap.local) {
      const local = await navigator.mediaDevices
        .getUserMedia({ audio: true, video: teacher ? { width: 1280, height: 720 } : { width: 320, height: 180, frameRate: 15 } })
        .catch(() => null);
      this.set({ local });
    }
    if (this.role !== 'observer' && this.snap.local) await this.publish(this.snap.local);
    await this.receive();
  }

  private async publish(local: MediaStream) {
    this.pub?.close();
    const pc = new RTCPeerConnection();
    this.pub = pc;
    const layers = CLASS_MEDIA_LIMITS.teacherLayersBps;
    for (const track of local.getTracks()) {
      if (track.kind === 'audio') pc.addTransceiver(track, { direction: 'sendonly' });
      else if (this.role === 'teacher')
        pc.addTransceiver(track, {
          direction: 'sendonly',
          // Highest first (as janus.js): Janus's substream 2 is then the 1.5 Mbit/s layer, which the server's layer choice assumes.
          sendEncodings: [
            { rid: 'f', maxBitrate: layers[0] },
            { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: layers[1] },
            { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: layers[2] },
          ],
        });
      else pc.addTransceiver(track, { direction: 'sendonly', sendEncodings: [{ maxBitrate: CLASS_MEDIA_LIMITS.learnerVideoBps, maxFramerate: 15 }] });
    }
    pc.onicecandidate = (e) => void this.ask('class:media:trickle', { target: 'publisher', candidate: e.candidate ? e.candidate.toJSON() : null });
    await pc.setLocalDescription(await pc.createOffer());
    const r = await this.ask<{ answer: RTCSessionDescriptionInit }>('class:media:publish', { offer: { type: 'offer', sdp: pc.localDescription!.sdp } });
    if (!r.ok) return this.refused(r.error);
    await pc.setRemoteDescription(r.answer);
  }

  private async receive() {
    const r = await this.ask<{ offer: Offer; streams: ClassMediaStream[] }>('class:media:subscribe', {});
    if (!r.ok) return r.error.code === 'no_media_yet' ? this.set({ status: 'live' }) : this.refused(r.error);
    this.sub?.close();
    const pc = new RTCPeerConnection();
    this.sub = pc;
    pc.ontrack = () => this.collect();
    pc.onicecandidate = (e) => void this.ask('class:media:trickle', { target: 'subscriber', candidate: e.candidate ? e.candidate.toJSON() : null });
    pc.oniceconnectionstatechange = () => {
      if (pc.iceConnectionState === 'failed') void this.iceRestart();
    };
    await this.answer(r.offer, r.streams);
    this.set({ status: 'live' });
  }

  private async answer(offer: Offer, streams: ClassMediaStream[]) {
    const pc = this.sub;
    if (!pc) return;
    this.streams = streams;
    await pc.setRemoteDescription(offer);
    await pc.setLocalDescription(await pc.createAnswer());
    await this.ask('class:media:start', { answer: { type: 'answer', sdp: pc.localDescription!.sdp } });
    this.collect();
  }

  /** One MediaStream per user from the receiving transceivers, labelled by the server's streams list. */
  private collect() {
    const byUser = new Map<string, MediaStream>();
    for (const t of this.sub?.getTransceivers() ?? []) {
      const who = this.streams.find((s) => s.mid === t.mid);
      if (!who || !t.receiver.track) continue;
      const stream = byUser.get(who.userId) ?? new MediaStream();
      stream.addTrack(t.receiver.track);
      byUser.set(who.userId, stream);
    }
    this.set({ videos: [...byUser].map(([userId, stream]) => ({ userId, stream })) });
  }

  private async iceRestart() {
    const r = await this.ask<{ offer?: Offer }>('class:media:restart', { target: 'subscriber' });
    if (r.ok && r.offer) await this.answer(r.offer, this.streams);
  }

  /** The teacher's grid: page n of learners' thumbnails. */
  async showPage(page: number) {
    const r = await this.ask('class:media:page', { page });
    if (r.ok) this.set({ page });
  }

  /** Janus came back empty, or our socket reconnected: publish and receive again, showing "reconnecting" meanwhile. */
  async restart() {
    if (this.snap.status === 'off' || this.snap.status === 'closed') return;
    this.teardown();
    this.set({ status: 'reconnecting' });
    await this.start();
  }

  private refused(error: ClassMediaError) {
    this.set({ status: error.code === 'media_unavailable' ? 'unavailable' : this.snap.status === 'reconnecting' ? 'reconnecting' : 'live', error });
  }

  private teardown() {
    this.pub?.close();
    this.sub?.close();
    this.pub = null;
    this.sub = null;
  }

  close() {
    for (const o of this.off) o();
    this.teardown();
    for (const t of this.snap.local?.getTracks() ?? []) t.stop();
  }
}
