import type { Tx } from '../../../platform/db';
import { z } from 'zod';
import { defineJob, type JobRunner } from '../../../platform/jobs';
import type { Logger } from '../../../platform/logger';
import type { SubscriptionState } from '../subscriptions/subscriptions.rules';

/**
 * Billing's word to other modules that a student can now ask: a credit pack or plan payment recorded, or a plan that
 * became live (a trial started, a lapsed plan paid again). Queued in the transaction that records it, and delivered
 * from a durable job after the commit, so a listener always sees the new entitlement, once per payment or change.
 */
export const ENTITLEMENT_GRANTED_QUEUE = defineJob(
  'billing.entitlement_granted',
  z.object({
    studentId: z.string(),
    source: z.enum(['credit_pack', 'subscription']),
    /** What granted it (`payment:<id>` or `subscription:<id>:<status>:<at>`): one delivery per ref. */
    ref: z.string(),
    at: z.string(),
  }),
);
export type EntitlementGranted = z.infer<typeof ENTITLEMENT_GRANTED_QUEUE.schema>;

/** A module that reacts (WhatsApp sends a question that was held for payment). */
export type EntitlementListener = (event: EntitlementGranted) => Promise<void>;

const GRANTING: readonly SubscriptionState[] = ['trialing', 'active'];

/** Whether a subscription moving `from` → `to` starts letting its student ask. */
export const grantsEntitlement = (from: SubscriptionState, to: SubscriptionState) => GRANTING.includes(to) && !GRANTING.includes(from);

export async function queueEntitlementGranted(tx: Tx, event: EntitlementGranted, now: Date): Promise<void> {
  await ENTITLEMENT_GRANTED_QUEUE.enqueue(tx, event, { dedupeKey: `${ENTITLEMENT_GRANTED_QUEUE.queue}:${event.ref}`, now });
}

/** Delivers each queued event to every listener; a listener that throws makes the job retry (listeners are idempotent). */
export function installEntitlementEvents(jobs: JobRunner, listeners: readonly EntitlementListener[], logger: Logger): void {
  jobs.register(ENTITLEMENT_GRANTED_QUEUE, async (event) => {
    logger.info({ event: 'entitlement_granted', studentId: event.studentId, source: event.source, ref: event.ref, listeners: listeners.length }, 'student can ask: listeners told');
    for (const listener of listeners) await listener(event);
  });
}
