import { Component, lazy, type ReactNode, Suspense, useState, useSyncExternalStore } from 'react';
import { Button } from '../../../ui/button';
import { ProgressBar } from '../../../ui/progress-bar';
import type { RoomConnection } from '../room-connection';
import './board.css';

export interface QuestionPhoto {
  id: string;
  /** Same-origin and authorised for everyone in the room: each side fetches it from here. */
  url: string;
  thumbUrl: string;
}

interface BoardPanelProps {
  connection: RoomConnection;
  questionPhotos: QuestionPhoto[];
  /** Observers watch; only the tutor and the student draw. */
  readOnly: boolean;
  /** Put the question's photo on the board by itself, once per session (one side does it, so it is not there twice). */
  placeQuestionPhotos?: boolean;
}

declare global {
  interface Window {
    EXCALIDRAW_ASSET_PATH?: string | string[];
  }
}

/** Served from the app itself (see excalidrawFonts in vite.config.ts); Excalidraw's default is a CDN. */
const EXCALIDRAW_ASSET_PATH = '/excalidraw-assets/';

/** Excalidraw is most of a megabyte: only a room with the board open downloads it. */
function loadBoardCanvas() {
  return lazy(async () => {
    window.EXCALIDRAW_ASSET_PATH = EXCALIDRAW_ASSET_PATH;
    const { BoardCanvas } = await import('./board-canvas');
    return { default: BoardCanvas };
  });
}

/** The room's shared whiteboard; it fills its container, which decides the size (and, on phones, when it shows). */
export function BoardPanel({ connection, questionPhotos, readOnly, placeQuestionPhotos = false }: BoardPanelProps) {
  // A new lazy component per attempt: React keeps a failed import's error forever.
  const [BoardCanvas, setBoardCanvas] = useState(loadBoardCanvas);
  return (
    <section className="board-panel" data-testid="board-panel" aria-label="Whiteboard">
      <BoardWarning connection={connection} />
      <LoadFailure onRetry={() => setBoardCanvas(loadBoardCanvas)}>
        <Suspense fallback={<BoardLoading />}>
          <BoardCanvas doc={connection.board} sessionId={connection.sessionId} questionPhotos={questionPhotos} readOnly={readOnly} placeQuestionPhotos={placeQuestionPhotos} />
        </Suspense>
      </LoadFailure>
    </section>
  );
}

/** The server's warning about contact details in this side's board text (#20): the board itself is not masked. */
function BoardWarning({ connection }: { connection: RoomConnection }) {
  const warning = useSyncExternalStore(
    (notify) => connection.subscribe(notify),
    () => connection.getSnapshot().boardWarning,
  );
  if (!warning) return null;
  return (
    <div className="board-warning" role="alert" data-testid="board-warning">
      <p>{warning}</p>
      <Button variant="secondary" onClick={() => connection.dismissBoardWarning()}>
        OK
      </Button>
    </div>
  );
}

function BoardLoading() {
  return (
    <div className="board-loading" data-testid="board-loading">
      <ProgressBar value={null} label="Loading the whiteboard" />
      <p className="muted">Loading the whiteboard…</p>
    </div>
  );
}

/** Catches a failed download of the board's code (the connection dropped), so the rest of the room keeps working. */
class LoadFailure extends Component<{ onRetry(): void; children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override render() {
    if (!this.state.failed) return this.props.children;
    return (
      <div className="board-loading" role="alert">
        <p>The whiteboard could not be loaded.</p>
        <Button
          variant="secondary"
          onClick={() => {
            this.setState({ failed: false });
            this.props.onRetry();
          }}
        >
          Try again
        </Button>
      </div>
    );
  }
}
