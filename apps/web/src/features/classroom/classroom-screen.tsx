import { lazy, Suspense, useEffect, useState, useSyncExternalStore } from 'react';
import { plural } from '../../lib/format';
import { type AppSocket, useSocket } from '../../lib/socket';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { PageLoading } from '../../ui/page-states';
import { RecordingIndicator, RecordingNote } from './class-recording';
import { ClassVideoGrid } from './class-video-grid';
import { BreakoutBanner, BreakoutPanel } from './classroom-breakout';
import { ClassroomConnection } from './classroom-connection';
import { ChatPanel, LearnerBar, PeoplePanel, PollsPanel, TeacherControls } from './classroom-panels';
// The 1:1 room's board layout (its canvas is reused below); to move with the board into a shared component.
import '../room/board/board.css';
import './classroom.css';

/** Excalidraw is most of a megabyte: loaded only when the board tab opens (the 1:1 room's canvas, bound to the class's Y.Doc). */
const BoardCanvas = lazy(async () => {
  window.EXCALIDRAW_ASSET_PATH = '/excalidraw-assets/';
  const { BoardCanvas } = await import('../room/board/board-canvas');
  return { default: BoardCanvas };
});

type Tab = 'people' | 'chat' | 'polls' | 'board';
const tabs: { id: Tab; label: string }[] = [
  { id: 'people', label: 'People' },
  { id: 'chat', label: 'Chat' },
  { id: 'polls', label: 'Polls' },
  { id: 'board', label: 'Board' },
];

/** The live classroom: a phone shows one tab at a time under the video; a desktop shows the panels side by side. */
export function ClassroomScreen({ classId }: { classId: string }) {
  const socket = useSocket();
  const [connection, setConnection] = useState<ClassroomConnection | null>(null);
  useEffect(() => {
    if (!socket) return;
    const c = new ClassroomConnection(socket, classId);
    setConnection(c);
    return () => c.close();
  }, [socket, classId]);
  if (!connection) return <PageLoading label="Opening the classroom…" />;
  return <Classroom c={connection} socket={socket!} />;
}

function Classroom({ c, socket }: { c: ClassroomConnection; socket: AppSocket }) {
  const s = useSyncExternalStore(c.subscribe, c.getSnapshot);
  const [tab, setTab] = useState<Tab>('people');
  if (s.status === 'joining') return <PageLoading label="Joining the class…" />;
  if (s.status === 'waiting')
    return (
      <div className="class-lobby-screen" data-testid="class-lobby-screen">
        <h1>{s.info?.title}</h1>
        <p>You are in the lobby. The teacher will let you in soon.</p>
      </div>
    );
  if (s.status !== 'joined')
    return (
      <div className="class-lobby-screen" data-testid="class-closed">
        <Alert tone="error">{s.status === 'ended' ? 'The teacher has ended this class.' : s.status === 'removed' ? 'The teacher removed you from this class.' : (s.error?.message ?? 'You cannot enter this class.')}</Alert>
      </div>
    );
  const teacher = s.self?.role === 'teacher';
  const spotlight = s.participants.find((p) => p.userId === s.state?.spotlightUserId);
  const canDraw = teacher || !s.state?.boardLocked || s.state?.penUserId === s.self?.userId;
  return (
    <div className={`classroom ${teacher ? 'classroom-teacher' : 'classroom-learner'}`} data-testid="classroom">
      <header className="class-header">
        <h1 className="class-title">{s.info?.title}</h1>
        <RecordingIndicator state={s.state} />
        {s.state?.micsLocked && <span className="class-badge">mics locked</span>}
        {s.state?.chatLocked && <span className="class-badge">chat locked</span>}
      </header>
      <section className="class-video-slot" aria-label="Video" data-testid="class-video-slot">
        {s.self && <ClassVideoGrid socket={socket} classId={c.classId} role={s.self.role} selfId={s.self.userId} participants={s.participants} spotlightUserId={s.state?.spotlightUserId ?? null} groupId={s.groupId} />}
        {spotlight && <p className="class-badge">Spotlight: {spotlight.displayName}</p>}
      </section>
      <RecordingNote selfId={s.self?.userId ?? null} teacher={teacher} participants={s.participants} />
      {s.notice && (
        <Alert tone="warning">
          {s.notice.message}{' '}
          <Button variant="ghost" onClick={c.dismissNotice}>
            OK
          </Button>
        </Alert>
      )}
      {!teacher && <BreakoutBanner s={s} />}
      {!teacher && <LearnerBar c={c} s={s} />}
      <nav className="class-tabs" aria-label="Classroom panels">
        {tabs.map((t) => (
          <button key={t.id} type="button" className="class-tab" aria-pressed={tab === t.id} onClick={() => setTab(t.id)}>
            {t.label}
            {t.id === 'people' && s.hands.length > 0 ? <span className="class-badge">{plural(s.hands.length, { one: '# hand', other: '# hands' })}</span> : null}
          </button>
        ))}
      </nav>
      <div className="class-panels" data-tab={tab}>
        {teacher && (
          <div className="class-pane class-pane-controls">
            <TeacherControls c={c} s={s} />
            <BreakoutPanel c={c} s={s} />
          </div>
        )}
        <div className="class-pane class-pane-people">
          <PeoplePanel c={c} s={s} teacher={teacher} />
        </div>
        <div className="class-pane class-pane-chat">
          <ChatPanel c={c} s={s} teacher={teacher} />
        </div>
        <div className="class-pane class-pane-polls">
          <PollsPanel c={c} s={s} teacher={teacher} />
        </div>
        <div className="class-pane class-pane-board" data-testid="class-board">
          {tab === 'board' || teacher ? (
            <section className="board-panel" aria-label="Whiteboard">
              <Suspense fallback={<p className="muted">Loading the whiteboard…</p>}>
                <BoardCanvas key={s.boardGeneration} doc={c.board} sessionId={c.classId} questionPhotos={[]} readOnly={!canDraw} placeQuestionPhotos={false} />
              </Suspense>
            </section>
          ) : null}
        </div>
      </div>
    </div>
  );
}
