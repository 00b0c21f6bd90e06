import type { PeerState, RoomRole } from '@tutorline/contracts';
import type { RoomConnection, SignalIn } from '../room-connection';
import { measuredMode, type NetworkSample } from './bandwidth';
import { describeDevice, type UserAgentHints } from './diagnostics';
import { LocalTracks } from './local-tracks';
import { callState, nextRecoveryStep, otherRestartedCall, RECOVERY, type RecoveryProgress, recoveredHow, sdpSessionId } from './recovery';
import { addSenders, type CallSenders, configureSenders } from './senders';
import { qualityLevel, readStats, type StatsCounters, type StatsEntry } from './stats';
import type { CallMode, CallSnapshot, LocalMediaChoice } from './types';

export interface IceServerGrant {
  iceServers: RTCIceServer[];
  /** When the TURN credential stops working for new allocations; null when it does not expire. */
  expiresAt: string | null;
  /** 'relay' when the deployment sends every call through TURN. */
  iceTransportPolicy: RTCIceTransportPolicy;
}

export interface PeerCallOptions {
  connection: RoomConnection;
  /**
   * Our role: the student is the polite peer, the tutor the impolite one; an observer gets no peer connection. null:
   * the one the room's join gives (the call may start before the room is joined).
   */
  role: RoomRole | null;
  /**
   * The media chosen in pre-join; null when the call starts before the devices are ready (see setMedia): it then
   * connects at once with empty senders, and the tracks go onto them when they come.
   */
  media: LocalMediaChoice | null;
  /** The ICE servers: first the grant that came with the room's join, later GET /api/sessions/:id/ice-servers. */
  loadIceServers(): Promise<IceServerGrant>;
}

declare global {
  interface Window {
    /** For end-to-end tests: the current peer connection (it is replaced when the call is rebuilt) and the call state. */
    __tutorlineCall?: { pc(): RTCPeerConnection | null; state(): string };
  }
}

const STATS_EVERY_MS = 2_000;
const QUALITY_REPORT_EVERY_MS = 10_000;
const NETWORK_CHANGE_DEBOUNCE_MS = 1_000;
/** The device diagnostics are reported this long after joining. */
const DIAGNOSTICS_AFTER_MS = 3_000;
/**
 * When the two meet, both add their tracks at once and both would offer. Chrome can then leave the polite side's
 * connection without any ICE candidates after the rollback (seen in e2e: its answer carries none and it never gathers),
 * so the impolite side (the tutor) makes the first offer and the polite side only offers if none came in this time.
 */
const POLITE_FIRST_OFFER_WAIT_MS = 2_500;
/** A connection that has a local description but has not started gathering candidates by then is stuck: rebuild it. */
const GATHERING_WATCHDOG_MS = 3_000;

/**
 * The call with the other participant, framework-free: one RTCPeerConnection, negotiated with the "perfect
 * negotiation" pattern over the room's signaling, rebuilt when it cannot be repaired. React reads it through
 * getSnapshot/subscribe (see use-peer-call.ts).
 * Both sides always have an audio and a video m-line (see senders.ts).
 */
export class PeerCall {
  private snapshot: CallSnapshot;
  private listeners = new Set<() => void>();
  private readonly connection: RoomConnection;
  private readonly role: RoomRole | null;
  private readonly local: LocalTracks;
  private readonly loadIceServers: () => Promise<IceServerGrant>;
  private iceServers: RTCIceServer[] | null = null;
  private iceTransportPolicy: RTCIceTransportPolicy = 'all';
  private closed = false;
  private detach: (() => void)[] = [];
  private timers = new Map<string, number>();
  private readonly testHook = { pc: () => this.pc, state: () => this.snapshot.connection };

  // The current peer connection and its negotiation flags (MDN's perfect negotiation).
  private pc: RTCPeerConnection | null = null;
  private pcCreatedAt = 0;
  /** When the current peer connection first connected; null until then. */
  private pcConnectedAt: number | null = null;
  private makingOffer = false;
  private ignoreOffer = false;
  private settingRemoteAnswerPending = false;
  private senders: CallSenders | null = null;
  /** Signals are handled one at a time, in order; those that come before the ICE servers wait here. */
  private signalChain: Promise<void> = Promise.resolve();
  private waitingSignals: SignalIn[] = [];

  // What we know of the other participant and of the call's health.
  private otherPresent = false;
  private otherAbsentSince: number | null = Date.now();
  private mediaConnected = false;
  private everConnected = false;
  private failed = false;
  private recovery: RecoveryProgress = { restarts: 0, recreates: 0 };
  private reconnectingSince: number | null = null;
  private setupStartedAt = Date.now();
  private connectedAt: number | null = null;
  private mediaConnectedReported = false;

  // Measurements and modes.
  private counters: StatsCounters | null = null;
  private network: NetworkSample[] = [];
  private lastQualityReport = 0;
  private manualMode: CallMode | null = null;
  private remoteLow = false;
  private remoteMode: CallMode = 'full';
  private publishedState = '';
  /** When the view last saw a remote video frame (see markRemoteFrame). */
  private remoteFrameAt = 0;
  private diagnosticsSent = false;
  private mediaChain: Promise<void> = Promise.resolve();
  private mediaSet: boolean;
  private iceRequested = false;

  constructor(options: PeerCallOptions) {
    this.connection = options.connection;
    this.role = options.role;
    this.loadIceServers = options.loadIceServers;
    this.local = new LocalTracks(options.media);
    this.mediaSet = options.media !== null;
    this.snapshot = {
      connection: 'waiting',
      audio: this.local.micOn,
      video: this.local.cameraOn,
      screen: false,
      mode: 'full',
      modeReason: null,
      localVideo: this.local.camera ? new MediaStream([this.local.camera]) : null,
      mirrorLocal: true,
      canSwitchCamera: false,
      canShareScreen: this.local.canShareScreen,
      remoteStream: null,
      remoteVideoFlowing: false,
      quality: null,
      notice: null,
    };
    window.__tutorlineCall = this.testHook;
    // Observers (admins) watch the room but are never part of the call.
    if (options.role === 'observer') return;

    void this.local.countCameras().then(() => this.update({ canSwitchCamera: this.local.canSwitchCamera }));
    this.detach.push(
      this.connection.subscribe(() => this.onRoomChange()),
      this.connection.onSignal((s) => this.onSignal(s)),
      this.connection.onRejoined((info) => this.onRejoined(info.recovered, info.joinCount)),
    );
    const onNetworkChange = () => this.later('network', NETWORK_CHANGE_DEBOUNCE_MS, () => this.onNetworkChange());
    window.addEventListener('online', onNetworkChange);
    const netInfo = (navigator as Navigator & { connection?: EventTarget }).connection;
    netInfo?.addEventListener('change', onNetworkChange);
    this.detach.push(() => window.removeEventListener('online', onNetworkChange), () => netInfo?.removeEventListener('change', onNetworkChange));

    this.onRoomChange();
  }

  /** Our role in the room: given, or from the room's join; null before that. */
  private myRole(): RoomRole | null {
    return this.role ?? this.connection.getSnapshot().joined?.self.role ?? null;
  }
  private get polite(): boolean {
    return this.myRole() === 'student';
  }

  // ---- state for React ----
  getSnapshot = (): CallSnapshot => this.snapshot;
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  private update(patch: Partial<CallSnapshot>) {
    if (this.closed) return;
    this.snapshot = { ...this.snapshot, ...patch };
    for (const l of this.listeners) l();
    this.publishPeerState();
  }
  private refreshState() {
    const connection = callState({ otherPresent: this.otherPresent, mediaConnected: this.mediaConnected, everConnected: this.everConnected, failed: this.failed });
    if (connection !== this.snapshot.connection) this.update({ connection });
  }

  // ---- the room: presence, peer state, rejoin ----
  private onRoomChange() {
    const room = this.connection.getSnapshot();
    if (!room.joined || this.closed || this.myRole() === 'observer') return;
    // The ICE servers: asked for once the room is joined (its answer may carry them).
    if (!this.iceRequested) {
      this.iceRequested = true;
      void this.fetchIceServers().then(() => {
        this.onRoomChange();
        for (const s of this.waitingSignals.splice(0)) this.onSignal(s);
      });
    }
    if (!this.diagnosticsSent) {
      // After the call's setup: the server records it, and the other side's call goes through the same server.
      this.diagnosticsSent = true;
      this.later('diagnostics', DIAGNOSTICS_AFTER_MS, () => {
        const hints = (navigator as Navigator & { userAgentData?: UserAgentHints }).userAgentData;
        this.connection.reportEvent({ type: 'diagnostics', diagnostics: describeDevice(navigator.userAgent, hints) });
      });
    }
    const other = this.connection.otherParticipant();
    const present = other?.present ?? false;
    if (present && !this.otherPresent) this.onOtherArrived();
    if (!present && this.otherPresent) this.otherAbsentSince = Date.now();
    this.otherPresent = present;
    // The first connection (not for a session that ended); before the ICE servers arrive, their fetch calls this again.
    const open = room.status !== 'ended' && room.joined.session.status === 'active';
    if (present && !this.pc && this.iceServers && open) this.createPc();
    // They reloaded while our connection still looks fine: start afresh now, not after ICE notices (see recovery.ts).
    else if (present && this.pc && !this.polite && otherRestartedCall({ theirConnection: other?.state?.connection, pcConnectedAt: this.pcConnectedAt, otherAbsentSince: this.otherAbsentSince })) {
      this.recovery = { restarts: 0, recreates: this.recovery.recreates + 1 };
      this.markReconnecting('socket');
      this.createPc();
    }

    const remoteLow = other?.state?.lowBandwidth ?? false;
    const remoteMode = other?.state?.mode ?? 'full';
    if (remoteLow !== this.remoteLow || remoteMode !== this.remoteMode) {
      this.remoteLow = remoteLow;
      this.remoteMode = remoteMode;
      this.syncSenders();
    }
    this.refreshState();
    this.publishPeerState();
  }

  private onOtherArrived() {
    if (!this.everConnected) this.setupStartedAt = Date.now();
    if (!this.pc) return;
    // They reloaded or lost their network: a connection older than their absence cannot be repaired, start afresh.
    // (When their new offer arrived first, our pc is already newer than their absence.)
    if (!this.mediaConnected && this.otherAbsentSince !== null && this.pcCreatedAt <= this.otherAbsentSince) {
      this.recovery = { restarts: 0, recreates: this.recovery.recreates + 1 };
      this.createPc();
    }
  }

  private onRejoined(recovered: boolean, joinCount: number) {
    this.publishedState = ''; // the server may have forgotten it
    this.publishPeerState();
    if (recovered || joinCount <= 1 || !this.pc || !this.otherPresent) return;
    // The server saw us leave: signals sent meanwhile are lost. Resend an unanswered offer, and restart ICE in case
    // candidates were lost too.
    if (this.pc.signalingState === 'have-local-offer' && this.pc.localDescription) this.connection.sendSignal({ description: this.pc.localDescription.toJSON() });
    if (this.mediaConnected) this.pc.restartIce();
    else this.recover('socket');
  }

  private onNetworkChange() {
    if (!this.pc || !this.otherPresent) return;
    // A new network (Wi-Fi → mobile data) needs new candidates; while media still flows the restart is seamless.
    if (this.mediaConnected) this.pc.restartIce();
    else this.recover('network-change');
  }

  private publishPeerState() {
    if (this.closed || !this.connection.getSnapshot().joined || this.myRole() === 'observer') return;
    const s = this.snapshot;
    const state: PeerState = { audio: s.audio, video: s.video, screen: s.screen, lowBandwidth: s.mode !== 'full', mode: s.mode, connection: s.connection };
    const json = JSON.stringify(state);
    if (json === this.publishedState) return;
    this.publishedState = json;
    this.connection.setPeerState(state);
  }

  // ---- ICE servers ----
  private async fetchIceServers(): Promise<void> {
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        const grant = await this.loadIceServers();
        this.iceServers = grant.iceServers;
        this.iceTransportPolicy = grant.iceTransportPolicy;
        this.pc?.setConfiguration({ ...this.pc.getConfiguration(), iceServers: grant.iceServers, iceTransportPolicy: grant.iceTransportPolicy });
        // Fetch a new TURN credential a minute before this one expires, so restarts and rebuilds can still allocate.
        if (grant.expiresAt) this.later('ice-servers', Math.max(30_000, Date.parse(grant.expiresAt) - Date.now() - 60_000), () => void this.fetchIceServers());
        return;
      } catch {
        // Without any answer, try host candidates alone (same network) while we keep asking.
        if (attempt === 1 && !this.iceServers) this.iceServers = [];
        await new Promise((r) => setTimeout(r, Math.min(15_000, 2_000 * (attempt + 1))));
      }
    }
  }

  // ---- the peer connection ----
  private createPc(): RTCPeerConnection {
    this.pc?.close();
    const pc = new RTCPeerConnection({ iceServers: this.iceServers ?? [], iceTransportPolicy: this.iceTransportPolicy, bundlePolicy: 'max-bundle' });
    this.pc = pc;
    this.pcCreatedAt = Date.now();
    this.pcConnectedAt = null;
    this.makingOffer = this.ignoreOffer = this.settingRemoteAnswerPending = false;
    this.mediaConnected = false;
    this.counters = null;
    this.update({ remoteStream: null, remoteVideoFlowing: false, quality: null });

    this.senders = addSenders(pc, this.local);
    this.syncSenders();

    const mine = (handler: () => void) => () => {
      if (this.pc === pc) handler();
    };
    pc.onnegotiationneeded = mine(() => {
      const firstNegotiation = !pc.remoteDescription && !pc.currentLocalDescription;
      if (this.polite && firstNegotiation) {
        this.later('polite-offer', POLITE_FIRST_OFFER_WAIT_MS, () => {
          if (this.pc === pc && pc.signalingState === 'stable' && !pc.remoteDescription) void this.makeOffer(pc);
        });
        return;
      }
      void this.makeOffer(pc);
    });
    pc.onicecandidate = ({ candidate }) => {
      // null = this side gathered every candidate.
      if (this.pc !== pc) return;
      this.connection.sendSignal({ candidate: candidate ? { candidate: candidate.candidate, sdpMid: candidate.sdpMid, sdpMLineIndex: candidate.sdpMLineIndex, usernameFragment: candidate.usernameFragment } : null });
    };
    pc.oniceconnectionstatechange = mine(() => this.onIceState(pc.iceConnectionState));
    pc.ontrack = ({ track }) => {
      if (this.pc !== pc) return;
      const others = this.snapshot.remoteStream?.getTracks().filter((t) => t.kind !== track.kind) ?? [];
      this.update({ remoteStream: new MediaStream([...others, track]) });
    };
    this.later('attempt', RECOVERY.setupTimeoutMs, () => this.onAttemptTimeout());
    this.later('stats', STATS_EVERY_MS, () => void this.sampleStats(pc));
    return pc;
  }

  private async makeOffer(pc: RTCPeerConnection) {
    try {
      this.makingOffer = true;
      await pc.setLocalDescription();
      if (this.pc === pc && pc.localDescription) this.connection.sendSignal({ description: pc.localDescription.toJSON() });
      this.watchGathering(pc);
    } catch (error) {
      console.warn('call: could not make an offer', error);
    } finally {
      this.makingOffer = false;
    }
  }

  private onSignal(signal: SignalIn) {
    if (this.closed) return;
    const other = this.connection.otherParticipant();
    if (other && signal.from !== other.userId) return;
    if (!this.iceServers) {
      this.waitingSignals.push(signal);
      return;
    }
    this.signalChain = this.signalChain.then(() => this.handleSignal(signal)).catch((error: unknown) => console.warn('call: signal failed', error));
  }

  private async handleSignal({ description, candidate }: SignalIn) {
    if (description) {
      let pc = this.pc ?? this.createPc();
      // An offer from another SDP session: the other side built a new peer connection, so must we. A fresh pc with
      // no remote description yet takes any offer (both sides rebuilding at once meet that way).
      const current = sdpSessionId(pc.remoteDescription?.sdp);
      if (description.type === 'offer' && current !== null && sdpSessionId(description.sdp) !== current) pc = this.createPc();

      // The same offer again (resent below) after we already answered it.
      if (description.type === 'offer' && pc.signalingState === 'stable' && description.sdp === pc.remoteDescription?.sdp) return;

      const readyForOffer = !this.makingOffer && (pc.signalingState === 'stable' || this.settingRemoteAnswerPending);
      const collision = description.type === 'offer' && !readyForOffer;
      this.ignoreOffer = !this.polite && collision;
      if (this.ignoreOffer) {
        // The polite side yields to our offer, but may never have had it (it was not listening yet, or the socket was
        // down): send it again, with every candidate gathered so far.
        if (pc.signalingState === 'have-local-offer' && pc.localDescription) this.connection.sendSignal({ description: pc.localDescription.toJSON() });
        return;
      }
      this.settingRemoteAnswerPending = description.type === 'answer';
      try {
        await pc.setRemoteDescription(description);
      } finally {
        this.settingRemoteAnswerPending = false;
      }
      if (description.type === 'offer') {
        await pc.setLocalDescription();
        if (this.pc === pc && pc.localDescription) this.connection.sendSignal({ description: pc.localDescription.toJSON() });
        this.watchGathering(pc);
      }
      return;
    }
    if (candidate === undefined || !this.pc) return;
    try {
      if (candidate === null) await this.pc.addIceCandidate();
      else await this.pc.addIceCandidate(candidate);
    } catch (error) {
      // Candidates of an ignored offer, or of the other side's previous pc, are expected to fail.
      if (!this.ignoreOffer) console.debug('call: candidate not added', error);
    }
  }

  // ---- health and recovery ----
  private onIceState(state: RTCIceConnectionState) {
    if (state === 'connected' || state === 'completed') {
      this.clear('attempt');
      this.clear('grace');
      if (this.reconnectingSince !== null) {
        this.connection.reportEvent({ type: 'reconnected', afterMs: Date.now() - this.reconnectingSince, how: recoveredHow(this.recovery) });
        this.reconnectingSince = null;
      }
      this.recovery = { restarts: 0, recreates: 0 };
      this.failed = false;
      this.mediaConnected = this.everConnected = true;
      this.connectedAt ??= Date.now();
      this.pcConnectedAt ??= Date.now();
      this.refreshState();
      if (this.pc) void this.sampleStats(this.pc);
      return;
    }
    this.mediaConnected = false;
    if (state === 'failed') this.recover('ice-failed');
    else if (state === 'disconnected' && this.everConnected) {
      // Often a blip that heals by itself; say so at once, act after the grace period.
      this.markReconnecting('ice-disconnected');
      this.later('grace', RECOVERY.disconnectedGraceMs, () => this.recover('ice-disconnected'));
    }
    this.refreshState();
  }

  private markReconnecting(cause: 'ice-disconnected' | 'ice-failed' | 'socket' | 'network-change') {
    if (this.reconnectingSince !== null || !this.everConnected) return;
    this.reconnectingSince = Date.now();
    this.connection.reportEvent({ type: 'reconnecting', cause });
  }

  /** One recovery step: restart ICE, or after repeated failures rebuild the peer connection. */
  private recover(cause: 'ice-disconnected' | 'ice-failed' | 'socket' | 'network-change') {
    if (this.closed || this.mediaConnected) return;
    // Nobody to negotiate with: their return (presence) starts things again.
    if (!this.otherPresent || !this.pc) return this.refreshState();
    this.markReconnecting(cause);
    const step = nextRecoveryStep(this.recovery);
    this.failed = step.shownAs === 'failed';
    if (step.action === 'restart-ice') {
      this.recovery = { ...this.recovery, restarts: this.recovery.restarts + 1 };
      this.pc.restartIce();
      this.later('attempt', RECOVERY.attemptTimeoutMs, () => this.onAttemptTimeout());
    } else {
      this.recovery = { restarts: 0, recreates: this.recovery.recreates + 1 };
      this.createPc();
    }
    this.refreshState();
  }

  /** See GATHERING_WATCHDOG_MS. */
  private watchGathering(pc: RTCPeerConnection) {
    this.later('gathering', GATHERING_WATCHDOG_MS, () => {
      if (this.pc !== pc || this.mediaConnected || pc.iceGatheringState !== 'new' || !pc.localDescription) return;
      console.warn('call: no ICE candidates were gathered; rebuilding the connection');
      this.recovery = { restarts: 0, recreates: this.recovery.recreates + 1 };
      this.createPc();
    });
  }

  private onAttemptTimeout() {
    if (!this.mediaConnected) this.recover(this.pc?.iceConnectionState === 'disconnected' ? 'ice-disconnected' : 'ice-failed');
  }

  // ---- stats, quality, low-bandwidth mode ----
  private async sampleStats(pc: RTCPeerConnection) {
    this.clear('stats');
    if (this.pc !== pc || this.closed) return;
    try {
      const report = await pc.getStats();
      const now = Date.now();
      const reading = readStats(report.values() as IterableIterator<StatsEntry>, now, this.counters);
      // Decoded frames, not track.muted: Chrome can leave a receiving track muted after a rollback.
      // A frame the view reported since the last sample counts too: this reading may predate it.
      const remoteVideoFlowing = reading.framesDecoded > (this.counters?.framesDecoded ?? 0) || now - this.remoteFrameAt < STATS_EVERY_MS;
      this.counters = reading.counters;
      if (this.pc !== pc) return;
      const level = qualityLevel(reading, this.mediaConnected);
      this.update({ quality: { ...reading.sample, level, availableOutgoingBitrate: reading.availableOutgoingBitrate }, remoteVideoFlowing });
      if (this.mediaConnected) {
        this.network = [...this.network.slice(-19), { availableOutgoingBitrate: reading.availableOutgoingBitrate, loss: Math.max(reading.sample.loss ?? 0, reading.outboundLoss ?? 0) }];
        if (this.manualMode === null) this.applyMode(measuredMode(this.network, this.snapshot.mode), 'measured');
        if (!this.mediaConnectedReported && reading.pair) {
          this.mediaConnectedReported = true;
          const setupMs = this.connectedAt === null ? null : Math.max(0, this.connectedAt - this.setupStartedAt);
          this.connection.reportEvent({ type: 'media-connected', ...reading.pair, setupMs });
        }
        if (reading.sample.sendBitrate !== null && now - this.lastQualityReport >= QUALITY_REPORT_EVERY_MS) {
          this.lastQualityReport = now;
          this.connection.reportEvent({ type: 'quality', sample: reading.sample });
        }
      }
    } catch (error) {
      console.debug('call: getStats failed', error);
    }
    if (this.pc === pc) this.later('stats', STATS_EVERY_MS, () => void this.sampleStats(pc));
  }

  private applyMode(mode: CallMode, reason: 'manual' | 'measured') {
    const before = this.snapshot.mode;
    if (mode === before && (mode === 'full' || reason === this.snapshot.modeReason)) return;
    if ((mode === 'full') !== (before === 'full')) this.connection.reportEvent({ type: 'low-bandwidth', on: mode !== 'full', reason });
    if (reason === 'measured') this.network = []; // judge the new mode on fresh samples
    this.update({ mode, modeReason: mode === 'full' ? null : reason });
    this.syncSenders();
  }

  /** Opens or stops the camera as the mode allows, configures the senders, and shows the result. In order, one at a time. */
  private syncSenders() {
    this.mediaChain = this.mediaChain
      .then(async () => {
        const mode = this.snapshot.mode;
        const notice = await this.local.syncCamera(mode !== 'audio-board');
        const pc = this.pc;
        const video = this.local.videoTrack();
        const audio = this.local.audioTrack();
        if (pc && pc.signalingState !== 'closed' && this.senders) await configureSenders(this.senders, this.local, mode, this.remoteLow);
        const shown = this.local.screen ?? this.local.camera;
        this.update({
          audio: audio !== null,
          video: video !== null && !this.local.screen,
          screen: this.local.screen !== null,
          localVideo: shown ? (this.snapshot.localVideo?.getTracks()[0] === shown ? this.snapshot.localVideo : new MediaStream([shown])) : null,
          mirrorLocal: !this.local.screen && this.local.facing === 'user',
          ...(notice ? { notice } : {}),
        });
      })
      .catch((error: unknown) => console.warn('call: could not update the senders', error));
  }

  /**
   * The local media, once, for a call started without it: the tracks go onto the existing senders (replaceTrack on
   * sendrecv transceivers needs no renegotiation), so the connection made meanwhile is kept.
   */
  setMedia(choice: LocalMediaChoice): void {
    if (this.closed || this.mediaSet) return;
    this.mediaSet = true;
    this.local.adopt(choice);
    void this.local.countCameras().then(() => this.update({ canSwitchCamera: this.local.canSwitchCamera }));
    this.syncSenders();
  }

  // ---- controls ----
  async setMicrophone(on: boolean): Promise<void> {
    const notice = await this.local.setMic(on);
    this.update({ notice });
    this.syncSenders();
  }
  async setCamera(on: boolean): Promise<void> {
    this.local.cameraOn = on;
    this.update({ notice: null });
    // Turning the camera on leaves audio-and-board mode: the user clearly wants video.
    if (on && this.snapshot.mode === 'audio-board') this.chooseMode('low');
    else this.syncSenders();
  }
  async switchCamera(): Promise<void> {
    const notice = await this.local.switchCamera();
    this.update({ notice });
    this.syncSenders();
  }
  async startScreenShare(): Promise<void> {
    const notice = await this.local.startScreen(() => this.stopScreenShare());
    this.update({ notice });
    this.syncSenders();
  }
  stopScreenShare(): void {
    this.local.stopScreen();
    this.syncSenders();
  }
  /** The user's choice wins over measurements for the rest of the call. */
  chooseMode(mode: CallMode): void {
    this.manualMode = mode;
    this.applyMode(mode, 'manual');
  }
  /**
   * The view's video element showed a remote frame: show the video now rather than at the next stats sample (up to
   * STATS_EVERY_MS later, with the avatar lingering meanwhile). Stats still hide it again when frames stop.
   */
  markRemoteFrame(): void {
    this.remoteFrameAt = Date.now();
    if (this.pc && !this.snapshot.remoteVideoFlowing) this.update({ remoteVideoFlowing: true });
  }
  dismissNotice(): void {
    this.update({ notice: null });
  }

  /** Hangs up: closes the peer connection and stops every local track. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.waitingSignals = [];
    for (const d of this.detach) d();
    this.pc?.close();
    this.pc = null;
    this.local.stopAll();
    this.listeners.clear();
    if (window.__tutorlineCall === this.testHook) delete window.__tutorlineCall;
  }

  // ---- timers by name: setting one replaces the previous ----
  private later(name: string, ms: number, fn: () => void) {
    this.clear(name);
    this.timers.set(
      name,
      window.setTimeout(() => {
        this.timers.delete(name);
        if (!this.closed) fn();
      }, ms),
    );
  }
  private clear(name: string) {
    const t = this.timers.get(name);
    if (t !== undefined) clearTimeout(t);
    this.timers.delete(name);
  }
}
