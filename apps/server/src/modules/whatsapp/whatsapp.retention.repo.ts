import type { Db } from '../../platform/db';
import { deleteFinishedJobs } from '../../platform/jobs';
import { type RetentionCount, type RetentionCut, removeInBatches } from '../../platform/retention';
import { WA_SYSTEM_QUEUE } from './whatsapp.jobs';

/**
 * Retention of finished wa.system jobs (#20): each names a WhatsApp number (`waId`) and keeps help's event as the app
 * got it (a tutor's name among it). Done, failed and parked ones go once they finished longer ago than the finished
 * jobs' period, with the notification jobs; queued and running ones (a timer not fired yet) are never touched. The
 * other WhatsApp queues hold only ids of rows that have their own rules (wa_inbox, wa_messages).
 */
export async function removeOldWhatsAppJobs(deps: { db: Db }, cut: RetentionCut): Promise<RetentionCount> {
  const rows = await removeInBatches((limit) => deleteFinishedJobs(deps.db, { queues: [WA_SYSTEM_QUEUE.queue], states: ['done', 'failed', 'parked'], before: cut.before, limit }));
  return { rows, files: 0, bytes: 0, held: 0 };
}
