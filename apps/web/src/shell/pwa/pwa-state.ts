import { useSyncExternalStore } from 'react';

/** What the page knows about the service worker and the network; tiny, so it can sit in the first download. */
export interface PwaState {
  /** A new version is installed and waiting; it takes over only when the user presses Reload. */
  updateWaiting: boolean;
  online: boolean;
}

let state: PwaState = { updateWaiting: false, online: typeof navigator === 'undefined' ? true : navigator.onLine };
const listeners = new Set<() => void>();
let applyWaiting: (() => void) | null = null;

export function setPwaState(next: Partial<PwaState>): void {
  state = { ...state, ...next };
  listeners.forEach((l) => l());
}

/** Set by register-sw.ts: tells the waiting worker to take over, then reloads once it has. */
export function setUpdateAction(action: () => void): void {
  applyWaiting = action;
}

export function applyUpdate(): void {
  applyWaiting?.();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function usePwaState(): PwaState {
  return useSyncExternalStore(subscribe, () => state, () => state);
}

/** Paths where a call or a class is live: the page never reloads there, and the banner waits for the call to end. */
export function isLivePath(pathname: string): boolean {
  return /^\/session\/[^/]+\/?$/.test(pathname) || /^\/classes\/[^/]+\/room\/?$/.test(pathname);
}
