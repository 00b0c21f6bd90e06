import type { ClassMediaStats } from '@tutorline/contracts';

/**
 * Pure reading of the receiving connection's getStats() for `class:media:stats` (issue #15): per m-line, the bitrate and
 * loss since the previous reading, frames decoded, and the selected candidate pair's local type and round trip.
 */

export interface StatsEntry {
  id: string;
  type: string;
  [field: string]: unknown;
}

/** Cumulative counters per m-line, kept between readings. */
export type StreamCounters = Map<string, { atMs: number; bytes: number; received: number; lost: number }>;

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const types = ['host', 'srflx', 'prflx', 'relay'] as const;
type CandidateType = (typeof types)[number];

export function readClassStats(entries: readonly StatsEntry[], previous: StreamCounters): { report: Omit<ClassMediaStats, 'classId'>; counters: StreamCounters } {
  const counters: StreamCounters = new Map();
  const streams: ClassMediaStats['streams'] = [];
  for (const e of entries) {
    if (e.type !== 'inbound-rtp' || typeof e.mid !== 'string' || (e.kind !== 'audio' && e.kind !== 'video')) continue;
    const now = { atMs: num(e.timestamp), bytes: num(e.bytesReceived), received: num(e.packetsReceived), lost: Math.max(0, num(e.packetsLost)) };
    counters.set(e.mid, now);
    const before = previous.get(e.mid);
    if (!before || now.atMs <= before.atMs) continue;
    const got = Math.max(0, now.received - before.received);
    const lost = Math.max(0, now.lost - before.lost);
    streams.push({
      mid: e.mid.slice(0, 32),
      kind: e.kind,
      bitrateBps: Math.min(50_000_000, Math.round((Math.max(0, now.bytes - before.bytes) * 8 * 1000) / (now.atMs - before.atMs))),
      lossPct: got + lost === 0 ? 0 : Math.round((lost / (got + lost)) * 1000) / 10,
      framesDecoded: e.kind === 'video' ? num(e.framesDecoded) : null,
    });
  }
  const transport = entries.find((e) => e.type === 'transport' && typeof e.selectedCandidatePairId === 'string');
  const pair = entries.find((e) => e.type === 'candidate-pair' && (transport ? e.id === transport.selectedCandidatePairId : e.nominated === true && e.state === 'succeeded'));
  const local = pair ? entries.find((e) => e.id === pair.localCandidateId) : undefined;
  const candidateType = types.includes(local?.candidateType as CandidateType) ? (local!.candidateType as CandidateType) : null;
  const rtt = pair && typeof pair.currentRoundTripTime === 'number' ? Math.min(60_000, Math.round(pair.currentRoundTripTime * 1000)) : null;
  return { report: { streams: streams.slice(0, 80), candidateType, rttMs: rtt }, counters };
}
