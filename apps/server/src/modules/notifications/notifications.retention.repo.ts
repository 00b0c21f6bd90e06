import { inArray, lt } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import { deleteFinishedJobs } from '../../platform/jobs';
import { type RetentionCount, type RetentionCut, removeInBatches } from '../../platform/retention';
import { PUSH_SEND_QUEUE } from './notifications.push';
import { pushSubscriptions, userNotifications } from './notifications.schema';
import { NOTIFY_QUEUE } from './notifications.service';
import { EMAIL_SEND_QUEUE } from './notifications.email';

const removed = (rows: number): RetentionCount => ({ rows, files: 0, bytes: 0, held: 0 });

/**
 * Retention of Web Push subscriptions (#20, #21): a browser's endpoint and keys go once it has not renewed them for
 * the schedule's period. The web app renews its subscription each time it starts logged in, so only browsers no
 * longer used for Tutorline are dropped (the push service's 404/410 drops dead ones sooner).
 */
export async function removeOldPushSubscriptions(deps: { db: Db }, cut: RetentionCut): Promise<RetentionCount> {
  const gone = await deps.db.delete(pushSubscriptions).where(lt(pushSubscriptions.createdAt, cut.before)).returning({ id: pushSubscriptions.id });
  return removed(gone.length);
}

/**
 * Retention of in-app notices (#20): a notice older than the period goes, read or not (a year-old notice is stale), in
 * batches. Its dedupe key goes with it; the events that key a notice (a booking, a question) are long over by then.
 */
export async function removeOldNotices(deps: { db: Db }, cut: RetentionCut): Promise<RetentionCount> {
  const { db } = deps;
  const rows = await removeInBatches(async (limit) => {
    const old = db.select({ id: userNotifications.id }).from(userNotifications).where(lt(userNotifications.createdAt, cut.before)).orderBy(userNotifications.id).limit(limit);
    const gone = await db.delete(userNotifications).where(inArray(userNotifications.id, old)).returning({ id: userNotifications.id });
    return gone.length;
  });
  return removed(rows);
}

/** The queues whose payload names a user and holds a message's words: the outbox's deliveries (WhatsApp and others) and pushes. */
const NOTIFICATION_QUEUES = [NOTIFY_QUEUE.queue, PUSH_SEND_QUEUE.queue, EMAIL_SEND_QUEUE.queue] as const;

/**
 * Retention of finished notification jobs (#20): sent, failed and parked deliveries and pushes go once they finished
 * longer ago than the period, in batches; queued and running ones are never touched. Support's timeline shows pushes
 * of that period only. A deleted job's dedupe key could be queued again; its event (a booking, a question) is long
 * over by then.
 */
export async function removeOldNotificationJobs(deps: { db: Db }, cut: RetentionCut): Promise<RetentionCount> {
  const rows = await removeInBatches((limit) => deleteFinishedJobs(deps.db, { queues: NOTIFICATION_QUEUES, states: ['done', 'failed', 'parked'], before: cut.before, limit }));
  return removed(rows);
}
