/** Seconds from `fromIso` to `nowMs`, never negative. */
export function secondsSince(fromIso: string, nowMs: number): number {
  return Math.max(0, Math.floor((nowMs - Date.parse(fromIso)) / 1000));
}

/** Seconds from `nowMs` until `untilIso`, never negative. */
export function secondsUntil(untilIso: string, nowMs: number): number {
  return Math.max(0, Math.ceil((Date.parse(untilIso) - nowMs) / 1000));
}
