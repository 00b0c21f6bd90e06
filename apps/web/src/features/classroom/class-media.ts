import { CLASS_MEDIA_LIMITS, type ClassMediaAck, type ClassMediaError, type ClassMediaMode, type ClassMediaSource, type ClassMediaStream, type ClassPublisher, type ClassRole } from '@tutorline/contracts';
import type { AppSocket } from '../../lib/socket';
import { readClassStats, type StatsEntry, type StreamCounters } from './class-stats';

/** How often the receiving connection's stats go to the server (it takes at most one per 2 s). */
const STATS_EVERY_MS = 3_000;

export type ClassMediaStatus = 'off' | 'connecting' | 'live' | 'reconnecting' | 'unavailable' | 'closed';

export interface ClassMediaSnapshot {
  status: ClassMediaStatus;
  error: ClassMediaError | null;
  /** Remote media by user and source (the teacher large for learners, a screen larger still; pages of thumbnails for the teacher). */
  videos: { userId: string; source: ClassMediaSource; stream: MediaStream }[];
  local: MediaStream | null;
  publishers: ClassPublisher[];
  page: number;
  /** Our own screen while we share it. */
  screen: MediaStream | null;
  /** The teacher always; a learner once the teacher allowed it. */
  canShare: boolean;
  /** Audio and board only (video paused): measured on a bad link, or our own choice. */
  audioOnly: { on: boolean; reason: ClassMediaMode['reason'] } | null;
}

type Offer = { type: 'offer'; sdp: string };

declare global {
  interface Window {
    /** For end-to-end tests: the class's current sending and receiving connections, and which user each received mid carries. */
    __tutorlineClassMedia?: { publisher(): RTCPeerConnection | null; subscriber(): RTCPeerConnection | null; streams(): ClassMediaStream[] };
  }
}
type Candidate = { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null } | null;

/**
 * A class's media over our socket (decision 048; the browser never talks to Janus): one connection publishes this
 * participant's camera and microphone (the teacher in three simulcast layers, a learner one small stream), one receives
 * what the server picked. `reconnecting` from the server (Janus restarted) or a socket reconnect publishes and receives again.
 */
export class ClassMedia {
  private snap: ClassMediaSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly off: (() => void)[] = [];
  private pub: RTCPeerConnection | null = null;
  private sub: RTCPeerConnection | null = null;
  /** The server's name for the receiving connection `sub` is; offers, answers and candidates for another are stale. */
  private subId: string | null = null;
  private screenPc: RTCPeerConnection | null = null;
  private streams: ClassMediaStream[] = [];
  private statsTimer: ReturnType<typeof setInterval> | null = null;
  private counters: StreamCounters = new Map();
  /** One subscribe at a time: publishers announced while one is in flight are picked up when it ends. */
  private receiving: Promise<void> | null = null;
  private publishersChanged = false;
  /** The receiving connection's offers are answered one after another (a new offer can come while one is applied). */
  private negotiation: Promise<void> = Promise.resolve();
  /** What this participant's stored state lets leave the device (learners enter muted). */
  private sending = { audio: false, video: true };
  private readonly testHook = { publisher: () => this.pub, subscriber: () => this.sub, streams: () => this.streams };

  constructor(
    private readonly socket: AppSocket,
    readonly classId: string,
    private readonly role: ClassRole,
    private readonly selfId: string,
  ) {
    this.snap = { status: 'off', error: null, videos: [], local: null, publishers: [], page: 0, screen: null, canShare: role === 'teacher', audioOnly: null };
    const on = <T>(event: string, fn: (p: T) => void) => {
      type L = (p: T & { classId?: string }) => void;
      const s = socket as unknown as { on(e: string, l: L): void; off(e: string, l: L): void };
      const l: L = (p) => {
        if (p?.classId === undefined || p.classId === classId) fn(p);
      };
      s.on(event, l);
      this.off.push(() => s.off(event, l));
    };
    on<{ target: 'publisher' | 'subscriber'; candidate: Candidate; source?: ClassMediaSource; sub?: string }>('class:media:candidate', ({ target, candidate, source, sub }) => {
      if (target === 'subscriber' && sub !== undefined && sub !== this.subId) return;
      const pc = target === 'subscriber' ? this.sub : source === 'screen' ? this.screenPc : this.pub;
      if (pc && candidate) void pc.addIceCandidate(candidate).catch(() => undefined);
    });
    on<{ offer: Offer; streams: ClassMediaStream[]; sub: string }>('class:media:offer', ({ offer, streams, sub }) => void this.answer(offer, streams, sub).catch(() => undefined));
    on<{ publishers: ClassPublisher[] }>('class:media:publishers', ({ publishers }) => {
      this.set({ publishers });
      this.publishersChanged = true;
      if (!this.sub && this.snap.status !== 'off' && publishers.some((p) => p.userId !== this.selfId)) void this.receive();
    });
    on('class:media:reconnecting', () => void this.restart());
    on<ClassMediaMode>('class:media:mode', ({ audioOnly, reason }) => this.set({ audioOnly: audioOnly ? { on: true, reason } : null }));
    on<{ allowed: boolean }>('class:media:screen-permission', ({ allowed }) => {
      this.set({ canShare: role === 'teacher' || allowed });
      if (!allowed && role !== 'teacher') this.endScreen();
    });
    window.__tutorlineClassMedia = this.testHook;
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
    await this.applySending();
    pc.onicecandidate = (e) => void this.ask('class:media:trickle', { target: 'publisher', candidate: e.candidate ? e.candidate.toJSON() : null });
    await pc.setLocalDescription(await pc.createOffer());
    const r = await this.ask<{ answer: RTCSessionDescriptionInit }>('class:media:publish', { offer: { type: 'offer', sdp: pc.localDescription!.sdp } });
    if (!r.ok) return this.refused(r.error);
    await pc.setRemoteDescription(r.answer);
  }

  private receive(): Promise<void> {
    if (this.receiving) return this.receiving;
    this.publishersChanged = false;
    this.receiving = this.subscribeOnce().finally(() => {
      this.receiving = null;
      // Someone began publishing while the server answered "nothing to receive yet": ask again.
      if (!this.sub && this.publishersChanged && this.snap.status !== 'off' && this.snap.publishers.some((p) => p.userId !== this.selfId)) void this.receive();
    });
    return this.receiving;
  }

  private async subscribeOnce() {
    const r = await this.ask<{ offer: Offer; streams: ClassMediaStream[]; sub: string }>('class:media:subscribe', {});
    if (!r.ok) return r.error.code === 'no_media_yet' ? this.set({ status: 'live' }) : this.refused(r.error);
    this.sub?.close();
    const pc = new RTCPeerConnection();
    const sub = r.sub;
    this.sub = pc;
    this.subId = sub;
    pc.ontrack = () => this.collect();
    pc.onicecandidate = (e) => void this.ask('class:media:trickle', { target: 'subscriber', sub, candidate: e.candidate ? e.candidate.toJSON() : null });
    pc.oniceconnectionstatechange = () => {
      if (pc.iceConnectionState === 'failed') void this.iceRestart();
    };
    await this.answer(r.offer, r.streams, sub);
    this.set({ status: 'live' });
    this.reportStats();
  }

  /** Every few seconds, what the receiving connection measured goes to the server, which picks layers and the mode from it. */
  private reportStats() {
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.counters = new Map();
    this.statsTimer = setInterval(() => {
      const pc = this.sub;
      if (!pc) return;
      void pc
        .getStats()
        .then((report) => {
          const entries: StatsEntry[] = [];
          report.forEach((e: StatsEntry) => entries.push(e));
          const read = readClassStats(entries, this.counters);
          this.counters = read.counters;
          if (read.report.streams.length) void this.ask('class:media:stats', read.report);
        })
        .catch(() => undefined);
    }, STATS_EVERY_MS);
  }

  /** Audio and board only by our own choice, or video again. */
  async setAudioOnly(on: boolean) {
    const r = await this.ask('class:media:mode', { audioOnly: on });
    if (r.ok) this.set({ audioOnly: on ? { on: true, reason: 'manual' } : null });
  }

  /** Shares a screen as a second feed: everyone in the class receives it beside the teacher's camera. */
  async shareScreen() {
    if (this.screenPc || !this.snap.canShare) return;
    const screen = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: 15 }, audio: false }).catch(() => null);
    const track = screen?.getVideoTracks()[0];
    if (!screen || !track) return;
    const pc = new RTCPeerConnection();
    this.screenPc = pc;
    track.onended = () => void this.stopScreen();
    pc.addTransceiver(track, { direction: 'sendonly', sendEncodings: [{ maxBitrate: 1_200_000, maxFramerate: 15 }] });
    pc.onicecandidate = (e) => void this.ask('class:media:trickle', { target: 'publisher', source: 'screen', candidate: e.candidate ? e.candidate.toJSON() : null });
    await pc.setLocalDescription(await pc.createOffer());
    const r = await this.ask<{ answer: RTCSessionDescriptionInit }>('class:media:publish', { source: 'screen', offer: { type: 'offer', sdp: pc.localDescription!.sdp } });
    if (!r.ok) {
      this.endScreen(screen);
      return this.set({ error: r.error });
    }
    await pc.setRemoteDescription(r.answer);
    this.set({ screen });
  }

  /** Stops sharing: the screen's feed leaves the media server. */
  async stopScreen() {
    if (!this.screenPc) return;
    this.endScreen();
    await this.ask('class:media:unpublish', { source: 'screen' });
  }

  private endScreen(screen = this.snap.screen) {
    this.screenPc?.close();
    this.screenPc = null;
    for (const t of screen?.getTracks() ?? []) t.stop();
    if (this.snap.screen) this.set({ screen: null });
  }

  /** The teacher lets a learner share their screen, or takes it back. */
  async allowScreen(userId: string, allowed: boolean) {
    return this.ask('class:media:screen-permission', { userId, allowed });
  }

  /**
   * Offers are answered one at a time, each on the receiving connection it was made for: one queued for a connection
   * that has since been replaced (a move to or from a breakout group, a reconnect) is dropped when its turn comes,
   * never applied to the new connection.
   */
  private answer(offer: Offer, streams: ClassMediaStream[], sub: string): Promise<void> {
    const run = this.negotiation.then(() => this.answerNow(offer, streams, sub));
    this.negotiation = run.catch(() => undefined);
    return run;
  }

  private async answerNow(offer: Offer, streams: ClassMediaStream[], sub: string) {
    const pc = this.sub;
    if (!pc || sub !== this.subId) return;
    this.streams = streams;
    await pc.setRemoteDescription(offer);
    await pc.setLocalDescription(await pc.createAnswer());
    await this.ask('class:media:start', { sub, answer: { type: 'answer', sdp: pc.localDescription!.sdp } });
    if (this.sub === pc) this.collect();
  }

  /** One MediaStream per user from the receiving transceivers, labelled by the server's streams list. */
  private collect() {
    const byUser = new Map<string, { userId: string; source: ClassMediaSource; stream: MediaStream }>();
    for (const t of this.sub?.getTransceivers() ?? []) {
      const who = this.streams.find((s) => s.mid === t.mid);
      if (!who || !t.receiver.track || t.currentDirection === 'inactive') continue;
      const k = `${who.userId}:${who.source}`;
      const entry = byUser.get(k) ?? { userId: who.userId, source: who.source, stream: new MediaStream() };
      entry.stream.addTrack(t.receiver.track);
      byUser.set(k, entry);
    }
    this.set({ videos: [...byUser.values()] });
  }

  private async iceRestart() {
    const sub = this.subId;
    const r = await this.ask<{ offer?: Offer; sub?: string }>('class:media:restart', { target: 'subscriber' });
    if (r.ok && r.offer && sub) await this.answer(r.offer, this.streams, r.sub ?? sub);
  }

  /**
   * Follows the participant's stored microphone and camera state: a muted microphone or stopped camera sends nothing
   * from this device (its sender has no track), rather than sending media that Janus then drops.
   */
  setSending(audio: boolean, video: boolean) {
    if (audio === this.sending.audio && video === this.sending.video) return;
    this.sending = { audio, video };
    void this.applySending();
  }

  private async applySending() {
    const pc = this.pub;
    const local = this.snap.local;
    if (!pc || !local) return;
    for (const t of pc.getTransceivers()) {
      const kind = t.receiver.track.kind;
      const track = (kind === 'audio' ? local.getAudioTracks() : local.getVideoTracks())[0] ?? null;
      const want = (kind === 'audio' ? this.sending.audio : this.sending.video) ? track : null;
      if (t.sender.track !== want) await t.sender.replaceTrack(want).catch(() => undefined);
    }
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
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.statsTimer = null;
    this.endScreen();
    this.pub?.close();
    this.sub?.close();
    this.pub = null;
    this.sub = null;
    this.subId = null;
  }

  close() {
    if (window.__tutorlineClassMedia === this.testHook) delete window.__tutorlineClassMedia;
    for (const o of this.off) o();
    this.teardown();
    for (const t of this.snap.local?.getTracks() ?? []) t.stop();
  }
}
