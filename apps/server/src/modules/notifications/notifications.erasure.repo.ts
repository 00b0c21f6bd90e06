import { eq, or, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import { countInto, type ErasureRules, mentionsAny, type UserEraser } from '../../platform/user-erasure';
import { userNotifications } from './notifications.schema';

/** notifications' erasure rules (#20, decision 077). */
export const NOTIFICATIONS_ERASURE_RULES: ErasureRules = {
  user_notifications: { rule: 'erase', what: "the user's in-app notices, and other people's notices about them (a guardian's about their child: by the user's id, email, phone or name)" },
};

export function createNotificationsErasure(deps: { db: Db }): UserEraser {
  return {
    module: 'notifications',
    async eraseFor(userId, mentions) {
      const about = or(mentionsAny(sql`coalesce(${userNotifications.data}::text, '')`, [userId]), mentionsAny(userNotifications.text, mentions));
      const gone = await deps.db.delete(userNotifications).where(or(eq(userNotifications.userId, userId), about)).returning({ id: userNotifications.id });
      return countInto({}, 'user_notifications', gone.length);
    },
  };
}
