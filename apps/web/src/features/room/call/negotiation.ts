import type { RoomConnection, SignalIn } from '../room-connection';
import type { NamedTimers } from './call-timers';
import { sdpSessionId } from './recovery';

/**
 * When the two meet, both add their tracks at once and both would offer. Chrome can then leave the polite side's
 * connection without any ICE candidates after the rollback (seen in e2e: its answer carries none and it never gathers),
 * so the impolite side (the tutor) makes the first offer and the polite side only offers if none came in this time.
 */
const POLITE_FIRST_OFFER_WAIT_MS = 2_500;
/** A connection that has a local description but has not started gathering candidates by then is stuck: rebuild it. */
const GATHERING_WATCHDOG_MS = 3_000;

/** What negotiation needs from the call (see peer-call.ts). */
export interface NegotiationHost {
  readonly connection: RoomConnection;
  readonly timers: NamedTimers;
  /** The current peer connection; a signal or event of another one is stale. */
  current(): RTCPeerConnection | null;
  /** Builds a new peer connection (closing the current one) and makes it current. */
  createPc(): RTCPeerConnection;
  /** A new peer connection after the current one could not be repaired (counts as a recovery step). */
  rebuildPc(): void;
  polite(): boolean;
  closed(): boolean;
  mediaConnected(): boolean;
  /** Signals that come before the ICE servers wait for them. */
  hasIceServers(): boolean;
}

/**
 * The "perfect negotiation" pattern (MDN) over the room's signaling: offers, answers, collisions and candidates,
 * handled one signal at a time and in order.
 */
export class Negotiation {
  private makingOffer = false;
  private ignoreOffer = false;
  private settingRemoteAnswerPending = false;
  /** Signals are handled one at a time, in order; those that come before the ICE servers wait here. */
  private signalChain: Promise<void> = Promise.resolve();
  private waitingSignals: SignalIn[] = [];

  constructor(private readonly host: NegotiationHost) {}

  /** A new peer connection starts with fresh negotiation flags. */
  reset(): void {
    this.makingOffer = this.ignoreOffer = this.settingRemoteAnswerPending = false;
  }

  /** Wires a new peer connection's negotiation and candidates to the signaling. */
  attach(pc: RTCPeerConnection): void {
    const host = this.host;
    pc.onnegotiationneeded = () => {
      if (host.current() !== pc) return;
      const firstNegotiation = !pc.remoteDescription && !pc.currentLocalDescription;
      if (host.polite() && firstNegotiation) {
        host.timers.later('polite-offer', POLITE_FIRST_OFFER_WAIT_MS, () => {
          if (host.current() === pc && pc.signalingState === 'stable' && !pc.remoteDescription) void this.makeOffer(pc);
        });
        return;
      }
      void this.makeOffer(pc);
    };
    pc.onicecandidate = ({ candidate }) => {
      // null = this side gathered every candidate.
      if (host.current() !== pc) return;
      host.connection.sendSignal({ candidate: candidate ? { candidate: candidate.candidate, sdpMid: candidate.sdpMid, sdpMLineIndex: candidate.sdpMLineIndex, usernameFragment: candidate.usernameFragment } : null });
    };
  }

  onSignal(signal: SignalIn): void {
    if (this.host.closed()) return;
    const other = this.host.connection.otherParticipant();
    if (other && signal.from !== other.userId) return;
    if (!this.host.hasIceServers()) {
      this.waitingSignals.push(signal);
      return;
    }
    this.signalChain = this.signalChain.then(() => this.handleSignal(signal)).catch((error: unknown) => console.warn('call: signal failed', error));
  }

  /** The ICE servers came: handle the signals that waited for them. */
  flushWaiting(): void {
    for (const s of this.waitingSignals.splice(0)) this.onSignal(s);
  }

  dropWaiting(): void {
    this.waitingSignals = [];
  }

  private async makeOffer(pc: RTCPeerConnection) {
    try {
      this.makingOffer = true;
      await pc.setLocalDescription();
      if (this.host.current() === pc && pc.localDescription) this.host.connection.sendSignal({ description: pc.localDescription.toJSON() });
      this.watchGathering(pc);
    } catch (error) {
      console.warn('call: could not make an offer', error);
    } finally {
      this.makingOffer = false;
    }
  }

  private async handleSignal({ description, candidate }: SignalIn) {
    const host = this.host;
    if (description) {
      let pc = host.current() ?? host.createPc();
      // An offer from another SDP session: the other side built a new peer connection, so must we. A fresh pc with
      // no remote description yet takes any offer (both sides rebuilding at once meet that way).
      const current = sdpSessionId(pc.remoteDescription?.sdp);
      if (description.type === 'offer' && current !== null && sdpSessionId(description.sdp) !== current) pc = host.createPc();

      // The same offer again (resent below) after we already answered it.
      if (description.type === 'offer' && pc.signalingState === 'stable' && description.sdp === pc.remoteDescription?.sdp) return;

      const readyForOffer = !this.makingOffer && (pc.signalingState === 'stable' || this.settingRemoteAnswerPending);
      const collision = description.type === 'offer' && !readyForOffer;
      this.ignoreOffer = !host.polite() && collision;
      if (this.ignoreOffer) {
        // The polite side yields to our offer, but may never have had it (it was not listening yet, or the socket was
        // down): send it again, with every candidate gathered so far.
        if (pc.signalingState === 'have-local-offer' && pc.localDescription) host.connection.sendSignal({ description: pc.localDescription.toJSON() });
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
        if (host.current() === pc && pc.localDescription) host.connection.sendSignal({ description: pc.localDescription.toJSON() });
        this.watchGathering(pc);
      }
      return;
    }
    const pc = host.current();
    if (candidate === undefined || !pc) return;
    try {
      if (candidate === null) await pc.addIceCandidate();
      else await pc.addIceCandidate(candidate);
    } catch (error) {
      // Candidates of an ignored offer, or of the other side's previous pc, are expected to fail.
      if (!this.ignoreOffer) console.debug('call: candidate not added', error);
    }
  }

  /** See GATHERING_WATCHDOG_MS. */
  private watchGathering(pc: RTCPeerConnection) {
    this.host.timers.later('gathering', GATHERING_WATCHDOG_MS, () => {
      if (this.host.current() !== pc || this.host.mediaConnected() || pc.iceGatheringState !== 'new' || !pc.localDescription) return;
      console.warn('call: no ICE candidates were gathered; rebuilding the connection');
      this.host.rebuildPc();
    });
  }
}
