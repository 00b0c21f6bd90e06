import { describe, expect, it } from 'vitest';
import { qualityLevel, readStats, type StatsEntry } from './stats';

/** A Chrome-like report: one transport, a selected relay pair, audio + video both ways. */
function chromeReport(o: { bytesSent: number; bytesReceived: number; packetsReceived: number; packetsLost: number; framesDecoded: number; rtt?: number }): StatsEntry[] {
  return [
    { id: 'T01', type: 'transport', selectedCandidatePairId: 'CPa_b' },
    { id: 'CPa_b', type: 'candidate-pair', state: 'succeeded', nominated: true, localCandidateId: 'Ia', remoteCandidateId: 'Ib', currentRoundTripTime: o.rtt ?? 0.12, availableOutgoingBitrate: 310_000 },
    { id: 'CPx_y', type: 'candidate-pair', state: 'failed', localCandidateId: 'Ix', remoteCandidateId: 'Iy', currentRoundTripTime: 0.9 },
    { id: 'Ia', type: 'local-candidate', candidateType: 'relay', protocol: 'udp', relayProtocol: 'tcp' },
    { id: 'Ib', type: 'remote-candidate', candidateType: 'srflx', protocol: 'udp' },
    { id: 'OTa', type: 'outbound-rtp', kind: 'audio', bytesSent: o.bytesSent / 4, packetsSent: 500 },
    { id: 'OTv', type: 'outbound-rtp', kind: 'video', bytesSent: (o.bytesSent * 3) / 4, packetsSent: 1500 },
    { id: 'ITa', type: 'inbound-rtp', kind: 'audio', bytesReceived: o.bytesReceived / 4, packetsReceived: o.packetsReceived / 2, packetsLost: o.packetsLost / 2 },
    { id: 'ITv', type: 'inbound-rtp', kind: 'video', bytesReceived: (o.bytesReceived * 3) / 4, packetsReceived: o.packetsReceived / 2, packetsLost: o.packetsLost / 2, frameWidth: 320, frameHeight: 180, framesPerSecond: 14.6, framesDecoded: o.framesDecoded },
    { id: 'RIa', type: 'remote-inbound-rtp', kind: 'audio', roundTripTime: 0.2, packetsLost: 0 },
  ];
}

describe('readStats', () => {
  it('turns counters into rates against the previous reading, and finds the selected pair', () => {
    const first = readStats(chromeReport({ bytesSent: 100_000, bytesReceived: 200_000, packetsReceived: 1000, packetsLost: 0, framesDecoded: 100 }), 10_000, null);
    expect(first.sample.sendBitrate).toBeNull();
    expect(first.sample.loss).toBeNull();
    const second = readStats(chromeReport({ bytesSent: 150_000, bytesReceived: 250_000, packetsReceived: 1180, packetsLost: 20, framesDecoded: 130 }), 12_000, first.counters);
    expect(second.sample).toEqual({ rttMs: 120, loss: 0.1, sendBitrate: 200_000, recvBitrate: 200_000, resolution: '320x180', framesPerSecond: 15 });
    expect(second.pair).toEqual({ localCandidateType: 'relay', remoteCandidateType: 'srflx', protocol: 'tcp' });
    expect(second.availableOutgoingBitrate).toBe(310_000);
    expect(second.framesDecoded).toBe(130);
  });

  it('uses remote-inbound-rtp round trip time when the pair has none, and Firefox-style selected pairs', () => {
    const firefox: StatsEntry[] = [
      { id: 'p1', type: 'candidate-pair', selected: true, state: 'succeeded', localCandidateId: 'l', remoteCandidateId: 'r' },
      { id: 'l', type: 'local-candidate', candidateType: 'host', protocol: 'udp' },
      { id: 'r', type: 'remote-candidate', candidateType: 'prflx', protocol: 'udp' },
      { id: 'ri', type: 'remote-inbound-rtp', kind: 'video', roundTripTime: 0.25 },
    ];
    const r = readStats(firefox, 0, null);
    expect(r.sample.rttMs).toBe(250);
    expect(r.pair).toEqual({ localCandidateType: 'host', remoteCandidateType: 'prflx', protocol: 'udp' });
    expect(r.availableOutgoingBitrate).toBeNull();
  });

  it('starts over when the counters went backwards (a new peer connection)', () => {
    const before = readStats(chromeReport({ bytesSent: 900_000, bytesReceived: 900_000, packetsReceived: 9000, packetsLost: 9, framesDecoded: 900 }), 0, null);
    const after = readStats(chromeReport({ bytesSent: 1_000, bytesReceived: 1_000, packetsReceived: 10, packetsLost: 0, framesDecoded: 1 }), 2_000, before.counters);
    expect(after.sample.sendBitrate).toBeNull();
    expect(after.sample.loss).toBeNull();
  });

  it('reports nothing but nulls for an empty report', () => {
    const r = readStats([], 0, null);
    expect(r.sample).toEqual({ rttMs: null, loss: null, sendBitrate: null, recvBitrate: null, resolution: null, framesPerSecond: null });
    expect(r.pair).toBeNull();
  });
});

describe('qualityLevel', () => {
  const at = (rttMs: number | null, loss: number | null, outboundLoss: number | null = null) => ({ sample: { rttMs, loss, sendBitrate: 1, recvBitrate: 1, resolution: null, framesPerSecond: null }, outboundLoss });
  it('grades round trip time and the worse of both losses', () => {
    expect(qualityLevel(at(80, 0), true)).toBe('good');
    expect(qualityLevel(at(350, 0), true)).toBe('fair');
    expect(qualityLevel(at(80, 0.05), true)).toBe('fair');
    expect(qualityLevel(at(80, 0, 0.2), true)).toBe('poor');
    expect(qualityLevel(at(700, 0), true)).toBe('poor');
    expect(qualityLevel(at(null, null), true)).toBe('good');
  });
  it('is none while not connected', () => {
    expect(qualityLevel(at(80, 0), false)).toBe('none');
  });
});
