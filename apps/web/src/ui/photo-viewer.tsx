import { type PointerEvent, useCallback, useEffect, useLayoutEffect, useRef, useState, type WheelEvent } from 'react';
import { ChevronIcon, CloseIcon, ZoomInIcon, ZoomOutIcon } from './icons';
import { clampView, FITTED, fittedSize, MAX_SCALE, type View, zoomAt } from './zoom';

export interface ViewerPhoto {
  id: string;
  /** The full-size photo (same-origin, authorised by the cookie). */
  url: string;
  width?: number;
  height?: number;
}

interface PhotoViewerProps {
  photos: ViewerPhoto[];
  /** Which photo opens first. */
  startIndex?: number;
  /** Read out as the dialog's name: "Question photo", "Maths photo"… */
  label: string;
  onClose(): void;
}

const STEP = 1.6;

/**
 * A full-screen, zoomable view of photos: pinch or wheel to zoom where the fingers are, drag to move, double-tap to
 * zoom in and out, buttons for each. A modal <dialog>, so focus stays in it and Escape closes it.
 */
export function PhotoViewer({ photos, startIndex = 0, label, onClose }: PhotoViewerProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const frameRef = useRef<HTMLDivElement>(null);
  const [index, setIndex] = useState(Math.min(startIndex, Math.max(0, photos.length - 1)));
  const [view, setView] = useState<View>(FITTED);
  const [natural, setNatural] = useState({ width: 0, height: 0 });
  const [frame, setFrame] = useState({ width: 0, height: 0 });
  const pointers = useRef(new Map<number, { x: number; y: number }>());
  const lastTap = useRef(0);
  const photo = photos[index];

  useLayoutEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  useEffect(() => {
    const el = frameRef.current;
    if (!el) return;
    const measure = () => setFrame({ width: el.clientWidth, height: el.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const fitted = fittedSize(natural, frame);
  const apply = useCallback((next: View) => setView(clampView(next, frame, fitted)), [frame, fitted]);
  /** A point of the frame (client coordinates) relative to its centre. */
  const fromCentre = (clientX: number, clientY: number) => {
    const r = frameRef.current!.getBoundingClientRect();
    return { x: clientX - r.left - r.width / 2, y: clientY - r.top - r.height / 2 };
  };
  const show = (next: number) => {
    setIndex((next + photos.length) % photos.length);
    setView(FITTED);
  };

  const onWheel = (e: WheelEvent) => apply(zoomAt(view, e.deltaY < 0 ? 1.15 : 1 / 1.15, fromCentre(e.clientX, e.clientY)));
  const onPointerDown = (e: PointerEvent) => {
    e.currentTarget.setPointerCapture(e.pointerId);
    pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (pointers.current.size === 1 && e.pointerType !== 'mouse') {
      const now = e.timeStamp;
      if (now - lastTap.current < 300) apply(view.scale > 1 ? FITTED : zoomAt(view, 2.5, fromCentre(e.clientX, e.clientY)));
      lastTap.current = now;
    }
  };
  const onPointerMove = (e: PointerEvent) => {
    const before = pointers.current.get(e.pointerId);
    if (!before) return;
    const others = [...pointers.current.entries()].filter(([id]) => id !== e.pointerId).map(([, p]) => p);
    pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (others.length === 1) {
      // Pinch: the distance between the two fingers sets the zoom, around their midpoint.
      const other = others[0]!;
      const d0 = Math.hypot(before.x - other.x, before.y - other.y);
      const d1 = Math.hypot(e.clientX - other.x, e.clientY - other.y);
      if (d0 > 0) apply(zoomAt(view, d1 / d0, fromCentre((e.clientX + other.x) / 2, (e.clientY + other.y) / 2)));
    } else if (others.length === 0 && view.scale > 1) {
      apply({ ...view, x: view.x + e.clientX - before.x, y: view.y + e.clientY - before.y });
    }
  };
  const onPointerUp = (e: PointerEvent) => pointers.current.delete(e.pointerId);

  if (!photo) return null;
  const percent = Math.round(view.scale * 100);
  return (
    <dialog
      ref={dialogRef}
      className="photo-viewer"
      aria-label={photos.length > 1 ? `${label} ${index + 1} of ${photos.length}` : label}
      data-testid="photo-viewer"
      onClose={onClose}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onKeyDown={(e) => {
        if (e.key === '+' || e.key === '=') apply(zoomAt(view, STEP, { x: 0, y: 0 }));
        else if (e.key === '-') apply(zoomAt(view, 1 / STEP, { x: 0, y: 0 }));
        else if (e.key === 'ArrowRight' && photos.length > 1 && view.scale === 1) show(index + 1);
        else if (e.key === 'ArrowLeft' && photos.length > 1 && view.scale === 1) show(index - 1);
      }}
    >
      <div className="photo-viewer-bar">
        <span className="photo-viewer-title">
          {label}
          {photos.length > 1 ? ` ${index + 1} of ${photos.length}` : ''}
        </span>
        <span className="photo-viewer-zoom" aria-live="polite" data-testid="photo-viewer-zoom">
          {percent}%
        </span>
        <button type="button" className="photo-viewer-btn" aria-label="Zoom out" disabled={view.scale <= 1} onClick={() => apply(zoomAt(view, 1 / STEP, { x: 0, y: 0 }))}>
          <ZoomOutIcon />
        </button>
        <button type="button" className="photo-viewer-btn" aria-label="Zoom in" disabled={view.scale >= MAX_SCALE} data-testid="photo-viewer-zoom-in" onClick={() => apply(zoomAt(view, STEP, { x: 0, y: 0 }))}>
          <ZoomInIcon />
        </button>
        <button type="button" className="photo-viewer-btn" aria-label="Close" data-testid="photo-viewer-close" onClick={onClose} autoFocus>
          <CloseIcon />
        </button>
      </div>
      <div
        ref={frameRef}
        className="photo-viewer-frame"
        onWheel={onWheel}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onDoubleClick={(e) => apply(view.scale > 1 ? FITTED : zoomAt(view, 2.5, fromCentre(e.clientX, e.clientY)))}
      >
        <img
          key={photo.id}
          src={photo.url}
          alt={`${label}${photos.length > 1 ? ` ${index + 1}` : ''}, full size`}
          className="photo-viewer-img"
          draggable={false}
          data-testid="photo-viewer-img"
          style={{ width: fitted.width || undefined, height: fitted.height || undefined, transform: `translate(${view.x}px, ${view.y}px) scale(${view.scale})` }}
          onLoad={(e) => setNatural({ width: e.currentTarget.naturalWidth, height: e.currentTarget.naturalHeight })}
        />
      </div>
      {photos.length > 1 && (
        <div className="photo-viewer-nav">
          <button type="button" className="photo-viewer-btn" aria-label="Previous photo" onClick={() => show(index - 1)}>
            <ChevronIcon direction="left" />
          </button>
          <button type="button" className="photo-viewer-btn" aria-label="Next photo" onClick={() => show(index + 1)}>
            <ChevronIcon direction="right" />
          </button>
        </div>
      )}
    </dialog>
  );
}
