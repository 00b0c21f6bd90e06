export { createNotifications, NOTIFY_QUEUE, type NotificationChannel, type Notifications, type OutboundMessage, PermanentJobError } from './notifications.service';
