/** Memory of a server process after forced garbage collection, and what one idle connection costs. */

export interface MemorySample {
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  arrayBuffersBytes: number;
  /** How many collect-and-wait rounds it took for RSS to stop moving. */
  settleRounds: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * For server children started with `--expose-gc`: collects garbage (twice, so finalizers' garbage goes too), waits,
 * and repeats until RSS moved by less than 0.5% between two rounds (at most `maxRounds`). Throws without `gc`, so a
 * run that forgot the flag cannot report a heap full of garbage.
 */
export async function settledMemory(opts: { waitMs?: number; maxRounds?: number } = {}): Promise<MemorySample> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') throw new Error('settledMemory needs node --expose-gc');
  const waitMs = opts.waitMs ?? 500;
  const maxRounds = opts.maxRounds ?? 10;
  let previous = Number.NaN;
  let rounds = 0;
  let m = process.memoryUsage();
  while (rounds < maxRounds) {
    rounds++;
    gc();
    gc();
    await sleep(waitMs);
    m = process.memoryUsage();
    if (Math.abs(m.rss - previous) < 0.005 * m.rss) break;
    previous = m.rss;
  }
  return { rssBytes: m.rss, heapUsedBytes: m.heapUsed, heapTotalBytes: m.heapTotal, externalBytes: m.external, arrayBuffersBytes: m.arrayBuffers, settleRounds: rounds };
}

/**
 * Bytes per connection from a before/after pair: (after − before) / connections. Fails closed: NaN when the count is
 * not a positive whole number, a value is not finite, or the memory did not grow (a shrinking or flat process measured
 * nothing about its connections, and NaN can never pass a ratio check).
 */
export function bytesPerConnection(before: number, after: number, connections: number): number {
  if (!Number.isInteger(connections) || connections <= 0) return Number.NaN;
  if (!Number.isFinite(before) || !Number.isFinite(after) || before < 0) return Number.NaN;
  const delta = after - before;
  return delta > 0 ? delta / connections : Number.NaN;
}
