import type { QualitySample } from '@tutorline/contracts';
import type { QualityLevel } from './types';

/**
 * Pure reading of RTCPeerConnection.getStats(): one pass over the report turns counters into rates (by difference with
 * the previous reading) and picks out the selected candidate pair. Fields follow the W3C webrtc-stats names.
 */

/** One entry of an RTCStatsReport, loosely typed: browsers differ in which fields they fill. */
export interface StatsEntry {
  id: string;
  type: string;
  [field: string]: unknown;
}

/** Cumulative counters kept between readings. */
export interface StatsCounters {
  atMs: number;
  bytesSent: number;
  bytesReceived: number;
  packetsReceived: number;
  packetsLost: number;
  /** What the other side reports losing of ours (remote-inbound-rtp). */
  remotePacketsLost: number;
  packetsSent: number;
  framesDecoded: number;
}

export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';
export interface SelectedPair {
  localCandidateType: CandidateType | null;
  remoteCandidateType: CandidateType | null;
  /** How this browser reaches the other side (for a relay, how it reaches the TURN server). */
  protocol: 'udp' | 'tcp' | null;
}

export interface StatsReading {
  sample: QualitySample;
  counters: StatsCounters;
  /** Loss of what we send, 0..1, as the other side reports it; null when unknown. */
  outboundLoss: number | null;
  availableOutgoingBitrate: number | null;
  pair: SelectedPair | null;
  /** Frames decoded since the pc started; > 0 means remote video really arrived. */
  framesDecoded: number;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const candidateTypes: readonly string[] = ['host', 'srflx', 'prflx', 'relay'];
const asCandidateType = (v: unknown): CandidateType | null => (typeof v === 'string' && candidateTypes.includes(v) ? (v as CandidateType) : null);

function asProtocol(candidate: StatsEntry | undefined): 'udp' | 'tcp' | null {
  if (!candidate) return null;
  // A relay candidate's own protocol is the relay's; relayProtocol is how we reach the TURN server (tls runs over tcp).
  const p = candidate.candidateType === 'relay' && typeof candidate.relayProtocol === 'string' ? candidate.relayProtocol : candidate.protocol;
  if (p === 'udp') return 'udp';
  if (p === 'tcp' || p === 'tls') return 'tcp';
  return null;
}

function selectedPairOf(byId: Map<string, StatsEntry>, entries: StatsEntry[]): StatsEntry | undefined {
  for (const e of entries) {
    if (e.type === 'transport' && typeof e.selectedCandidatePairId === 'string') {
      const pair = byId.get(e.selectedCandidatePairId);
      if (pair) return pair;
    }
  }
  // Firefox has no transport entry: it marks the pair itself.
  return entries.find((e) => e.type === 'candidate-pair' && (e.selected === true || (e.nominated === true && e.state === 'succeeded')));
}

/** Rate in bits per second between two byte counters, or null without a usable previous reading. */
function bitrate(bytes: number, prevBytes: number | undefined, seconds: number | null): number | null {
  if (prevBytes === undefined || seconds === null || bytes < prevBytes) return null;
  return Math.round(((bytes - prevBytes) * 8) / seconds);
}

export function readStats(report: Iterable<StatsEntry>, nowMs: number, prev: StatsCounters | null): StatsReading {
  const entries = [...report];
  const byId = new Map(entries.map((e) => [e.id, e]));
  const counters: StatsCounters = { atMs: nowMs, bytesSent: 0, bytesReceived: 0, packetsReceived: 0, packetsLost: 0, remotePacketsLost: 0, packetsSent: 0, framesDecoded: 0 };
  let video: StatsEntry | undefined;
  let remoteRtt: number | null = null;

  for (const e of entries) {
    if (e.type === 'outbound-rtp') {
      counters.bytesSent += num(e.bytesSent) ?? 0;
      counters.packetsSent += num(e.packetsSent) ?? 0;
    } else if (e.type === 'inbound-rtp') {
      counters.bytesReceived += num(e.bytesReceived) ?? 0;
      counters.packetsReceived += num(e.packetsReceived) ?? 0;
      // packetsLost can go negative with duplicates; never count that as negative loss.
      counters.packetsLost += Math.max(0, num(e.packetsLost) ?? 0);
      if (e.kind === 'video') {
        counters.framesDecoded += num(e.framesDecoded) ?? 0;
        if (!video || (num(e.bytesReceived) ?? 0) > (num(video.bytesReceived) ?? 0)) video = e;
      }
    } else if (e.type === 'remote-inbound-rtp') {
      counters.remotePacketsLost += Math.max(0, num(e.packetsLost) ?? 0);
      const rtt = num(e.roundTripTime);
      if (rtt !== null) remoteRtt = Math.max(remoteRtt ?? 0, rtt);
    }
  }

  const pairEntry = selectedPairOf(byId, entries);
  const pairRtt = num(pairEntry?.currentRoundTripTime);
  const rttSeconds = pairRtt ?? remoteRtt;

  // A new peer connection restarts every counter: then there is no rate to compute yet.
  const fresh = prev && counters.bytesSent >= prev.bytesSent && counters.bytesReceived >= prev.bytesReceived ? prev : null;
  const seconds = fresh && nowMs > fresh.atMs ? (nowMs - fresh.atMs) / 1000 : null;

  let loss: number | null = null;
  if (fresh) {
    const lost = Math.max(0, counters.packetsLost - fresh.packetsLost);
    const received = Math.max(0, counters.packetsReceived - fresh.packetsReceived);
    loss = lost + received > 0 ? lost / (lost + received) : null;
  }
  let outboundLoss: number | null = null;
  if (fresh) {
    const lost = Math.max(0, counters.remotePacketsLost - fresh.remotePacketsLost);
    const sent = Math.max(0, counters.packetsSent - fresh.packetsSent);
    outboundLoss = sent > 0 ? Math.min(1, lost / sent) : null;
  }

  const width = num(video?.frameWidth);
  const height = num(video?.frameHeight);
  const fps = num(video?.framesPerSecond);
  const local = typeof pairEntry?.localCandidateId === 'string' ? byId.get(pairEntry.localCandidateId) : undefined;
  const remote = typeof pairEntry?.remoteCandidateId === 'string' ? byId.get(pairEntry.remoteCandidateId) : undefined;

  return {
    sample: {
      rttMs: rttSeconds === null ? null : Math.round(rttSeconds * 1000),
      loss,
      sendBitrate: bitrate(counters.bytesSent, fresh?.bytesSent, seconds),
      recvBitrate: bitrate(counters.bytesReceived, fresh?.bytesReceived, seconds),
      resolution: width && height ? `${width}x${height}` : null,
      framesPerSecond: fps === null ? null : Math.min(240, Math.round(fps)),
    },
    counters,
    outboundLoss,
    availableOutgoingBitrate: num(pairEntry?.availableOutgoingBitrate),
    pair: pairEntry ? { localCandidateType: asCandidateType(local?.candidateType), remoteCandidateType: asCandidateType(remote?.candidateType), protocol: asProtocol(local) } : null,
    framesDecoded: counters.framesDecoded,
  };
}

/**
 * The indicator's bars; 'none' when media is not connected. Silence is not a bad network: a muted side with its camera
 * off sends no RTP at all, so zero bitrate alone says nothing.
 */
export function qualityLevel(reading: Pick<StatsReading, 'sample' | 'outboundLoss'>, connected: boolean): QualityLevel {
  const { rttMs, loss } = reading.sample;
  if (!connected) return 'none';
  const worstLoss = Math.max(loss ?? 0, reading.outboundLoss ?? 0);
  if ((rttMs ?? 0) > 600 || worstLoss > 0.1) return 'poor';
  if ((rttMs ?? 0) > 300 || worstLoss > 0.03) return 'fair';
  return 'good';
}
