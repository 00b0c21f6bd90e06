import { describe, expect, it } from 'vitest';
import { audioMaxBitrate, LOW_BANDWIDTH, measuredMode, type NetworkSample, videoEncoding } from './bandwidth';

const bad: NetworkSample = { availableOutgoingBitrate: 200_000, loss: 0 };
const lossy: NetworkSample = { availableOutgoingBitrate: 2_000_000, loss: 0.12 };
const ok: NetworkSample = { availableOutgoingBitrate: 400_000, loss: 0.01 };
const clean: NetworkSample = { availableOutgoingBitrate: 900_000, loss: 0 };

describe('measuredMode', () => {
  it('enters low mode after two bad samples in a row, not one', () => {
    expect(measuredMode([ok, bad], 'full')).toBe('full');
    expect(measuredMode([ok, bad, bad], 'full')).toBe('low');
    expect(measuredMode([lossy, lossy], 'full')).toBe('low');
    expect(measuredMode([bad, lossy], 'full')).toBe('low');
  });
  it('leaves low mode only after a long clean stretch', () => {
    const stretch = Array<NetworkSample>(LOW_BANDWIDTH.samplesToExit).fill(clean);
    expect(measuredMode(stretch, 'low')).toBe('full');
    expect(measuredMode([...stretch.slice(1), ok], 'low')).toBe('low');
    expect(measuredMode(stretch.slice(1), 'low')).toBe('low');
  });
  it('never leaves audio-and-board mode by itself', () => {
    expect(measuredMode(Array<NetworkSample>(30).fill(clean), 'audio-board')).toBe('audio-board');
  });
  it('treats an unknown estimate as neither bad nor clean', () => {
    const unknown: NetworkSample = { availableOutgoingBitrate: null, loss: null };
    expect(measuredMode([unknown, unknown], 'full')).toBe('full');
    expect(measuredMode(Array<NetworkSample>(20).fill(unknown), 'low')).toBe('low');
  });
});

describe('sender limits', () => {
  it('caps a camera at 180 lines and 150 kbit/s in low mode', () => {
    expect(videoEncoding(true, 'camera', 360)).toEqual({ maxBitrate: 150_000, scaleResolutionDownBy: 2, maxFramerate: 15 });
    expect(videoEncoding(true, 'camera', 480).scaleResolutionDownBy).toBeCloseTo(2.67);
    expect(videoEncoding(true, 'camera', 120).scaleResolutionDownBy).toBe(1);
  });
  it('keeps a shared screen readable: more lines, fewer frames', () => {
    expect(videoEncoding(true, 'screen', 1080)).toEqual({ maxBitrate: 150_000, scaleResolutionDownBy: 1.5, maxFramerate: 5 });
    expect(videoEncoding(false, 'screen', 1080).scaleResolutionDownBy).toBe(1);
  });
  it('pins Opus at 32 kbit/s only in low mode', () => {
    expect(audioMaxBitrate(true)).toBe(32_000);
    expect(audioMaxBitrate(false)).toBeUndefined();
  });
});
