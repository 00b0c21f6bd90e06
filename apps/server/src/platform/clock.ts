/** Time is passed in, never read inside rules; services get it from here so tests can move it. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };
