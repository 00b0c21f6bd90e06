import { useEffect, useState, useSyncExternalStore } from 'react';
import { useSocket } from '../../lib/socket';
import type { PeerCall } from './call/peer-call';
import { type RecordingSnapshot, SessionRecording } from './session-recording';
import { SessionSfu } from './session-sfu';

const idle: RecordingSnapshot = { state: { status: 'off', sfu: false }, error: null, pending: false };

/**
 * The session's recording for a participant (decision 056), and the call through the media server while it is
 * recorded: the call's tracks are handed over to the SFU (PeerCall.handOver) and handed back when it stops or fails.
 * `remote` is the other's media from the SFU (shown instead of the peer-to-peer stream) once it decodes, null else.
 */
export function useSessionRecording(sessionId: string, selfId: string, enabled: boolean, call: PeerCall | null): { rec: SessionRecording | null; snapshot: RecordingSnapshot; remote: MediaStream | null; sfuError: string | null } {
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

  // The SFU call runs while the server says so; after a failure of ours, not again until the server's state moves off.
  const [failed, setFailed] = useState(false);
  if (failed && !snapshot.state.sfu) setFailed(false);
  const onSfu = enabled && snapshot.state.sfu && call !== null && !failed;
  const [sfu, setSfu] = useState<SessionSfu | null>(null);
  const [sfuError, setSfuError] = useState<string | null>(null);
  useEffect(() => {
    if (!socket || !onSfu || !call) return;
    const fellBack = (message: string) => {
      // Back to peer-to-peer at once (the call's connection never went away), and the recording stops for both: it
      // cannot go on without this side's media. The other side's page then comes back too.
      call.handOver('p2p');
      setSfuError(`${message} The call went back to a direct connection; the recording stopped.`);
      setFailed(true);
      if (rec?.getSnapshot().state.status === 'recording') void rec.stop();
    };
    const s = new SessionSfu(socket, sessionId, selfId, call, fellBack);
    setSfu(s);
    setSfuError(null);
    // Our tracks leave the peer connection once the SFU carries them (no double upload, no gap before).
    const offPublishing = s.subscribe(() => {
      if (s.getSnapshot().publishing) call.handOver('sfu');
    });
    s.start().catch((err: unknown) => fellBack(err instanceof Error ? err.message : 'The call could not move to the media server.'));
    return () => {
      offPublishing();
      call.handOver('p2p');
      s.close();
      setSfu((cur) => (cur === s ? null : cur));
    };
  }, [socket, onSfu, sessionId, selfId, call, rec]);
  const sfuSnap = useSyncExternalStore(
    (notify) => (sfu ? sfu.subscribe(notify) : () => {}),
    () => (sfu ? sfu.getSnapshot() : null),
    () => null,
  );
  // The other is shown from the SFU once their frames decode here; until then (and after) from the peer connection.
  const remote = sfuSnap?.flowing ? sfuSnap.remote : null;
  return { rec, snapshot, remote, sfuError };
}
