import { describe, expect, it } from 'vitest';
import { clampView, FITTED, fittedSize, MAX_SCALE, zoomAt } from './zoom';

const frame = { width: 390, height: 700 };
const fitted = { width: 390, height: 520 };

describe('photo viewer zoom', () => {
  it('fits a photo into the screen whole', () => {
    expect(fittedSize({ width: 1500, height: 2000 }, frame)).toEqual({ width: 390, height: 520 });
    expect(fittedSize({ width: 2000, height: 500 }, frame)).toEqual({ width: 390, height: 97.5 });
  });

  it('zooms around the point under the fingers: that point stays put', () => {
    const focus = { x: 100, y: -50 };
    const v = zoomAt(FITTED, 3, focus);
    expect(v.scale).toBe(3);
    // The picture point under focus before: (focus - offset) / scale. After, it must map to the same screen point.
    const before = { x: (focus.x - FITTED.x) / FITTED.scale, y: (focus.y - FITTED.y) / FITTED.scale };
    expect(before.x * v.scale + v.x).toBeCloseTo(focus.x);
    expect(before.y * v.scale + v.y).toBeCloseTo(focus.y);
  });

  it('keeps the scale between fitted and the maximum, and the picture on screen', () => {
    expect(zoomAt(FITTED, 0.2, { x: 0, y: 0 }).scale).toBe(1);
    expect(zoomAt({ scale: 5, x: 0, y: 0 }, 4, { x: 0, y: 0 }).scale).toBe(MAX_SCALE);
    // Fitted: no panning at all. At 2×: at most half the overflow each way.
    expect(clampView({ scale: 1, x: 80, y: -30 }, frame, fitted)).toEqual({ scale: 1, x: 0, y: 0 });
    expect(clampView({ scale: 2, x: 1000, y: -1000 }, frame, fitted)).toEqual({ scale: 2, x: 195, y: -170 });
  });
});
