import type { Inbox } from './notifications.inbox';
import type { Email } from './notifications.email';
import type { NotificationChannel, Notifications } from './notifications.service';

export { createNotifications, NOTIFY_QUEUE, type NotificationChannel, type Notifications, type OutboundMessage, PermanentJobError } from './notifications.service';
export { createInbox, type Inbox, type NewNotice, type NoticeRow, noticeView } from './notifications.inbox';
export { notificationsRoutes } from './notifications.routes';
export { notificationsModule, type NotificationsModuleOptions } from './notifications.install';
export { PUSH_SEND_QUEUE } from './notifications.push';
export { EMAIL_SEND_QUEUE, type Email, type EmailStatus } from './notifications.email';
export { type EmailContent, emailAddressValid, mailLocale } from './notifications.email.rules';

declare module 'fastify' {
  interface FastifyInstance {
    /** The outbox, in-app notices, and where modules add their channels while registering (tutorline-notifications). */
    notifications: { notifications: Notifications; inbox: Inbox; addChannel(channel: NotificationChannel): void; email: Email };
  }
}
export { createNotificationsErasure, NOTIFICATIONS_ERASURE_RULES } from './notifications.erasure.repo';
export { createNotificationsExport } from './notifications.export.repo';
export { removeOldNotices, removeOldNotificationJobs, removeOldPushSubscriptions } from './notifications.retention.repo';
export { noticesForTimeline, type TimelineNotice } from './notifications.support.repo';
