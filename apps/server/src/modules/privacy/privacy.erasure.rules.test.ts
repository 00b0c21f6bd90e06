import { describe, expect, it } from 'vitest';
import { ERASURE_GRACE_MS, erasureEffectiveAt, mayRunErasure } from './privacy.erasure.rules';

describe('erasure rules', () => {
  const asked = new Date('2026-03-01T10:00:00Z');
  const effectiveAt = erasureEffectiveAt(asked);

  it('takes effect 14 days after the request', () => {
    expect(effectiveAt.toISOString()).toBe('2026-03-15T10:00:00.000Z');
    expect(ERASURE_GRACE_MS).toBe(14 * 24 * 3_600_000);
  });

  it('runs only for a pending request whose grace period is over', () => {
    expect(mayRunErasure({ status: 'pending', effectiveAt }, new Date(effectiveAt.getTime() - 1))).toEqual({ run: false, reason: 'grace_not_over' });
    expect(mayRunErasure({ status: 'pending', effectiveAt }, effectiveAt)).toEqual({ run: true });
    expect(mayRunErasure({ status: 'cancelled', effectiveAt }, new Date(effectiveAt.getTime() + 1))).toEqual({ run: false, reason: 'not_pending' });
    expect(mayRunErasure({ status: 'done', effectiveAt }, new Date(effectiveAt.getTime() + 1))).toEqual({ run: false, reason: 'not_pending' });
  });
});
