import { classMediaStatsSchema } from '@tutorline/contracts';
import { describe, expect, it } from 'vitest';
import { readClassStats, type StatsEntry } from './class-stats';

const inbound = (mid: string, kind: string, t: number, bytes: number, received: number, lost: number, frames = 0): StatsEntry => ({
  id: `in-${mid}`,
  type: 'inbound-rtp',
  mid,
  kind,
  timestamp: t,
  bytesReceived: bytes,
  packetsReceived: received,
  packetsLost: lost,
  framesDecoded: frames,
});
const pairEntries: StatsEntry[] = [
  { id: 'T', type: 'transport', selectedCandidatePairId: 'P' },
  { id: 'P', type: 'candidate-pair', localCandidateId: 'L', currentRoundTripTime: 0.042 },
  { id: 'L', type: 'local-candidate', candidateType: 'relay' },
];

describe('class receiving stats', () => {
  it('turns two readings into per-stream bitrate and loss, with the candidate type and round trip', () => {
    const first = readClassStats([inbound('0', 'audio', 1_000, 0, 0, 0), inbound('1', 'video', 1_000, 0, 0, 0, 0), ...pairEntries], new Map());
    expect(first.report.streams).toEqual([]);
    const second = readClassStats([inbound('0', 'audio', 3_000, 10_000, 100, 0), inbound('1', 'video', 3_000, 250_000, 180, 20, 60), ...pairEntries], first.counters);
    expect(second.report).toEqual({
      streams: [
        { mid: '0', kind: 'audio', bitrateBps: 40_000, lossPct: 0, framesDecoded: null },
        { mid: '1', kind: 'video', bitrateBps: 1_000_000, lossPct: 10, framesDecoded: 60 },
      ],
      candidateType: 'relay',
      rttMs: 42,
    });
    // What the page sends passes the server's schema.
    expect(classMediaStatsSchema.safeParse({ classId: '00000000-0000-4000-8000-000000000000', ...second.report }).success).toBe(true);
  });

  it('skips entries it cannot read and never reports negative rates after a counter reset', () => {
    const prev = readClassStats([inbound('1', 'video', 1_000, 500_000, 500, 10)], new Map()).counters;
    const r = readClassStats([inbound('1', 'video', 2_000, 1_000, 10, 0), { id: 'x', type: 'outbound-rtp', mid: '2', kind: 'video' }], prev);
    expect(r.report.streams).toEqual([{ mid: '1', kind: 'video', bitrateBps: 0, lossPct: 0, framesDecoded: 0 }]);
    expect(r.report.candidateType).toBeNull();
  });
});
