import type { RoomConnection } from '../room-connection';
import { measuredMode, type NetworkSample } from './bandwidth';
import type { NamedTimers } from './call-timers';
import { qualityLevel, readStats, type StatsCounters, type StatsEntry } from './stats';
import type { CallMode, CallSnapshot } from './types';

const STATS_EVERY_MS = 2_000;
const QUALITY_REPORT_EVERY_MS = 10_000;

/** What the quality monitor needs from the call (see peer-call.ts). */
export interface QualityHost {
  readonly connection: RoomConnection;
  readonly timers: NamedTimers;
  current(): RTCPeerConnection | null;
  closed(): boolean;
  mediaConnected(): boolean;
  snapshot(): CallSnapshot;
  update(patch: Partial<CallSnapshot>): void;
  /** From the other's arrival to the first connection; null before it connected. */
  setupMs(): number | null;
  /** Applies the mode to the camera and the senders. */
  syncSenders(): void;
  /** Our tracks go to the media server (see PeerCall.handOver): an idle connection says nothing of the network. */
  handedOver(): boolean;
}

/**
 * The call's measurements: getStats every STATS_EVERY_MS, the quality shown and reported, the 'media-connected'
 * event, and the mode (full, low, audio-board) chosen by the user or measured from the network.
 */
export class QualityMonitor {
  private counters: StatsCounters | null = null;
  private network: NetworkSample[] = [];
  private lastQualityReport = 0;
  private manualMode: CallMode | null = null;
  /** When the view last saw a remote video frame (see markRemoteFrame). */
  private remoteFrameAt = 0;
  private mediaConnectedReported = false;

  constructor(private readonly host: QualityHost) {}

  /** A new peer connection: its counters start from zero. */
  reset(): void {
    this.counters = null;
  }

  /** Samples a new peer connection's stats from now on. */
  watch(pc: RTCPeerConnection): void {
    this.host.timers.later('stats', STATS_EVERY_MS, () => void this.sample(pc));
  }

  async sample(pc: RTCPeerConnection): Promise<void> {
    const host = this.host;
    host.timers.clear('stats');
    if (host.current() !== pc || host.closed()) return;
    try {
      const report = await pc.getStats();
      const now = Date.now();
      const reading = readStats(report.values() as IterableIterator<StatsEntry>, now, this.counters);
      // Decoded frames, not track.muted: Chrome can leave a receiving track muted after a rollback.
      // A frame the view reported since the last sample counts too: this reading may predate it.
      const remoteVideoFlowing = reading.framesDecoded > (this.counters?.framesDecoded ?? 0) || now - this.remoteFrameAt < STATS_EVERY_MS;
      this.counters = reading.counters;
      if (host.current() !== pc) return;
      const level = qualityLevel(reading, host.mediaConnected());
      host.update({ quality: { ...reading.sample, level, availableOutgoingBitrate: reading.availableOutgoingBitrate }, remoteVideoFlowing });
      if (host.mediaConnected()) {
        this.network = [...this.network.slice(-19), { availableOutgoingBitrate: reading.availableOutgoingBitrate, loss: Math.max(reading.sample.loss ?? 0, reading.outboundLoss ?? 0) }];
        if (this.manualMode === null && !host.handedOver()) this.applyMode(measuredMode(this.network, host.snapshot().mode), 'measured');
        if (!this.mediaConnectedReported && reading.pair) {
          this.mediaConnectedReported = true;
          host.connection.reportEvent({ type: 'media-connected', ...reading.pair, setupMs: host.setupMs() });
        }
        if (reading.sample.sendBitrate !== null && now - this.lastQualityReport >= QUALITY_REPORT_EVERY_MS) {
          this.lastQualityReport = now;
          host.connection.reportEvent({ type: 'quality', sample: reading.sample });
        }
      }
    } catch (error) {
      console.debug('call: getStats failed', error);
    }
    if (host.current() === pc) this.watch(pc);
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
    if (this.host.current() && !this.host.snapshot().remoteVideoFlowing) this.host.update({ remoteVideoFlowing: true });
  }

  private applyMode(mode: CallMode, reason: 'manual' | 'measured') {
    const before = this.host.snapshot().mode;
    if (mode === before && (mode === 'full' || reason === this.host.snapshot().modeReason)) return;
    if ((mode === 'full') !== (before === 'full')) this.host.connection.reportEvent({ type: 'low-bandwidth', on: mode !== 'full', reason });
    if (reason === 'measured') this.network = []; // judge the new mode on fresh samples
    this.host.update({ mode, modeReason: mode === 'full' ? null : reason });
    this.host.syncSenders();
  }
}
