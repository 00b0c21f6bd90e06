export { CallView, type CallViewProps } from './call-view';
export type { CallConnectionState, CallMode, CallSnapshot, LocalMediaChoice } from './call/types';
export { PreJoin } from './prejoin';
export { RoomConnection, type RoomSnapshot, type RoomStatus } from './room-connection';
export { useRoomConnection } from './use-room';
export { RoomScreen } from './room-screen';
export { thisDevice } from './call/diagnostics';
