import { desc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { jobsOfUser } from '../../platform/jobs.admin';
import { PUSH_SEND_QUEUE } from './notifications.push';
import { userNotifications } from './notifications.schema';

/**
 * A notice sent to a person, as support's timeline shows it (#18): the channel, the kind and how it went, never its
 * words (support needs the status, not the text). A failed or retried push carries the push service's answer.
 */
export interface TimelineNotice {
  channel: 'in-app' | 'push';
  kind: string;
  status: 'unread' | 'read' | 'queued' | 'retrying' | 'sent' | 'failed';
  reason: string | null;
  at: Date;
}

const pushStatus = (state: string, attempts: number): TimelineNotice['status'] =>
  state === 'done' ? 'sent' : state === 'failed' || state === 'parked' ? 'failed' : attempts > 0 ? 'retrying' : 'queued';

/** The person's newest in-app notices and pushes, at most `limit` of each. */
export async function noticesForTimeline(q: Db | Tx, userId: string, limit: number): Promise<TimelineNotice[]> {
  const [inApp, pushes] = await Promise.all([
    q.select({ kind: userNotifications.kind, createdAt: userNotifications.createdAt, readAt: userNotifications.readAt }).from(userNotifications).where(eq(userNotifications.userId, userId)).orderBy(desc(userNotifications.createdAt)).limit(limit),
    jobsOfUser(q, PUSH_SEND_QUEUE.queue, userId, limit),
  ]);
  return [
    ...inApp.map((n): TimelineNotice => ({ channel: 'in-app', kind: n.kind, status: n.readAt ? 'read' : 'unread', reason: null, at: n.createdAt })),
    ...pushes.map((j): TimelineNotice => {
      const status = pushStatus(j.state, j.attempts);
      const payload = PUSH_SEND_QUEUE.schema.safeParse(j.payload);
      return { channel: 'push', kind: payload.success ? payload.data.message.kind : 'unknown', status, reason: status === 'failed' || status === 'retrying' ? (j.lastError ?? (j.state === 'parked' ? 'parked' : null)) : null, at: j.createdAt };
    }),
  ];
}
