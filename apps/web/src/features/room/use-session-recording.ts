import { useEffect, useState, useSyncExternalStore } from 'react';
import { useSocket } from '../../lib/socket';
import type { PeerCall } from './call/peer-call';
import type { LocalMediaChoice } from './call/types';
import { type RecordingSnapshot, SessionRecording } from './session-recording';
import { SessionSfu } from './session-sfu';

const idle: RecordingSnapshot = { state: { status: 'off', sfu: false }, error: null, pending: false };

/**
 * The session's recording for a participant (decision 056), and the call through the media server once both agreed:
 * `remote` is the other's media from the SFU (shown instead of the peer-to-peer stream), null before.
 */
export function useSessionRecording(sessionId: string, selfId: string, enabled: boolean, call: PeerCall | null, media: LocalMediaChoice | null): { rec: SessionRecording | null; snapshot: RecordingSnapshot; remote: MediaStream | null; sfuError: string | null } {
  const socket = useSocket();
  const [rec, setRec] = useState<SessionRecording | null>(null);
  useEffect(() => {
    if (!socket || !enabled) return;
    const r = new SessionRecording(socket, sessionId);
    setRec(r);
    return () => {
      r.close();
      setRec((cur) => (cur === r ? null : cur));
    };
  }, [socket, sessionId, enabled]);
  const snapshot = useSyncExternalStore(
    (notify) => (rec ? rec.subscribe(notify) : () => {}),
    () => (rec ? rec.getSnapshot() : idle),
    () => idle,
  );

  const onSfu = enabled && snapshot.state.sfu;
  const [sfu, setSfu] = useState<SessionSfu | null>(null);
  const [sfuError, setSfuError] = useState<string | null>(null);
  useEffect(() => {
    if (!socket || !onSfu) return;
    const s = new SessionSfu(socket, sessionId, selfId, { audioDeviceId: media?.audioDeviceId ?? null, videoDeviceId: media?.videoDeviceId ?? null });
    setSfu(s);
    s.start().catch((err: unknown) => setSfuError(err instanceof Error ? err.message : 'The call could not move to the media server.'));
    return () => {
      s.close();
      setSfu((cur) => (cur === s ? null : cur));
    };
    // The devices are read once, when the call moves (a later device change goes through the call's own switches).
  }, [socket, onSfu, sessionId, selfId, media?.audioDeviceId, media?.videoDeviceId]);
  const remote = useSyncExternalStore(
    (notify) => (sfu ? sfu.subscribe(notify) : () => {}),
    () => (sfu ? sfu.getSnapshot() : null),
    () => null,
  );
  // What is muted in the call is not sent to the SFU either (nor recorded).
  useEffect(() => {
    if (!sfu || !call) return;
    const apply = () => {
      const s = call.getSnapshot();
      sfu.follow({ audio: s.audio, video: s.video });
    };
    apply();
    return call.subscribe(apply);
  }, [sfu, call]);
  return { rec, snapshot, remote, sfuError };
}
