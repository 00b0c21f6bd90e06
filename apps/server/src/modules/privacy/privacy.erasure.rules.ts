/** Pure decisions for erasure (issue #20, decision 077): the grace period, and what may be done when. */

export const ERASURE_GRACE_MS = 14 * 86_400_000;

/**
 * How long one erase run holds its request: a second run, the sweep and a cancel leave it alone meanwhile. A run
 * that crashed is picked up by the sweep once this has passed.
 */
export const ERASURE_CLAIM_MS = 30 * 60_000;

export const erasureEffectiveAt = (requestedAt: Date) => new Date(requestedAt.getTime() + ERASURE_GRACE_MS);

export interface ErasureFacts {
  status: 'pending' | 'cancelled' | 'done';
  effectiveAt: Date;
}

/** Whether the erase job may run now for this request: pending, and the grace period is over. */
export type RunVerdict = { run: true } | { run: false; reason: 'not_pending' | 'grace_not_over' };

export function mayRunErasure(request: ErasureFacts, now: Date): RunVerdict {
  if (request.status !== 'pending') return { run: false, reason: 'not_pending' };
  if (now.getTime() < request.effectiveAt.getTime()) return { run: false, reason: 'grace_not_over' };
  return { run: true };
}
