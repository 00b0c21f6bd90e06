import { describe, expect, it } from 'vitest';
import { startOfDayIn } from './time';

describe('startOfDayIn', () => {
  it('finds local midnight in zones on both sides of UTC', () => {
    const now = new Date('2026-11-22T20:00:00Z');
    expect(startOfDayIn('Asia/Kolkata', now).toISOString()).toBe('2026-11-22T18:30:00.000Z'); // already the 23rd there
    expect(startOfDayIn('America/New_York', now).toISOString()).toBe('2026-11-22T05:00:00.000Z');
    expect(startOfDayIn('UTC', now).toISOString()).toBe('2026-11-22T00:00:00.000Z');
  });
});
