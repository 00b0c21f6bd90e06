import { z } from 'zod';
import { defineJob } from '../../platform/jobs';

/** WhatsApp's queues and their payloads (decision 036); wa.send is the outbox's, in whatsapp.outbox.ts. */

/** One stored webhook event (wa_inbox) to run through the conversation. */
export const WA_INBOUND_QUEUE = defineJob('wa.inbound', z.object({ inboxId: z.number().int() }));

/**
 * What the conversation needs of one of help's socket events (its other fields are kept as they came, so the stored
 * job holds the whole event, as the web app gets it).
 */
export const mirroredHelpEvent = z.looseObject({
  questionId: z.string(),
  sessionId: z.string().optional(),
  wave: z.number().optional(),
  notifiedCount: z.number().optional(),
  status: z.string().optional(),
  reason: z.enum(['no_tutors', 'nobody_reached']).optional(),
  refunded: z.boolean().optional(),
  tutor: z.looseObject({ id: z.string(), displayName: z.string() }).optional(),
});

/** Events for one number that do not come from the number: help's progress, claims, closes, and timers. */
export const WA_SYSTEM_QUEUE = defineJob(
  'wa.system',
  z.object({
    waId: z.string(),
    key: z.string(),
    /** A conversation timer firing (the machine's schedule_timeout). */
    event: z.object({ type: z.literal('timeout') }).optional(),
    help: z.object({ event: z.string(), payload: mirroredHelpEvent }).optional(),
  }),
);
export type SystemJob = z.infer<typeof WA_SYSTEM_QUEUE.schema>;
