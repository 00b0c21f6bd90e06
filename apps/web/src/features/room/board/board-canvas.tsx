import {
  CaptureUpdateAction,
  convertToExcalidrawElements,
  Excalidraw,
  exportToBlob,
  getNonDeletedElements,
  MainMenu,
  viewportCoordsToSceneCoords,
} from '@excalidraw/excalidraw';
import type { FileId, OrderedExcalidrawElement } from '@excalidraw/excalidraw/element/types';
import type { BinaryFileData, DataURL, ExcalidrawImperativeAPI, UIOptions } from '@excalidraw/excalidraw/types';
import '@excalidraw/excalidraw/index.css';
import { useEffect, useRef, useState } from 'react';
import type * as Y from 'yjs';
import { Button } from '../../../ui/button';
import { BoardFiles } from './board-files';
import type { QuestionPhoto } from './board-panel';
import { BoardBinding, type BoardScene } from './y-excalidraw';
import { useBoardButtonNames } from './board-names';

/** The part of the board that needs Excalidraw: loaded lazily by BoardPanel, so it is its own chunk. */

interface BoardCanvasProps {
  doc: Y.Doc;
  sessionId: string;
  questionPhotos: QuestionPhoto[];
  readOnly: boolean;
  placeQuestionPhotos: boolean;
}

declare global {
  interface Window {
    /** For e2e tests: proves that edits cross to the other side. */
    __tutorlineBoard?: { elementCount(): number; addRectangle(): void };
  }
}

/** The board's own settings in the shared document, beside its elements and files. */
const BOARD_META = 'room';
const QUESTION_PLACED = 'questionPhotoPlaced';

const uiOptions: Partial<UIOptions> = {
  // Images come only through the room's photos: a pasted image would be a dataURL the other side never receives.
  tools: { image: false },
  // Loading a file would bring its images as dataURLs too; export is the panel's own PNG button.
  canvasActions: { loadScene: false, saveToActiveFile: false, export: false, saveAsImage: false },
};

export function BoardCanvas({ doc, sessionId, questionPhotos, readOnly, placeQuestionPhotos }: BoardCanvasProps) {
  const [api, setApi] = useInitialisedApi();
  const filesRef = useRef<BoardFiles | null>(null);
  const [busy, setBusy] = useState<'export' | 'photo' | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const canvasRef = useRef<HTMLDivElement>(null);
  useBoardButtonNames(canvasRef);

  // Excalidraw measures its container when it mounts and on window resizes only. On a phone the board is a tab: it
  // may mount hidden (0×0) and is hidden and shown again, and the video above it changes height. Measure again whenever
  // the container gets a new, visible size.
  useEffect(() => {
    const el = canvasRef.current;
    if (!api || !el || typeof ResizeObserver === 'undefined') return;
    let last = '';
    const observer = new ResizeObserver(([entry]) => {
      const { width, height } = entry!.contentRect;
      const size = `${Math.round(width)}x${Math.round(height)}`;
      if (width === 0 || height === 0 || size === last) return;
      last = size;
      api.refresh();
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [api]);

  useEffect(() => {
    if (!api) return;
    const binding = new BoardBinding(doc, sceneOf(api), { readOnly });
    // A reload or a late join: show the drawing, not an empty corner of the canvas.
    if (api.getSceneElements().length) api.scrollToContent();
    const files = new BoardFiles(doc, { has: (id) => id in api.getFiles(), add: (file) => api.addFiles([toBinaryFile(file)]) }, fetchAsDataUrl, location.origin);
    filesRef.current = files;
    const unsubscribe = api.onChange(() => binding.sceneChanged());
    const hooks = { elementCount: () => api.getSceneElements().length, addRectangle: () => addRectangle(api) };
    window.__tutorlineBoard = hooks;
    return () => {
      unsubscribe();
      binding.destroy();
      files.destroy();
      filesRef.current = null;
      if (window.__tutorlineBoard === hooks) delete window.__tutorlineBoard;
    };
  }, [api, doc, readOnly]);

  // The question's photo is on the board from the start (both see it; neither has to press "Add question photo").
  // A flag in the shared document says it was placed, so it is placed once per session, whoever reloads.
  useEffect(() => {
    const files = filesRef.current;
    if (!api || !files || readOnly || !placeQuestionPhotos || questionPhotos.length === 0) return;
    const room = doc.getMap<boolean>(BOARD_META);
    if (room.get(QUESTION_PLACED)) return;
    room.set(QUESTION_PLACED, true);
    addQuestionPhotos(api, files, questionPhotos).then(
      () => api.scrollToContent(undefined, { fitToViewport: true, viewportZoomFactor: 0.9 }),
      (error: unknown) => {
        // Let the next load try again; "Add question photo" is there meanwhile.
        console.warn('the question photo could not be put on the board', error);
        room.delete(QUESTION_PLACED);
      },
    );
  }, [api, doc, readOnly, placeQuestionPhotos, questionPhotos]);

  /** Runs a toolbar action; it may answer with a problem to show, and a failure shows `failure`. */
  const run = async (what: 'export' | 'photo', task: () => Promise<string | void>, failure: string) => {
    setBusy(what);
    setProblem(null);
    try {
      setProblem((await task()) ?? null);
    } catch (error) {
      console.warn(failure, error);
      setProblem(failure);
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <div className="board-toolbar" role="toolbar" aria-label="Whiteboard">
        {!readOnly && questionPhotos.length > 0 && (
          <Button
            variant="secondary"
            data-testid="board-add-photo"
            disabled={!api}
            pending={busy === 'photo'}
            onClick={() => void run('photo', () => addQuestionPhotos(api!, filesRef.current!, questionPhotos), 'The question photo could not be added.')}
          >
            Add question photo
          </Button>
        )}
        <Button
          variant="secondary"
          data-testid="board-export"
          disabled={!api}
          pending={busy === 'export'}
          onClick={() => void run('export', () => exportPng(api!, sessionId), 'The board could not be exported.')}
        >
          Export PNG
        </Button>
        {problem && (
          <span className="board-problem" role="alert">
            {problem}
          </span>
        )}
      </div>
      <div className="board-canvas" ref={canvasRef} data-testid="board-canvas">
        <Excalidraw excalidrawAPI={setApi} viewModeEnabled={readOnly} isCollaborating UIOptions={uiOptions} name={`board-${sessionId}`}>
          <MainMenu>
            <MainMenu.DefaultItems.ClearCanvas />
            <MainMenu.DefaultItems.ChangeCanvasBackground />
            <MainMenu.DefaultItems.Help />
          </MainMenu>
        </Excalidraw>
      </div>
    </>
  );
}

/**
 * Excalidraw hands out its API before it has set up its scene, and setting the scene up replaces whatever was put in
 * meanwhile: the API is returned once that is done (onChange fires only from then on).
 */
function useInitialisedApi(): [ExcalidrawImperativeAPI | null, (api: ExcalidrawImperativeAPI) => void] {
  const [candidate, setCandidate] = useState<ExcalidrawImperativeAPI | null>(null);
  const [ready, setReady] = useState<ExcalidrawImperativeAPI | null>(null);
  useEffect(() => {
    if (!candidate) return;
    if (!candidate.getAppState().isLoading) {
      setReady(candidate);
      return;
    }
    const unsubscribe = candidate.onChange(() => {
      unsubscribe();
      setReady(candidate);
    });
    return unsubscribe;
  }, [candidate]);
  return [ready, setCandidate];
}

function sceneOf(api: ExcalidrawImperativeAPI): BoardScene {
  return {
    getElements: () => api.getSceneElementsIncludingDeleted(),
    // Not through restoreElements: it would copy every element, the ones the user is editing too, and drop tiny ones.
    replaceElements: (elements) => api.updateScene({ elements: elements as unknown as OrderedExcalidrawElement[], captureUpdate: CaptureUpdateAction.NEVER }),
    // The same cases in which Excalidraw's own reconcileElements keeps the local copy.
    isEditing: (id) => {
      const state = api.getAppState();
      return state.editingTextElement?.id === id || state.resizingElement?.id === id || state.newElement?.id === id;
    },
  };
}

function toBinaryFile(file: { id: string; mimeType: string; dataURL: string; created: number }): BinaryFileData {
  return { id: file.id as FileId, mimeType: file.mimeType as BinaryFileData['mimeType'], dataURL: file.dataURL as DataURL, created: file.created };
}

async function fetchAsDataUrl(url: string): Promise<string> {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return blobToDataUrl(await response.blob());
}

function blobToDataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error ?? new Error('could not read the file'));
    reader.readAsDataURL(blob);
  });
}

/** The scene point at the middle of what the user sees: new things go there. */
function viewCenter(api: ExcalidrawImperativeAPI): { x: number; y: number } {
  const state = api.getAppState();
  return viewportCoordsToSceneCoords({ clientX: state.offsetLeft + state.width / 2, clientY: state.offsetTop + state.height / 2 }, state);
}

/** Adds elements on top of the scene, or beneath everything (`atBack`), as one undoable step. */
function addElements(api: ExcalidrawImperativeAPI, added: OrderedExcalidrawElement[], atBack = false) {
  const existing = api.getSceneElementsIncludingDeleted();
  api.updateScene({ elements: atBack ? [...added, ...existing] : [...existing, ...added], captureUpdate: CaptureUpdateAction.IMMEDIATELY });
}

function addRectangle(api: ExcalidrawImperativeAPI) {
  const { x, y } = viewCenter(api);
  addElements(api, convertToExcalidrawElements([{ type: 'rectangle', x: x - 60, y: y - 40, width: 120, height: 80 }]));
}

/** Photos go side by side around the view's centre, scaled to fit the view and at most this box (scene pixels). */
const PHOTO_BOX = { width: 640, height: 480, gap: 24 };

/** Places the question's photos beneath the drawing, to be annotated. */
async function addQuestionPhotos(api: ExcalidrawImperativeAPI, files: BoardFiles, photos: QuestionPhoto[]) {
  const { width: viewWidth, height: viewHeight, zoom } = api.getAppState();
  // A board placed while its tab is hidden has no size yet: use the full box then.
  const box = {
    width: viewWidth > 0 ? Math.min(PHOTO_BOX.width, (0.9 * viewWidth) / zoom.value / photos.length) : PHOTO_BOX.width,
    height: viewHeight > 0 ? Math.min(PHOTO_BOX.height, (0.8 * viewHeight) / zoom.value) : PHOTO_BOX.height,
  };
  const loaded = await Promise.all(
    photos.map(async (photo) => {
      const dataURL = await fetchAsDataUrl(photo.url);
      const image = new Image();
      image.src = dataURL;
      await image.decode();
      const scale = Math.min(1, box.width / image.naturalWidth, box.height / image.naturalHeight);
      // One file per photo, however often it is placed.
      const record = { id: `question-photo-${photo.id}`, mimeType: dataURL.slice(5, dataURL.indexOf(';')), url: photo.url, created: Date.now() };
      return { record, dataURL, width: Math.round(image.naturalWidth * scale), height: Math.round(image.naturalHeight * scale) };
    }),
  );
  api.addFiles(loaded.map(({ record, dataURL }) => toBinaryFile({ ...record, dataURL })));
  for (const { record } of loaded) files.share(record);

  const center = viewCenter(api);
  const total = loaded.reduce((sum, p) => sum + p.width, 0) + PHOTO_BOX.gap * (loaded.length - 1);
  let x = center.x - total / 2;
  const elements = loaded.map(({ record, width, height }) => {
    const skeleton = { type: 'image' as const, fileId: record.id as FileId, status: 'saved' as const, x, y: center.y - height / 2, width, height };
    x += width + PHOTO_BOX.gap;
    return skeleton;
  });
  addElements(api, convertToExcalidrawElements(elements), true);
}

async function exportPng(api: ExcalidrawImperativeAPI, sessionId: string): Promise<string | void> {
  const elements = getNonDeletedElements(api.getSceneElements());
  if (!elements.length) return 'The board is empty: there is nothing to export yet.';
  const blob = await exportToBlob({
    elements,
    appState: { ...api.getAppState(), exportBackground: true, exportScale: 2 },
    files: api.getFiles(),
    mimeType: 'image/png',
  });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `board-${sessionId}.png`;
  link.click();
  // After the click has started the download.
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}
