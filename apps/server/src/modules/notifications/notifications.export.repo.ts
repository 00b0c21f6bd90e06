import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import type { UserExportSource } from '../../platform/user-export';
import { notificationPrefs, pushSubscriptions, userNotifications } from './notifications.schema';

/** Where a browser's pushes go, as the user can recognise it: the push service's host, never the endpoint's path. */
const pushServiceOf = (endpoint: string) => {
  try {
    return new URL(endpoint).host;
  } catch {
    return null;
  }
};

/**
 * notifications' share of a user's export (#20, #21): their in-app notices, the channels they chose, and the browsers
 * that receive their pushes. A browser is shown by its push service, user agent and date; its endpoint URL and keys
 * are left out, as they are credentials to push to that browser, not something the user gave.
 */
export function createNotificationsExport(db: Db): UserExportSource {
  return {
    module: 'notifications',
    async exportFor(userId) {
      const notices = await db.select().from(userNotifications).where(eq(userNotifications.userId, userId)).orderBy(asc(userNotifications.createdAt));
      const [prefs] = await db.select().from(notificationPrefs).where(eq(notificationPrefs.userId, userId));
      const browsers = await db.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, userId)).orderBy(asc(pushSubscriptions.createdAt));
      const json = {
        notifications: {
          notices: notices.map((n) => ({ kind: n.kind, text: n.text, createdAt: n.createdAt, readAt: n.readAt })),
          // No row means every channel on (notifications.push.repo prefsOf).
          channels: prefs ? { push: prefs.push, whatsapp: prefs.whatsapp, inApp: prefs.inApp, updatedAt: prefs.updatedAt } : { push: true, whatsapp: true, inApp: true, updatedAt: null },
          pushBrowsers: browsers.map((b) => ({ pushService: pushServiceOf(b.endpoint), userAgent: b.userAgent, subscribedAt: b.createdAt })),
        },
      };
      return { json, files: [] };
    },
  };
}
