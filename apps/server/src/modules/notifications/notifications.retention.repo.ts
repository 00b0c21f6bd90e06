import { lt } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import type { RetentionCount, RetentionCut } from '../../platform/retention';
import { pushSubscriptions } from './notifications.schema';

/**
 * Retention of Web Push subscriptions (#20, #21): a browser's endpoint and keys go once it has not renewed them for
 * the schedule's period. The web app renews its subscription each time it starts logged in, so only browsers no
 * longer used for Tutorline are dropped (the push service's 404/410 drops dead ones sooner).
 */
export async function removeOldPushSubscriptions(deps: { db: Db }, cut: RetentionCut): Promise<RetentionCount> {
  const gone = await deps.db.delete(pushSubscriptions).where(lt(pushSubscriptions.createdAt, cut.before)).returning({ id: pushSubscriptions.id });
  return { rows: gone.length, files: 0, bytes: 0, held: 0 };
}
