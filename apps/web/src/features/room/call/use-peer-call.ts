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

const iceUrl = (sessionId: string) => `/api/sessions/${encodeURIComponent(sessionId)}/ice-servers`;
/** ICE servers asked for as the room opens, while the devices start: the call takes them instead of asking again. */
const prefetched = new Map<string, { at: number; grant: Promise<IceServers> }>();
const PREFETCH_FRESH_MS = 60_000;

export function prefetchIceServers(sessionId: string): void {
  const grant = api.get<IceServers>(iceUrl(sessionId));
  grant.catch(() => prefetched.delete(sessionId));
  prefetched.set(sessionId, { at: Date.now(), grant });
}
function loadIceServers(sessionId: string): Promise<IceServers> {
  const early = prefetched.get(sessionId);
  prefetched.delete(sessionId);
  return early && Date.now() - early.at < PREFETCH_FRESH_MS ? early.grant : api.get<IceServers>(iceUrl(sessionId));
}

/** Runs the call while mounted; it hangs up on unmount. */
export function usePeerCall(connection: RoomConnection | null, sessionId: string, role: RoomRole, media: LocalMediaChoice): { call: PeerCall | null; snapshot: CallSnapshot } {
  const [call, setCall] = useState<PeerCall | null>(null);
  useEffect(() => {
    if (!connection) return;
    const c = new PeerCall({
      connection,
      role,
      media,
      loadIceServers: () => loadIceServers(sessionId),
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
