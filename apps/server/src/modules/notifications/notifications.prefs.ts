import type { NotificationChannels } from '@tutorline/contracts';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db';
import type { Logger } from '../../platform/logger';
import { prefsOf, savePrefs } from './notifications.push.repo';

/** Each user's choice of channels (#21): the outbox reads it before every delivery, the inbox before every notice. */
export function createChannelPrefs(deps: { db: Db; clock: Clock; logger: Logger }) {
  return {
    of: (userId: string): Promise<NotificationChannels> => prefsOf(deps.db, userId),
    async choose(userId: string, change: Partial<NotificationChannels>): Promise<NotificationChannels> {
      const saved = await savePrefs(deps.db, userId, change, deps.clock.now());
      deps.logger.info({ event: 'notification_channels_changed', userId, change, channels: saved }, 'notification channels changed');
      return saved;
    },
  };
}
export type ChannelPrefsService = ReturnType<typeof createChannelPrefs>;
