/** Zoom and pan of a picture in a viewer: pure, so the maths is tested without a browser. */

export interface View {
  /** 1 = the whole picture fits the screen. */
  scale: number;
  /** Offset of the picture's centre from the screen's centre, in screen pixels. */
  x: number;
  y: number;
}

export const MIN_SCALE = 1;
export const MAX_SCALE = 6;
export const FITTED: View = { scale: 1, x: 0, y: 0 };

/**
 * Keeps the picture on screen: at a given scale it may move only as far as its enlarged size overflows the frame.
 * `frame` is the viewer's size, `fitted` the picture's size at scale 1.
 */
export function clampView(view: View, frame: { width: number; height: number }, fitted: { width: number; height: number }): View {
  const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, view.scale));
  const maxX = Math.max(0, (fitted.width * scale - frame.width) / 2);
  const maxY = Math.max(0, (fitted.height * scale - frame.height) / 2);
  // `+ 0` turns -0 into 0.
  return { scale, x: Math.min(maxX, Math.max(-maxX, view.x)) + 0, y: Math.min(maxY, Math.max(-maxY, view.y)) + 0 };
}

/**
 * Zooms by `factor` keeping the point under `focus` (relative to the frame's centre) where it is, as pinching or a
 * wheel over a word keeps that word under the fingers.
 */
export function zoomAt(view: View, factor: number, focus: { x: number; y: number }): View {
  const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, view.scale * factor));
  const k = scale / view.scale;
  return { scale, x: focus.x - (focus.x - view.x) * k, y: focus.y - (focus.y - view.y) * k };
}

/** The size of a picture fitted whole into a frame (CSS object-fit: contain). */
export function fittedSize(natural: { width: number; height: number }, frame: { width: number; height: number }): { width: number; height: number } {
  if (!natural.width || !natural.height) return { width: frame.width, height: frame.height };
  const k = Math.min(frame.width / natural.width, frame.height / natural.height);
  return { width: natural.width * k, height: natural.height * k };
}
