import fp from 'fastify-plugin';
import { userRoom } from '@tutorline/contracts';
import { createInbox } from './notifications.inbox';
import { notificationsRoutes } from './notifications.routes';
import { createNotifications, NOTIFY_QUEUE, type NotificationChannel } from './notifications.service';

export interface NotificationsModuleOptions {
  /** Channels for the outbox from the start (tests pass fakes); modules add theirs with `addChannel`. */
  channels?: NotificationChannel[] | undefined;
}

/** The outbox to users' other channels, and in-app notices (stored with the change, then pushed to open apps). */
export const notificationsModule = fp<NotificationsModuleOptions>(
  async (fastify, opts) => {
    const { database, clock, logger, jobs, realtime } = fastify.platform;
    const channels = [...(opts.channels ?? [])];
    const notifications = createNotifications({ channels, clock, logger });
    jobs.register(NOTIFY_QUEUE, (payload) => notifications.deliver(payload));
    const inbox = createInbox({ db: database.db, logger, push: (userId, notice) => realtime.io.to(userRoom(userId)).emit('notification:new', notice) });
    await fastify.register(notificationsRoutes, { inbox, clock });
    let started = false;
    fastify.addHook('onReady', async () => {
      started = true;
    });
    const addChannel = (channel: NotificationChannel) => {
      if (started) throw new Error('notification channels are added while modules register, not after the start');
      channels.push(channel);
    };
    fastify.decorate('notifications', { notifications, inbox, addChannel });
  },
  { name: 'tutorline-notifications', fastify: '5.x', decorators: { fastify: ['platform'] } },
);
