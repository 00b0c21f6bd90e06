import type { NotificationChannels } from '@tutorline/contracts';
import { and, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { notificationPrefs, pushSubscriptions } from './notifications.schema';

/** The queries of Web Push subscriptions and channel choices (#21). */
export type PushSubscriptionRow = typeof pushSubscriptions.$inferSelect;
type ChannelPrefs = NotificationChannels;
const ALL_ON: ChannelPrefs = { push: true, whatsapp: true, inApp: true };

/** Stores a subscription; the same endpoint again (a refreshed key, another user on the same browser) replaces the row. */
export async function upsertSubscription(db: Db, row: Omit<PushSubscriptionRow, 'id'>): Promise<PushSubscriptionRow> {
  const [saved] = await db
    .insert(pushSubscriptions)
    .values(row)
    .onConflictDoUpdate({ target: pushSubscriptions.endpoint, set: { userId: row.userId, p256dh: row.p256dh, auth: row.auth, userAgent: row.userAgent, createdAt: row.createdAt } })
    .returning();
  return saved!;
}

/** Deletes the user's subscription at this endpoint; returns whether one was there. */
export async function deleteSubscription(db: Db, userId: string, endpoint: string): Promise<boolean> {
  const rows = await db.delete(pushSubscriptions).where(and(eq(pushSubscriptions.userId, userId), eq(pushSubscriptions.endpoint, endpoint))).returning({ id: pushSubscriptions.id });
  return rows.length > 0;
}

/** Deletes a subscription the push service says is gone. */
export async function deleteSubscriptionById(db: Db, id: string): Promise<boolean> {
  const rows = await db.delete(pushSubscriptions).where(eq(pushSubscriptions.id, id)).returning({ id: pushSubscriptions.id });
  return rows.length > 0;
}

export async function subscriptionsOf(db: Db | Tx, userId: string): Promise<PushSubscriptionRow[]> {
  return db.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, userId));
}

export async function subscriptionById(db: Db, id: string): Promise<PushSubscriptionRow | undefined> {
  const [row] = await db.select().from(pushSubscriptions).where(eq(pushSubscriptions.id, id));
  return row;
}

export async function prefsOf(db: Db | Tx, userId: string): Promise<ChannelPrefs> {
  const [row] = await db.select().from(notificationPrefs).where(eq(notificationPrefs.userId, userId));
  return row ? { push: row.push, whatsapp: row.whatsapp, inApp: row.inApp } : { ...ALL_ON };
}

/** The users among `userIds` who turned in-app notices off. */
export async function inAppOff(db: Db | Tx, userIds: string[]): Promise<Set<string>> {
  if (!userIds.length) return new Set();
  const rows = await db
    .select({ userId: notificationPrefs.userId })
    .from(notificationPrefs)
    .where(and(inArray(notificationPrefs.userId, userIds), eq(notificationPrefs.inApp, false)));
  return new Set(rows.map((r) => r.userId));
}

export async function savePrefs(db: Db, userId: string, change: Partial<ChannelPrefs>, now: Date): Promise<ChannelPrefs> {
  const next = { ...(await prefsOf(db, userId)), ...change };
  await db.insert(notificationPrefs).values({ userId, ...next, updatedAt: now }).onConflictDoUpdate({ target: notificationPrefs.userId, set: { ...next, updatedAt: now } });
  return next;
}
