export { createNotifications, NOTIFY_QUEUE, type NotificationChannel, type Notifications, type OutboundMessage, PermanentJobError } from './notifications.service';
export { createInbox, type Inbox, type NewNotice, type NoticeRow, noticeView } from './notifications.inbox';
export { notificationsRoutes } from './notifications.routes';
