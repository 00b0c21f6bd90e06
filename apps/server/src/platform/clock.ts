/** Time is passed in, never read inside rules; services get it from here so tests can move it. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/**
 * The system clock moved by an offset that can be changed while running: for end-to-end tests that must reach
 * "10 minutes before the lesson" without waiting (CLOCK_CONTROL, refused in production). Time keeps flowing.
 */
export interface MovableClock extends Clock {
  /** From now on, now() reads `at` plus the time elapsed since this call. */
  moveTo(at: Date): void;
  offsetMs(): number;
}

export function movableClock(): MovableClock {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    moveTo(at) {
      offset = at.getTime() - Date.now();
    },
    offsetMs: () => offset,
  };
}
