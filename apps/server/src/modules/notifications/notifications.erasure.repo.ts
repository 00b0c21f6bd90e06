import { eq, or, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import { countInto, type ErasureRules, mentionsAny, type UserEraser } from '../../platform/user-erasure';
import { notificationPrefs, pushSubscriptions, userNotifications } from './notifications.schema';

/** notifications' erasure rules (#20, decision 077). */
export const NOTIFICATIONS_ERASURE_RULES: ErasureRules = {
  user_notifications: { rule: 'erase', what: "the user's in-app notices, and other people's notices about them (a guardian's about their child: by the user's id, email, phone or name)" },
  push_subscriptions: { rule: 'erase', what: "the user's browsers' push endpoints and keys (#21): nothing is pushed to an erased account" },
  notification_prefs: { rule: 'erase', what: "the user's choice of channels (#21)" },
};

export function createNotificationsErasure(deps: { db: Db }): UserEraser {
  return {
    module: 'notifications',
    async eraseFor(userId, mentions) {
      const about = or(mentionsAny(sql`coalesce(${userNotifications.data}::text, '')`, [userId]), mentionsAny(userNotifications.text, mentions));
      const gone = await deps.db.delete(userNotifications).where(or(eq(userNotifications.userId, userId), about)).returning({ id: userNotifications.id });
      const browsers = await deps.db.delete(pushSubscriptions).where(eq(pushSubscriptions.userId, userId)).returning({ id: pushSubscriptions.id });
      const prefs = await deps.db.delete(notificationPrefs).where(eq(notificationPrefs.userId, userId)).returning({ userId: notificationPrefs.userId });
      return countInto(countInto(countInto({}, 'user_notifications', gone.length), 'push_subscriptions', browsers.length), 'notification_prefs', prefs.length);
    },
  };
}
