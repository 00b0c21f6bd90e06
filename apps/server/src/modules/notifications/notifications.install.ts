import fp from 'fastify-plugin';
import { userRoom } from '@tutorline/contracts';
import { createInbox } from './notifications.inbox';
import { notificationsRoutes } from './notifications.routes';
import { createNotifications, NOTIFY_QUEUE, type NotificationChannel } from './notifications.service';
import type { Agent } from 'node:https';
import { createWebPushSender } from '../../integrations/webpush';
import { loadOrCreateVapidKeys } from '../../platform/vapid';
import { createChannelPrefs } from './notifications.prefs';
import { createPush, PUSH_SEND_QUEUE } from './notifications.push';
import { notificationsPushRoutes } from './notifications.push.routes';
import { createDevMailbox, createSmtpTransport } from '../../integrations/mail';
import { createEmail, EMAIL_SEND_QUEUE } from './notifications.email';
import { devMailRoutes } from './notifications.email.routes';

export interface NotificationsModuleOptions {
  /** Channels for the outbox from the start (tests pass fakes); modules add theirs with `addChannel`. */
  channels?: NotificationChannel[] | undefined;
  /** The HTTPS agent Web Push posts through (tests trust their local push service's certificate with it). */
  pushAgent?: Agent | undefined;
}

/** The outbox to users' other channels, and in-app notices (stored with the change, then pushed to open apps). */
export const notificationsModule = fp<NotificationsModuleOptions>(
  async (fastify, opts) => {
    const { database, clock, logger, jobs, realtime, config } = fastify.platform;
    const channels = [...(opts.channels ?? [])];
    const prefs = createChannelPrefs({ db: database.db, clock, logger });
    const notifications = createNotifications({ channels, clock, logger, prefs: prefs.of });
    jobs.register(NOTIFY_QUEUE, (payload) => notifications.deliver(payload));
    const inbox = createInbox({ db: database.db, logger, push: (userId, notice) => realtime.io.to(userRoom(userId)).emit('notification:new', notice) });
    await fastify.register(notificationsRoutes, { inbox, clock });

    // Web Push (#21): production has its keys from config (or refused to start); development keeps a pair in DATA_DIR.
    const vapid = config.push.enabled ? (config.push.vapid ?? loadOrCreateVapidKeys(config.dataDir)) : null;
    const push = vapid
      ? createPush({
          db: database.db,
          clock,
          logger,
          sender: createWebPushSender({ ...vapid, subject: config.push.subject }, opts.pushAgent),
          httpsEndpointsOnly: config.push.httpsEndpointsOnly,
          poke: () => jobs.poke(),
        })
      : null;
    if (push) {
      channels.push(push.channel);
      jobs.register(PUSH_SEND_QUEUE, (payload) => push.deliver(payload));
    }
    await fastify.register(notificationsPushRoutes, { push, publicKey: vapid?.publicKey ?? null, prefs });
    // Email (#20): SMTP when configured; development without it keeps a mailbox at /dev/mail; otherwise "not configured".
    const mail = config.mail;
    const mailbox = mail.mode === 'dev' ? createDevMailbox(() => clock.now()) : null;
    const transport = mail.mode === 'smtp' && mail.smtpUrl ? createSmtpTransport(mail.smtpUrl) : (mailbox?.transport ?? null);
    const email = createEmail({ db: database.db, clock, logger, transport, status: transport ? (mailbox ? 'dev' : 'smtp') : 'not_configured', from: mail.from, publicUrl: config.publicUrl, poke: () => jobs.poke() });
    if (transport) {
      channels.push(email.channel);
      jobs.register(EMAIL_SEND_QUEUE, (payload, ctx) => email.deliver(payload, ctx));
      fastify.addHook('onClose', async () => transport.close());
    }
    if (mailbox) await fastify.register(devMailRoutes, { mailbox });
    let started = false;
    fastify.addHook('onReady', async () => {
      started = true;
    });
    const addChannel = (channel: NotificationChannel) => {
      if (started) throw new Error('notification channels are added while modules register, not after the start');
      channels.push(channel);
    };
    fastify.decorate('notifications', { notifications, inbox, addChannel, email });
  },
  { name: 'tutorline-notifications', fastify: '5.x', decorators: { fastify: ['platform'] } },
);
