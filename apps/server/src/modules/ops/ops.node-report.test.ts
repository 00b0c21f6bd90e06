import { describe, expect, it } from 'vitest';
import type { Io } from '../../platform/realtime';
import type { Logger } from '../../platform/logger';
import { startNodeReport } from './ops.live';
import type { OpsRepo } from './ops.repo';

// A node's figures are written every few seconds; a write must never reach the database pool after shutdown closed
// it (stop 27's cluster fault tests saw "Cannot use a pool after calling end" from a write in flight at shutdown).
describe('the node report at shutdown', () => {
  it('stop waits for the write in flight, and nothing is written after it', async () => {
    const writes: { release: () => void }[] = [];
    const repo = {
      saveNode: () => new Promise<void>((release) => writes.push({ release })),
    } as unknown as OpsRepo;
    const warned: unknown[] = [];
    const logger = { warn: (o: unknown) => warned.push(o) } as unknown as Logger;
    const io = { engine: { clientsCount: 0 } } as unknown as Io;
    const node = startNodeReport({ repo, io, clock: { now: () => new Date(0) }, logger, nodeId: 'n1', everyMs: 60_000 });
    await Promise.resolve();
    expect(writes).toHaveLength(1);
    let stopped = false;
    const stopping = node.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(stopped).toBe(false);
    writes[0]!.release();
    await stopping;
    expect(stopped).toBe(true);
    await node.report();
    expect(writes).toHaveLength(1);
    expect(warned).toEqual([]);
  });
});
