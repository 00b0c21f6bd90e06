import type { Me, TutoringSession } from '@tutorline/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { roleHome } from '../auth';
import { useQuestion } from '../instant-help';
import { sessionKey, useEndSession } from '../sessions';
import { errorMessage } from '../../lib/api';
import { usePageTitle } from '../../lib/page-title';
import { Alert } from '../../ui/alert';
import { BoardPanel } from './board/board-panel';
import { CallView } from './call-view';
import type { LocalMediaChoice } from './call/types';
import { ChatPanel } from './chat-panel';
import { prewarmLocalMedia } from './call/local-media';
import { prefetchIceServers } from './call/use-peer-call';
import { PreJoin } from './prejoin';
import { useRoomConnection } from './use-room';

type Tab = 'board' | 'chat';

/** When the call does not come up (the other person is not there yet), the board loads after this anyway. */
const BOARD_LOAD_FALLBACK_MS = 4_000;

/**
 * The live room of an active session: pre-join (skipped when devices were already granted, and for observers), then
 * the call, the board and the chat. On a phone the board and the chat share the space under the video, as tabs.
 */
/**
 * Starts what the room needs while its page is still loading the session (see SessionPage): the room join, the ICE
 * servers and, when permission was granted before, the camera and microphone. Participants only.
 */
export function useRoomHead(sessionId: string, participant: boolean): ReturnType<typeof useRoomConnection> {
  const room = useRoomConnection(sessionId);
  useEffect(() => {
    if (!participant) return;
    prefetchIceServers(sessionId);
    prewarmLocalMedia();
  }, [participant, sessionId]);
  return room;
}

export function RoomScreen({ session, me, actions, room }: { session: TutoringSession; me: Me; actions?: ReactNode; room: ReturnType<typeof useRoomConnection> }) {
  const role = me.id === session.student.id ? 'student' : me.id === session.tutor.id ? 'tutor' : 'observer';
  const [media, setMedia] = useState<LocalMediaChoice | null>(role === 'observer' ? { stream: null, audioDeviceId: null, videoDeviceId: null } : null);
  const other = role === 'tutor' ? session.student : session.tutor;
  usePageTitle(role === 'observer' ? 'Observing a session' : `Session with ${other.displayName}`);

  if (!media) {
    return (
      <section className="room" data-testid="room" data-stage="prejoin">
        <PreJoin onJoin={setMedia} otherName={other.displayName} />
      </section>
    );
  }
  return <InRoom session={session} me={me} role={role} media={media} actions={actions} room={room} />;
}

function InRoom({
  session,
  me,
  role,
  media,
  actions,
  room,
}: {
  session: TutoringSession;
  me: Me;
  role: 'student' | 'tutor' | 'observer';
  media: LocalMediaChoice;
  actions: ReactNode;
  room: ReturnType<typeof useRoomConnection>;
}) {
  const { connection, snapshot } = room;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const end = useEndSession();
  const [tab, setTab] = useState<Tab>('board');
  // Excalidraw is ~1 MB of script: parsing it while the call negotiates delays the first frame by about a second on
  // a cheap phone. It loads once the call is up, after a few seconds anyway, or at once for observers.
  const [boardLoaded, setBoardLoaded] = useState(role === 'observer' || media.stream === null);
  useEffect(() => {
    if (boardLoaded) return;
    const timer = window.setTimeout(() => setBoardLoaded(true), BOARD_LOAD_FALLBACK_MS);
    return () => window.clearTimeout(timer);
  }, [boardLoaded]);
  const onCallState = useCallback((state: string) => {
    // ICE 'connected' comes before the first frame is decoded; parsing the board then would delay that frame.
    if (state === 'media' || state === 'failed') setBoardLoaded(true);
  }, []);
  const names = useMemo(() => Object.fromEntries([...snapshot.participants.map((p) => [p.userId, p.displayName]), [session.student.id, session.student.displayName], [session.tutor.id, session.tutor.displayName]]), [snapshot.participants, session]);
  const question = useQuestion(session.questionId ?? '', { enabled: Boolean(session.questionId) });
  const questionPhotos = useMemo(() => (question.data?.photos ?? []).map((p) => ({ id: p.id, url: p.url, thumbUrl: p.thumbUrl })), [question.data]);
  const unread = useUnread(snapshot.messages.length, tab === 'chat');

  // The other side (or the tutor marking the question answered) ended it: show the ended page.
  useEffect(() => {
    if (snapshot.status === 'ended') void queryClient.invalidateQueries({ queryKey: sessionKey(session.id) });
  }, [snapshot.status, queryClient, session.id]);

  const other = role === 'tutor' ? session.student : session.tutor;
  const readOnly = role === 'observer' || snapshot.status === 'ended';

  return (
    <section className="room" data-testid="room" data-stage="in-room" data-room-status={snapshot.status} aria-labelledby="room-title">
      <div className="room-head">
        <h1 id="room-title">{role === 'observer' ? `${session.student.displayName} with ${session.tutor.displayName}` : `Session with ${other.displayName}`}</h1>
        {actions}
      </div>
      <RoomStatus status={snapshot.status} error={snapshot.error?.message ?? null} />
      {end.isError && (
        <Alert tone="error" title="The session was not ended">
          <p>{errorMessage(end.error)}</p>
        </Alert>
      )}
      <div className="room-body">
        <div className="room-call">
          {connection && (
            <CallView
              connection={connection}
              snapshot={snapshot}
              sessionId={session.id}
              role={role}
              selfName={me.displayName}
              otherName={other.displayName}
              startedAt={session.startedAt}
              media={media}
              onLeave={() => navigate(roleHome(me.role))}
              onEnd={role === 'observer' ? undefined : () => end.mutate(session.id)}
              onStateChange={onCallState}
            />
          )}
        </div>
        <div className="room-tabs" role="tablist" aria-label="Board and chat">
          <button type="button" role="tab" aria-selected={tab === 'board'} aria-controls="room-panel-board" data-testid="tab-board" onClick={() => setTab('board')}>
            Board
          </button>
          <button type="button" role="tab" aria-selected={tab === 'chat'} aria-controls="room-panel-chat" data-testid="tab-chat" onClick={() => setTab('chat')}>
            Chat
            {unread > 0 && (
              <span className="room-badge" aria-label={`${unread} unread`}>
                {unread}
              </span>
            )}
          </button>
        </div>
        <div className="room-panel room-panel-board" id="room-panel-board" role="tabpanel" hidden={tab !== 'board'}>
          {connection && boardLoaded ? (
            <BoardPanel connection={connection} questionPhotos={questionPhotos} readOnly={readOnly} />
          ) : (
            <p className="room-board-waiting muted" data-testid="board-waiting">
              The board opens as soon as the call is connected…
            </p>
          )}
        </div>
        <div className="room-panel room-panel-chat" id="room-panel-chat" role="tabpanel" hidden={tab !== 'chat'}>
          <ChatPanel connection={connection} snapshot={snapshot} sessionId={session.id} selfId={me.id} names={names} readOnly={readOnly} />
        </div>
      </div>
    </section>
  );
}

/** Messages that arrived while the chat tab was hidden. */
function useUnread(count: number, visible: boolean): number {
  const seen = useRef(count);
  if (visible) seen.current = count;
  return Math.max(0, count - seen.current);
}

function RoomStatus({ status, error }: { status: string; error: string | null }) {
  const text =
    status === 'joining'
      ? 'Opening the room…'
      : status === 'rejoining'
        ? 'Reconnecting to the room… your chat and board are kept.'
        : status === 'offline'
          ? 'Connection lost. Reconnecting… your chat and board are kept.'
          : status === 'error'
            ? (error ?? 'The room could not be opened.')
            : null;
  if (!text) return null;
  return (
    <p className="room-status" role="status" data-testid="room-status" data-tone={status === 'joining' ? 'info' : 'warn'}>
      {text}
    </p>
  );
}
