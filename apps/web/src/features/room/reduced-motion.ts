import { useSyncExternalStore } from 'react';
import { useMediaQuery } from '../../lib/use-media-query';

/** The user's own choice for the room, kept on this device; none means the system's setting decides. */
const storageKey = 'tutorline.room.reducedMotion';
const listeners = new Set<() => void>();

function readChoice(): 'on' | 'off' | null {
  try {
    const value = localStorage.getItem(storageKey);
    return value === 'on' || value === 'off' ? value : null;
  } catch {
    return null;
  }
}

/** Chooses reduced motion in the room (on or off), overriding the system's prefers-reduced-motion. */
export function chooseReducedMotion(on: boolean): void {
  try {
    localStorage.setItem(storageKey, on ? 'on' : 'off');
  } catch {
    // Storage refused (private mode): the choice still holds until the page closes.
    memory = on ? 'on' : 'off';
  }
  for (const notify of listeners) notify();
}
let memory: 'on' | 'off' | null = null;

/** Whether the room runs without motion: the user's choice, else the system's prefers-reduced-motion. */
export function useReducedMotion(): boolean {
  const system = useMediaQuery('(prefers-reduced-motion: reduce)');
  const choice = useSyncExternalStore(
    (notify) => {
      listeners.add(notify);
      return () => listeners.delete(notify);
    },
    () => readChoice() ?? memory,
    () => null,
  );
  return choice === null ? system : choice === 'on';
}
