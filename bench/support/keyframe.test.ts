import { describe, expect, it } from 'vitest';
import { KeyframeWatcher, type VideoPacket } from './keyframe';

const pkt = (sequenceNumber: number, timestamp: number, o: Partial<VideoPacket> = {}): VideoPacket => ({ sequenceNumber, timestamp, marker: false, keyframeStart: false, ...o });

describe('KeyframeWatcher', () => {
  it('is complete at the marker of a keyframe whose every packet arrived', () => {
    const w = new KeyframeWatcher();
    expect(w.push(pkt(10, 900, { marker: true }))).toBe(false); // a delta frame
    expect(w.push(pkt(11, 1000, { keyframeStart: true }))).toBe(false);
    expect(w.push(pkt(12, 1000))).toBe(false);
    expect(w.push(pkt(13, 1000, { marker: true }))).toBe(true);
    expect(w.push(pkt(14, 1100))).toBe(true);
  });

  it('waits for a missing packet that arrives late, across the sequence number wrap', () => {
    const w = new KeyframeWatcher();
    w.push(pkt(65534, 5, { keyframeStart: true }));
    w.push(pkt(0, 5));
    expect(w.push(pkt(1, 5, { marker: true }))).toBe(false);
    expect(w.push(pkt(65535, 5))).toBe(true);
  });

  it('a keyframe with a lost packet does not count; the next whole one does', () => {
    const w = new KeyframeWatcher();
    w.push(pkt(1, 100, { keyframeStart: true }));
    expect(w.push(pkt(3, 100, { marker: true }))).toBe(false);
    expect(w.push(pkt(4, 200, { marker: true }))).toBe(false); // delta frames are not keyframes
    w.push(pkt(5, 300, { keyframeStart: true }));
    expect(w.push(pkt(6, 300, { marker: true }))).toBe(true);
  });

  it('packets with no keyframe start never complete', () => {
    const w = new KeyframeWatcher();
    for (let i = 0; i < 10; i++) expect(w.push(pkt(i, i * 10, { marker: true }))).toBe(false);
  });
});
