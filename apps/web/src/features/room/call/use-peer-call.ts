import type { IceServers, RoomRole } from '@tutorline/contracts';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { api } from '../../../lib/api';
import type { RoomConnection } from '../room-connection';
import { stopStream } from './local-media';
import { PeerCall } from './peer-call';
import type { CallSnapshot, LocalMediaChoice } from './types';

const idle: CallSnapshot = {
  connection: 'waiting',
  audio: false,
  video: false,
  screen: false,
  mode: 'full',
  modeReason: null,
  localVideo: null,
  mirrorLocal: true,
  canSwitchCamera: false,
  canShareScreen: false,
  remoteStream: null,
  remoteVideoFlowing: false,
  quality: null,
  notice: null,
};

/** Runs the call while mounted; it hangs up on unmount. */
export function usePeerCall(connection: RoomConnection | null, sessionId: string, role: RoomRole, media: LocalMediaChoice): { call: PeerCall | null; snapshot: CallSnapshot } {
  const [call, setCall] = useState<PeerCall | null>(null);
  useEffect(() => {
    if (!connection) return;
    const c = new PeerCall({
      connection,
      role,
      media,
      loadIceServers: () => api.get<IceServers>(`/api/sessions/${encodeURIComponent(sessionId)}/ice-servers`),
    });
    setCall(c);
    // The call works on clones of the pre-join tracks. Stop the originals once it has them; not in the cleanup, since
    // StrictMode mounts twice and the second call still needs them (the timer runs after both mounts).
    window.setTimeout(() => stopStream(media.stream), 0);
    return () => {
      c.close();
      setCall((cur) => (cur === c ? null : cur));
    };
  }, [connection, sessionId, role, media]);
  const snapshot = useSyncExternalStore(
    (notify) => (call ? call.subscribe(notify) : () => {}),
    () => (call ? call.getSnapshot() : idle),
    () => idle,
  );
  return { call, snapshot };
}
