import type { PeerState, RoomRole } from '@tutorline/contracts';
import type { RoomConnection } from '../room-connection';
import { CallMedia } from './call-media';
import { QualityMonitor } from './call-quality';
import { NamedTimers } from './call-timers';
import { describeDevice, type UserAgentHints } from './diagnostics';
import { IceServerSource } from './ice-servers';
import { Negotiation } from './negotiation';
import { callState, nextRecoveryStep, otherRestartedCall, RECOVERY, type RecoveryProgress, recoveredHow } from './recovery';
import type { PeerCallOptions } from './peer-call-options';
import type { CallMode, CallSnapshot, LocalMediaChoice } from './types';

export type { IceServerGrant } from './ice-servers';

export type { PeerCallOptions } from './peer-call-options';

const NETWORK_CHANGE_DEBOUNCE_MS = 1_000;
/** The device diagnostics are reported this long after joining. */
const DIAGNOSTICS_AFTER_MS = 3_000;

/**
 * The call with the other participant, framework-free: one RTCPeerConnection, negotiated with the "perfect
 * negotiation" pattern over the room's signaling (negotiation.ts), rebuilt when it cannot be repaired (here). Our
 * media is in call-media.ts, measurements and modes in call-quality.ts, the ICE servers in ice-servers.ts. React
 * reads it through getSnapshot/subscribe (see use-peer-call.ts).
 * Both sides always have an audio and a video m-line (see senders.ts).
 */
export class PeerCall {
  private snapshot: CallSnapshot;
  private listeners = new Set<() => void>();
  private readonly connection: RoomConnection;
  private readonly role: RoomRole | null;
  private readonly media: CallMedia;
  private closed = false;
  private detach: (() => void)[] = [];
  private readonly timers = new NamedTimers(() => this.closed);
  private readonly testHook = { pc: () => this.pc, state: () => this.snapshot.connection };
  private readonly ice: IceServerSource;
  private readonly negotiation: Negotiation;
  private readonly quality: QualityMonitor;

  // The current peer connection.
  private pc: RTCPeerConnection | null = null;
  private pcCreatedAt = 0;
  /** When the current peer connection first connected; null until then. */
  private pcConnectedAt: number | null = null;

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

  // The other side's modes.
  private remoteLow = false;
  private remoteMode: CallMode = 'full';
  private publishedState = '';
  private diagnosticsSent = false;
  private iceRequested = false;
  /** Our tracks go to the media server while the session is recorded (handOver). */
  private handedOver = false;

  constructor(options: PeerCallOptions) {
    this.connection = options.connection;
    this.role = options.role;
    const isClosed = () => this.closed;
    // What every part of the call reads (see the *Host interfaces).
    const parts = {
      connection: this.connection,
      timers: this.timers,
      current: () => this.pc,
      closed: isClosed,
      mediaConnected: () => this.mediaConnected,
      snapshot: () => this.snapshot,
      update: (patch: Partial<CallSnapshot>) => this.update(patch),
    };
    const handedOver = () => this.handedOver;
    this.media = new CallMedia(options.media, { ...parts, remoteLow: () => this.remoteLow, handedOver, chooseMode: (mode) => this.chooseMode(mode) });
    this.ice = new IceServerSource(options.loadIceServers, this.timers, isClosed, (grant) =>
      this.pc?.setConfiguration({ ...this.pc.getConfiguration(), iceServers: grant.iceServers, iceTransportPolicy: grant.iceTransportPolicy }),
    );
    this.negotiation = new Negotiation({
      ...parts,
      createPc: () => this.createPc(),
      rebuildPc: () => this.rebuildPc(),
      polite: () => this.polite,
      hasIceServers: () => this.ice.servers !== null,
    });
    this.quality = new QualityMonitor({
      ...parts,
      setupMs: () => (this.connectedAt === null ? null : Math.max(0, this.connectedAt - this.setupStartedAt)),
      syncSenders: () => this.media.sync(),
      handedOver,
    });
    this.snapshot = {
      connection: 'waiting',
      audio: this.media.local.micOn,
      video: this.media.local.cameraOn,
      screen: false,
      mode: 'full',
      modeReason: null,
      localVideo: this.media.local.camera ? new MediaStream([this.media.local.camera]) : null,
      mirrorLocal: true,
      canSwitchCamera: false,
      canShareScreen: this.media.local.canShareScreen,
      remoteStream: null,
      remoteVideoFlowing: false,
      quality: null,
      notice: null,
    };
    window.__tutorlineCall = this.testHook;
    // Observers (admins) watch the room but are never part of the call.
    if (options.role === 'observer') return;

    this.media.countCameras();
    this.detach.push(
      this.connection.subscribe(() => this.onRoomChange()),
      this.connection.onSignal((s) => this.negotiation.onSignal(s)),
      this.connection.onRejoined((info) => this.onRejoined(info.recovered, info.joinCount)),
    );
    const onNetworkChange = () => this.timers.later('network', NETWORK_CHANGE_DEBOUNCE_MS, () => this.onNetworkChange());
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
      void this.ice.fetch().then(() => {
        this.onRoomChange();
        this.negotiation.flushWaiting();
      });
    }
    if (!this.diagnosticsSent) {
      // After the call's setup: the server records it, and the other side's call goes through the same server.
      this.diagnosticsSent = true;
      this.timers.later('diagnostics', DIAGNOSTICS_AFTER_MS, () => {
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
    if (present && !this.pc && this.ice.servers && open) this.createPc();
    else if (present && this.pc && !this.polite && otherRestartedCall({ theirConnection: other?.state?.connection, pcConnectedAt: this.pcConnectedAt, otherAbsentSince: this.otherAbsentSince })) {
      this.markReconnecting('socket');
      this.rebuildPc();
    }

    const remoteLow = other?.state?.lowBandwidth ?? false;
    const remoteMode = other?.state?.mode ?? 'full';
    if (remoteLow !== this.remoteLow || remoteMode !== this.remoteMode) {
      this.remoteLow = remoteLow;
      this.remoteMode = remoteMode;
      this.media.sync();
    }
    this.refreshState();
    this.publishPeerState();
  }

  private onOtherArrived() {
    if (!this.everConnected) this.setupStartedAt = Date.now();
    if (!this.pc) return;
    // They reloaded or lost their network: a connection older than their absence cannot be repaired, start afresh.
    // (When their new offer arrived first, our pc is already newer than their absence.)
    if (!this.mediaConnected && this.otherAbsentSince !== null && this.pcCreatedAt <= this.otherAbsentSince) this.rebuildPc();
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

  // ---- the peer connection ----
  private createPc(): RTCPeerConnection {
    this.pc?.close();
    const pc = new RTCPeerConnection({ iceServers: this.ice.servers ?? [], iceTransportPolicy: this.ice.policy, bundlePolicy: 'max-bundle' });
    this.pc = pc;
    this.pcCreatedAt = Date.now();
    this.pcConnectedAt = null;
    this.negotiation.reset();
    this.mediaConnected = false;
    this.quality.reset();
    this.update({ remoteStream: null, remoteVideoFlowing: false, quality: null });

    this.media.addTo(pc);

    this.negotiation.attach(pc);
    pc.oniceconnectionstatechange = () => {
      if (this.pc === pc) this.onIceState(pc.iceConnectionState);
    };
    pc.ontrack = ({ track }) => {
      if (this.pc !== pc) return;
      const others = this.snapshot.remoteStream?.getTracks().filter((t) => t.kind !== track.kind) ?? [];
      this.update({ remoteStream: new MediaStream([...others, track]) });
    };
    this.timers.later('attempt', RECOVERY.setupTimeoutMs, () => this.onAttemptTimeout());
    this.quality.watch(pc);
    return pc;
  }

  /** A new peer connection after the current one could not be repaired. */
  private rebuildPc() {
    this.recovery = { restarts: 0, recreates: this.recovery.recreates + 1 };
    this.createPc();
  }

  // ---- health and recovery ----
  private onIceState(state: RTCIceConnectionState) {
    if (state === 'connected' || state === 'completed') {
      this.timers.clear('attempt');
      this.timers.clear('grace');
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
      if (this.pc) void this.quality.sample(this.pc);
      return;
    }
    this.mediaConnected = false;
    if (state === 'failed') this.recover('ice-failed');
    else if (state === 'disconnected' && this.everConnected) {
      // Often a blip that heals by itself; say so at once, act after the grace period.
      this.markReconnecting('ice-disconnected');
      this.timers.later('grace', RECOVERY.disconnectedGraceMs, () => this.recover('ice-disconnected'));
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
      this.timers.later('attempt', RECOVERY.attemptTimeoutMs, () => this.onAttemptTimeout());
    } else this.rebuildPc();
    this.refreshState();
  }

  private onAttemptTimeout() {
    if (!this.mediaConnected) this.recover(this.pc?.iceConnectionState === 'disconnected' ? 'ice-disconnected' : 'ice-failed');
  }

  /**
   * The local media, once, for a call started without it: the tracks go onto the existing senders (replaceTrack on
   * sendrecv transceivers needs no renegotiation), so the connection made meanwhile is kept.
   */
  setMedia(choice: LocalMediaChoice): void {
    this.media.setMedia(choice);
  }

  // ---- controls ----
  setMicrophone(on: boolean): Promise<void> {
    return this.media.setMicrophone(on);
  }
  setCamera(on: boolean): Promise<void> {
    return this.media.setCamera(on);
  }
  switchCamera(): Promise<void> {
    return this.media.switchCamera();
  }
  startScreenShare(): Promise<void> {
    return this.media.startScreenShare();
  }
  stopScreenShare(): void {
    this.media.stopScreenShare();
  }
  /**
   * A recorded session (decision 056): 'sfu' takes our microphone and camera off the peer connection's senders (no
   * bytes leave on it, and no renegotiation: replaceTrack), so they go only to the media server, which reads them from
   * outgoing(); 'p2p' puts them back. The peer connection stays up meanwhile, so the way back is immediate.
   */
  handOver(to: 'sfu' | 'p2p'): void {
    const handed = to === 'sfu';
    if (this.closed || handed === this.handedOver) return;
    this.handedOver = handed;
    this.media.sync();
  }
  /** The tracks this side sends now (what the switches and the mode allow), wherever they go. */
  outgoing(): { audio: MediaStreamTrack | null; video: MediaStreamTrack | null } {
    return { audio: this.media.local.audioTrack(), video: this.media.local.videoTrack() };
  }

  /** The user's choice wins over measurements for the rest of the call. */
  chooseMode(mode: CallMode): void {
    this.quality.chooseMode(mode);
  }
  /** The view's video element showed a remote frame (see QualityMonitor.markRemoteFrame). */
  markRemoteFrame(): void {
    this.quality.markRemoteFrame();
  }
  dismissNotice(): void {
    this.update({ notice: null });
  }

  /** Hangs up: closes the peer connection and stops every local track. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.timers.clearAll();
    this.negotiation.dropWaiting();
    for (const d of this.detach) d();
    this.pc?.close();
    this.pc = null;
    this.media.local.stopAll();
    this.listeners.clear();
    if (window.__tutorlineCall === this.testHook) delete window.__tutorlineCall;
  }
}
