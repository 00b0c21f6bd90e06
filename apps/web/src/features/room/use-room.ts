import { useEffect, useState, useSyncExternalStore } from 'react';
import { useSocket } from '../../lib/socket';
import { RoomConnection, type RoomSnapshot } from './room-connection';

const idle: RoomSnapshot = { status: 'joining', error: null, joined: null, participants: [], messages: [], pending: [], joinCount: 0, endedBy: null, lastReadMessageId: null, savedReadMessageId: null, chatWarning: null, boardWarning: null };

/** Joins the room of `sessionId` over the app's socket while mounted (and `enabled`); leaves it on unmount. */
export function useRoomConnection(sessionId: string, enabled = true): { connection: RoomConnection | null; snapshot: RoomSnapshot } {
  const socket = useSocket();
  const [connection, setConnection] = useState<RoomConnection | null>(null);
  useEffect(() => {
    if (!socket || !enabled) return;
    const c = new RoomConnection(sessionId, socket);
    setConnection(c);
    return () => {
      c.close();
      setConnection((cur) => (cur === c ? null : cur));
    };
  }, [socket, sessionId, enabled]);
  const snapshot = useSyncExternalStore(
    (notify) => (connection ? connection.subscribe(notify) : () => {}),
    () => (connection ? connection.getSnapshot() : idle),
    () => idle,
  );
  return { connection, snapshot };
}
