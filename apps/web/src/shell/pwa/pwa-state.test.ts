import { describe, expect, it } from 'vitest';
import { isLivePath } from './pwa-state';

describe('where an update must wait (a call or class is live)', () => {
  it('is the 1:1 room and a class room, nothing else', () => {
    expect(isLivePath('/session/3f0c')).toBe(true);
    expect(isLivePath('/classes/3f0c/room')).toBe(true);
    expect(isLivePath('/classes/3f0c')).toBe(false);
    expect(isLivePath('/student')).toBe(false);
    expect(isLivePath('/session/3f0c/extra')).toBe(false);
  });
});
