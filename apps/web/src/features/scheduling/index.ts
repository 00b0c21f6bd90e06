export { AvailabilityEditor } from './availability-editor';
export { CalendarFeed } from './calendar-feed';
export { NoticeItems } from './notice-items';
export { notificationsKey, useMarkNoticesRead, useNotifications } from './lesson-queries';
export { MyLessons } from './my-lessons';
export { NoticesPanel } from './notices-panel';
export { schedulingKeys, schedulingQueryRoot, useMyAvailability, useMyBookings } from './scheduling-queries';
export { SlotPicker } from './slot-picker';
export { WeekPreview } from './week-preview';
