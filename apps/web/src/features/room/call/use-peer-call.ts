import type { IceServers } from '@tutorline/contracts';
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
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
/** A grant from the room's join is used while it has at least this long left. */
const JOIN_GRANT_MIN_LEFT_MS = 60_000;

/**
 * Runs the call over `connection` while `enabled`; it hangs up when disabled or unmounted. The room page starts it
 * before the room is joined: it takes its role (and its ICE servers) from the join's answer, and connects from the
 * room's own events, without waiting for React or for the devices. `media`, once set, goes onto it
 * (PeerCall.setMedia); `attach` gives it to the running call at once, before React renders.
 */
export function usePeerCall(connection: RoomConnection | null, sessionId: string, enabled: boolean, media: LocalMediaChoice | null): { call: PeerCall | null; attach(choice: LocalMediaChoice): void } {
  const [call, setCall] = useState<PeerCall | null>(null);
  const running = useRef<PeerCall | null>(null);
  const latestMedia = useRef(media);
  useEffect(() => {
    if (media) latestMedia.current = media;
  }, [media]);
  useEffect(() => {
    if (!connection || !enabled) return;
    // The first grant comes with the room's join when the server sent one (and it is fresh); later ones (a TURN
    // credential about to expire) are asked for.
    let first = true;
    const load = () => {
      const grant = first ? connection.getSnapshot().joined?.iceServers : undefined;
      first = false;
      const fresh = grant && (grant.expiresAt === null || Date.parse(grant.expiresAt) - Date.now() > JOIN_GRANT_MIN_LEFT_MS);
      return fresh ? Promise.resolve(grant) : api.get<IceServers>(iceUrl(sessionId));
    };
    const c = new PeerCall({ connection, role: null, media: latestMedia.current, loadIceServers: load });
    running.current = c;
    setCall(c);
    return () => {
      c.close();
      if (running.current === c) running.current = null;
      setCall((cur) => (cur === c ? null : cur));
    };
  }, [connection, sessionId, enabled]);
  useEffect(() => {
    if (!call || !media) return;
    call.setMedia(media);
    // The call works on clones of the pre-join tracks. Stop the originals once it has them; not in a cleanup, since
    // StrictMode mounts twice and the second call still needs them (the timer runs after both mounts).
    window.setTimeout(() => stopStream(media.stream), 0);
  }, [call, media]);
  const attach = useCallback((choice: LocalMediaChoice) => {
    latestMedia.current = choice;
    running.current?.setMedia(choice);
  }, []);
  return { call, attach };
}

/** The call's state for the view; idle without a call. */
export function useCallSnapshot(call: PeerCall | null): CallSnapshot {
  return useSyncExternalStore(
    (notify) => (call ? call.subscribe(notify) : () => {}),
    () => (call ? call.getSnapshot() : idle),
    () => idle,
  );
}
