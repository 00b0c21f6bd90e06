import { describe, expect, it } from 'vitest';
import { audioLevel, mediaPermissionOf, mediaProblemOf, problemMessage } from './local-media';

describe('mediaProblemOf', () => {
  it('maps getUserMedia errors by name', () => {
    const err = (name: string) => Object.assign(new Error('x'), { name });
    expect(mediaProblemOf(err('NotAllowedError'))).toBe('denied');
    expect(mediaProblemOf(err('NotFoundError'))).toBe('not-found');
    expect(mediaProblemOf(err('NotReadableError'))).toBe('in-use');
    expect(mediaProblemOf({ name: 'OverconstrainedError' })).toBe('not-found');
    expect(mediaProblemOf(new TypeError('no constraints'))).toBe('unsupported');
    expect(mediaProblemOf('weird')).toBe('other');
  });
  it('says what to do about it', () => {
    expect(problemMessage('denied', 'camera')).toContain('allow the camera');
    expect(problemMessage('in-use', 'microphone')).toContain('another app');
  });
});

describe('audioLevel', () => {
  it('is 0 for silence and grows with loudness, capped at 1', () => {
    expect(audioLevel(new Float32Array(128))).toBe(0);
    expect(audioLevel([])).toBe(0);
    expect(audioLevel(new Float32Array(128).fill(0.1))).toBeCloseTo(0.4);
    expect(audioLevel(new Float32Array(128).fill(0.9))).toBe(1);
  });
});

describe('mediaPermissionOf', () => {
  it('is granted only when both are, denied only when both are, and prompt (ask first) otherwise', () => {
    expect(mediaPermissionOf('granted', 'granted')).toBe('granted');
    expect(mediaPermissionOf('denied', 'denied')).toBe('denied');
    expect(mediaPermissionOf('prompt', 'prompt')).toBe('prompt');
    expect(mediaPermissionOf('granted', 'prompt')).toBe('prompt');
    expect(mediaPermissionOf('denied', 'granted')).toBe('prompt');
    // No Permissions API (older Safari and Firefox): ask first.
    expect(mediaPermissionOf(null, null)).toBe('prompt');
  });
});
