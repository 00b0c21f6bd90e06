/**
 * Cheap phones often have clocks that are minutes off, which would make "waiting 0:42" and "time left" wrong.
 * We estimate the server's clock from the `Date` header of API responses and count time on that clock.
 */
let offsetMs = 0;

/** Ignore differences smaller than this: the header has one-second resolution and the request took some time. */
const noiseMs = 3000;

export function recordServerDate(header: string | null): void {
  if (!header) return;
  const serverMs = Date.parse(header);
  if (Number.isNaN(serverMs)) return;
  // The header is truncated to the second, so the server's clock was on average half a second later.
  const diff = serverMs + 500 - Date.now();
  offsetMs = Math.abs(diff) < noiseMs ? 0 : diff;
}

/** Milliseconds since the epoch on the server's clock, as well as we know it. */
export function serverNow(): number {
  return Date.now() + offsetMs;
}
