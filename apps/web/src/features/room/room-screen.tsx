import type { Me, TutoringSession } from '@tutorline/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useBlocker, useNavigate } from 'react-router';
import { roleHome } from '../auth';
import { useQuestion } from '../instant-help';
import { sessionKey, useEndSession } from '../sessions';
import { ReviewNotice } from '../safety';
import { errorMessage } from '../../lib/api';
import { useMediaQuery } from '../../lib/use-media-query';
import { usePageTitle } from '../../lib/page-title';
import { Alert } from '../../ui/alert';
import { BoardPanel } from './board/board-panel';
import { CallView } from './call-view';
import { RecordingBar } from './recording-bar';
import { useSessionRecording } from './use-session-recording';
import { prewarmLocalMedia, saveDevicePreference, stopStream, takePrewarmedMedia } from './call/local-media';
import type { PeerCall } from './call/peer-call';
import type { LocalMediaChoice } from './call/types';
import { usePeerCall } from './call/use-peer-call';
import { ChatPanel } from './chat-panel';
import { readMarkToSend, unreadCount } from './chat-unread';
import { useAnnounceNewMessages } from './use-chat-announcer';
import { LeaveCallDialog } from './leave-call-dialog';
import { QuestionPane } from './question-pane';
import { useReducedMotion } from './reduced-motion';
import { PreJoin } from './prejoin';
import type { RoomConnection, RoomSnapshot } from './room-connection';
import { useRoomConnection } from './use-room';
import './room.css';

type Tab = 'board' | 'question' | 'chat';

/** When the call does not come up (the other person is not there yet), the board loads after this anyway. */
const BOARD_LOAD_FALLBACK_MS = 4_000;
/** The board loads this long after the other side's video first shows. */
const BOARD_AFTER_FIRST_FRAME_MS = 500;

/** How the page enters the call: deciding, devices starting (permission was granted), or the pre-join screen. */
type Entry = 'checking' | 'starting' | 'prejoin';
const NO_MEDIA: LocalMediaChoice = { stream: null, audioDeviceId: null, videoDeviceId: null };

export interface RoomHead {
  connection: RoomConnection | null;
  snapshot: RoomSnapshot;
  /** The call with the other participant; null for observers, before the room is joined, and in pre-join. */
  call: PeerCall | null;
  /** The media joined with; null until then (devices starting, or pre-join). */
  media: LocalMediaChoice | null;
  /** Show pre-join (permission not granted yet, or a device did not start). */
  prejoin: boolean;
  /** Pre-join's Join: go in with this media. */
  join(choice: LocalMediaChoice): void;
}

/**
 * Starts what the room needs while its page is still loading the session (see SessionPage): the room join (its answer
 * brings the ICE servers) and, when permission was granted before, the camera and microphone. The call itself starts as soon as the
 * room is joined (its role comes with the join), without waiting for the session's page or for the devices: the
 * connection is negotiated meanwhile and the tracks go onto it when they are ready. When permission is not granted
 * yet, nothing starts before the user presses Join in pre-join. Participants only. `sessionActive`: what the page's
 * own copy of the session (GET /api/sessions/:id) says, undefined while it loads; the join's answer, when there, decides.
 */
export function useRoomHead(sessionId: string, participant: boolean, sessionActive: boolean | undefined): RoomHead {
  const room = useRoomConnection(sessionId);
  const { connection, snapshot } = room;
  const [entry, setEntry] = useState<Entry>('checking');
  const [media, setMedia] = useState<LocalMediaChoice | null>(null);

  // The call starts at once when the user is going in (permission granted, or Join pressed), before the room is even
  // joined; it stops when the session turns out to have ended (or not to be ours).
  const role = snapshot.joined?.self.role ?? null;
  const ended =
    snapshot.status === 'ended' ||
    (snapshot.joined ? snapshot.joined.session.status !== 'active' : sessionActive === false) ||
    (role !== null && role !== 'student' && role !== 'tutor');
  const { call, attach } = usePeerCall(connection, sessionId, participant && !ended && (media !== null || entry === 'starting'), media);

  useEffect(() => {
    if (!participant) return;
    const started = prewarmLocalMedia();
    let live = true;
    void started.granted.then((granted) => {
      if (live) setEntry((e) => (e === 'checking' ? (granted ? 'starting' : 'prejoin') : e));
    });
    // Devices started before the page was there: straight into the call when both work (onto the running call at
    // once, not after React's next render), else pre-join shows what failed (it takes them).
    void started.media.then((opened) => {
      if (!live || !opened) return;
      const taken = opened.stream && !opened.audioProblem && !opened.videoProblem ? takePrewarmedMedia(started) : null;
      if (!taken || !opened.stream) return setEntry('prejoin');
      const choice: LocalMediaChoice = {
        stream: opened.stream,
        audioDeviceId: opened.stream.getAudioTracks()[0]?.getSettings().deviceId ?? null,
        videoDeviceId: opened.stream.getVideoTracks()[0]?.getSettings().deviceId ?? null,
      };
      saveDevicePreference({ audioDeviceId: choice.audioDeviceId, videoDeviceId: choice.videoDeviceId });
      attach(choice);
      setMedia(choice);
    });
    return () => {
      live = false;
    };
  }, [participant, sessionId, attach]);

  // Devices the page holds are released when the session ended or the page closes (the call stops its own clones).
  const mediaRef = useRef(media);
  mediaRef.current = media;
  useEffect(() => {
    if (ended) stopStream(mediaRef.current?.stream);
  }, [ended, media]);
  useEffect(() => () => stopStream(mediaRef.current?.stream), []);

  const join = useCallback((choice: LocalMediaChoice) => setMedia(choice), []);
  return { connection, snapshot, call, media, prejoin: entry === 'prejoin', join };
}

/**
 * The live room of an active session: pre-join (skipped when devices were already granted, and for observers), then
 * the call, the board and the chat. On a phone the board and the chat share the space under the video, as tabs.
 */
export function RoomScreen({
  session,
  me,
  actions,
  room,
  onReportProblem,
  onReportPerson,
}: {
  session: TutoringSession;
  me: Me;
  actions?: ReactNode;
  room: RoomHead;
  onReportProblem?: (() => void) | undefined;
  /** Opens the safety report of the other person (#20). */
  onReportPerson?: (() => void) | undefined;
}) {
  const role = me.id === session.student.id ? 'student' : me.id === session.tutor.id ? 'tutor' : 'observer';
  const media = role === 'observer' ? NO_MEDIA : room.media;
  const other = role === 'tutor' ? session.student : session.tutor;
  usePageTitle(role === 'observer' ? 'Observing a session' : `Session with ${other.displayName}`);

  if (!media) {
    return (
      <section className="room" data-testid="room" data-stage="prejoin">
        {room.prejoin ? (
          <PreJoin onJoin={room.join} otherName={other.displayName} />
        ) : (
          <section className="prejoin card" data-testid="prejoin" aria-busy="true">
            <p className="muted" role="status">
              Starting your camera and microphone…
            </p>
          </section>
        )}
      </section>
    );
  }
  return <InRoom session={session} me={me} role={role} media={media} actions={actions} room={room} onReportProblem={onReportProblem} onReportPerson={onReportPerson} />;
}

function InRoom({
  session,
  me,
  role,
  media,
  actions,
  room,
  onReportProblem,
  onReportPerson,
}: {
  session: TutoringSession;
  me: Me;
  role: 'student' | 'tutor' | 'observer';
  media: LocalMediaChoice;
  actions: ReactNode;
  room: RoomHead;
  onReportProblem: (() => void) | undefined;
  onReportPerson: (() => void) | undefined;
}) {
  const { connection, snapshot } = room;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const end = useEndSession();
  const [tab, setTab] = useState<Tab>('board');
  // From 960 px the board, the question and the chat are all on screen; below, they are tabs.
  const wide = useMediaQuery('(min-width: 960px)');
  // Excalidraw is ~1 MB of script: parsing it while the call negotiates delays the first frame by about a second on
  // a cheap phone. It loads once the call is up, after a few seconds anyway, or at once for observers.
  const [boardLoaded, setBoardLoaded] = useState(role === 'observer' || media.stream === null);
  useEffect(() => {
    if (boardLoaded) return;
    const timer = window.setTimeout(() => setBoardLoaded(true), BOARD_LOAD_FALLBACK_MS);
    return () => window.clearTimeout(timer);
  }, [boardLoaded]);
  const boardTimer = useRef<number | null>(null);
  useEffect(() => () => window.clearTimeout(boardTimer.current ?? undefined), []);
  const onCallState = useCallback((state: string) => {
    // ICE 'connected' comes before the first frame is decoded; parsing the board then would delay that frame, and
    // right on the first frame it would hold up the next ones: it loads a moment later.
    if (state === 'failed') setBoardLoaded(true);
    else if (state === 'media' && boardTimer.current === null) boardTimer.current = window.setTimeout(() => setBoardLoaded(true), BOARD_AFTER_FIRST_FRAME_MS);
  }, []);
  const names = useMemo(() => Object.fromEntries([...snapshot.participants.map((p) => [p.userId, p.displayName]), [session.student.id, session.student.displayName], [session.tutor.id, session.tutor.displayName]]), [snapshot.participants, session]);
  // The question (its photos are on the board and in the Question pane): asked for with the board, or when its pane opens, not while the call sets up.
  const question = useQuestion(session.questionId ?? '', { enabled: Boolean(session.questionId) && (boardLoaded || tab === 'question') });
  const questionPhotos = useMemo(() => (question.data?.photos ?? []).map((p) => ({ id: p.id, url: p.url, thumbUrl: p.thumbUrl })), [question.data]);

  // Unread chat counts from the read mark the server keeps, so a reload (or another device) agrees on what was read.
  const chatOnScreen = wide || tab === 'chat';
  const unread = unreadCount(snapshot.messages, me.id, snapshot.lastReadMessageId);
  useAnnounceNewMessages(snapshot.messages, me.id, names, chatOnScreen, snapshot.joined !== null);
  const toMark = chatOnScreen ? readMarkToSend(snapshot.messages, snapshot.lastReadMessageId) : null;
  useEffect(() => {
    if (toMark !== null && document.visibilityState === 'visible') connection?.markRead(toMark);
  }, [toMark, connection]);

  // The other side (or the tutor marking the question answered) ended it: show the ended page.
  useEffect(() => {
    if (snapshot.status === 'ended') void queryClient.invalidateQueries({ queryKey: sessionKey(session.id) });
  }, [snapshot.status, queryClient, session.id]);

  const other = role === 'tutor' ? session.student : session.tutor;
  const readOnly = role === 'observer' || snapshot.status === 'ended';
  const inCall = role !== 'observer' && snapshot.status !== 'ended';
  const leave = useLeaveGuard(inCall);
  const reducedMotion = useReducedMotion();
  const recording = useSessionRecording(session.id, me.id, inCall, room.call);
  const showQuestion = session.questionId
    ? () => {
        setTab('question');
        document.getElementById('room-panel-question')?.scrollIntoView({ block: 'nearest' });
      }
    : undefined;

  return (
    <section className="room" data-testid="room" data-stage="in-room" data-room-status={snapshot.status} data-reduced-motion={reducedMotion} aria-labelledby="room-title">
      <div className="room-head">
        <h1 id="room-title">{role === 'observer' ? `${session.student.displayName} with ${session.tutor.displayName}` : `Session with ${other.displayName}`}</h1>
        {actions}
      </div>
      {snapshot.joined?.reviewNotice && <ReviewNotice text={snapshot.joined.reviewNotice} />}
      <RoomStatus status={snapshot.status} error={snapshot.error?.message ?? null} />
      {end.isError && (
        <Alert tone="error" title="The session was not ended">
          <p>{errorMessage(end.error)}</p>
        </Alert>
      )}
      <div className={`room-body${session.questionId ? ' room-body-question' : ''}`}>
        <div className="room-call">
          {connection && (
            <CallView
              snapshot={snapshot}
              role={role}
              call={room.call}
              selfName={me.displayName}
              otherName={other.displayName}
              startedAt={session.startedAt}
              onLeave={() => leave.go(() => navigate(roleHome(me.role)))}
              onEnd={role === 'observer' ? undefined : () => end.mutate(session.id)}
              onStateChange={onCallState}
              onShowQuestion={showQuestion}
              onReportProblem={role === 'observer' ? undefined : onReportProblem}
              onReportPerson={role === 'observer' ? undefined : onReportPerson}
              sfuRemote={recording.remote}
            />
          )}
          {recording.rec && <RecordingBar rec={recording.rec} snapshot={recording.snapshot} selfId={me.id} otherName={other.displayName} sfuError={recording.sfuError} />}
        </div>
        <div className="room-tabs" role="tablist" aria-label="Board, question and chat">
          <button type="button" role="tab" aria-selected={tab === 'board'} aria-controls="room-panel-board" data-testid="tab-board" onClick={() => setTab('board')}>
            Board
          </button>
          {session.questionId && (
            <button type="button" role="tab" aria-selected={tab === 'question'} aria-controls="room-panel-question" data-testid="tab-question" onClick={() => setTab('question')}>
              Question
            </button>
          )}
          <button type="button" role="tab" aria-selected={tab === 'chat'} aria-controls="room-panel-chat" data-testid="tab-chat" onClick={() => setTab('chat')}>
            Chat
            {unread > 0 && (
              <span className="room-badge" aria-label={`${unread} unread`} data-testid="chat-unread">
                {unread}
              </span>
            )}
          </button>
        </div>
        <div className="room-panel room-panel-board" id="room-panel-board" role="tabpanel" hidden={tab !== 'board'}>
          {connection && boardLoaded ? (
            <BoardPanel connection={connection} questionPhotos={questionPhotos} readOnly={readOnly} placeQuestionPhotos={role === 'tutor'} />
          ) : (
            <p className="room-board-waiting muted" data-testid="board-waiting">
              The board opens as soon as the call is connected…
            </p>
          )}
        </div>
        {session.questionId && (
          <div className="room-panel room-panel-question" id="room-panel-question" role="tabpanel" hidden={tab !== 'question'}>
            <QuestionPane question={question.data} loading={question.isPending} error={question.isError ? question.error : null} />
          </div>
        )}
        <div className="room-panel room-panel-chat" id="room-panel-chat" role="tabpanel" hidden={tab !== 'chat'}>
          <ChatPanel connection={connection} snapshot={snapshot} sessionId={session.id} selfId={me.id} names={names} readOnly={readOnly} />
        </div>
      </div>
      {leave.asking && <LeaveCallDialog otherName={other.displayName} onStay={leave.stay} onLeave={leave.confirm} />}
    </section>
  );
}

/**
 * Leaving a live call asks first: Back (or any link) through the router's blocker, closing or reloading the tab
 * through the browser's own beforeunload prompt. The Leave button has already said what it does: it goes at once.
 */
function useLeaveGuard(inCall: boolean) {
  const going = useRef(false);
  const blocker = useBlocker(({ currentLocation, nextLocation }) => inCall && !going.current && currentLocation.pathname !== nextLocation.pathname);
  useEffect(() => {
    if (!inCall) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      // Older browsers show the prompt only when returnValue is set.
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [inCall]);
  // The call ended while the question was open: nothing left to protect.
  useEffect(() => {
    if (!inCall && blocker.state === 'blocked') blocker.proceed();
  }, [inCall, blocker]);
  return {
    asking: blocker.state === 'blocked',
    stay: () => blocker.reset?.(),
    confirm: () => blocker.proceed?.(),
    go: (navigateAway: () => void) => {
      going.current = true;
      navigateAway();
    },
  };
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
  // The live region is always there: one that appears together with its words is not announced by every screen reader.
  return (
    <div className="room-status-region" role="status" data-testid="room-status-region">
      {text && (
        <p className="room-status" data-testid="room-status" data-tone={status === 'joining' ? 'info' : 'warn'}>
          {text}
        </p>
      )}
    </div>
  );
}
