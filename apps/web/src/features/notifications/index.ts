export { NotificationChannelsCard } from './notification-channels-card';
export { disablePush, enablePush, type PushDeviceState, pushDeviceState, pushSupported } from './push';
