import { like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { skipBecause } from '../../../scripts/skips';
import type { Clock } from '../src/platform/clock';
import { type Database, openDatabase } from '../src/platform/db';
import { createJobRunner, defineJob } from '../src/platform/jobs';
import { createLogger } from '../src/platform/logger';
import { createPostgresDatabase } from './db';
import { schema } from './schema';

// Jobs once across nodes (decision 067): three job runners, each on its own connection pool to one PostgreSQL as three
// nodes would be, all scheduling the same periodic job for every slot (as each node's timer does) and all running
// jobs at once. The dedupe key makes one row per slot; FOR UPDATE SKIP LOCKED hands each row to one runner.
if (!process.env.DATABASE_URL) skipBecause('jobs once across three runners (PostgreSQL)', 'DATABASE_URL is not set');

const EVERY_MS = 60_000;
const SLOTS = 24;
const PERIODIC = defineJob('test.periodic_once', z.object({ slot: z.iso.datetime() }));
const first = new Date('2026-12-01T12:00:00.000Z');
const slotAt = (i: number) => new Date(first.getTime() + i * EVERY_MS);

describe.skipIf(!process.env.DATABASE_URL)('a periodic job across three runners on one PostgreSQL', { timeout: 60_000 }, () => {
  const nodes: Database[] = [];
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const pg = await createPostgresDatabase({ migrated: true });
    drop = pg.drop;
    for (let i = 0; i < 3; i++) nodes.push(await openDatabase({ kind: 'postgres', url: pg.url, poolMax: 4 }));
  });
  afterAll(async () => {
    for (const n of nodes) await n.close();
    await drop?.();
  });

  it('runs once per slot, however many runners schedule and poll it', async () => {
    // After the last slot: every job is due.
    const clock: Clock = { now: () => slotAt(SLOTS) };
    const runs: { slot: string; runner: number }[] = [];
    const runners = nodes.map((n, runner) => {
      const r = createJobRunner({ db: n.db, clock, logger: createLogger('silent'), pollMs: 60_000, concurrency: 4 });
      r.register(PERIODIC, async ({ slot }) => {
        // A real round trip while holding the job, so the other runners poll while this one works.
        await n.db.execute('select 1');
        runs.push({ slot, runner });
      });
      return r;
    });

    // Slot by slot, every runner schedules the slot's job (as each node's timer would) while all three drain.
    for (let i = 0; i < SLOTS; i++) {
      const slot = slotAt(i).toISOString();
      await Promise.all([
        ...nodes.map((n) => PERIODIC.enqueue(n.db, { slot }, { dedupeKey: `${PERIODIC.queue}:${slot}`, now: slotAt(i), runAt: slotAt(i) })),
        ...runners.map((r) => r.drain()),
      ]);
    }
    await Promise.all(runners.map((r) => r.drain()));
    await Promise.all(runners.map((r) => r.stop()));

    const perSlot = new Map<string, number>();
    for (const r of runs) perSlot.set(r.slot, (perSlot.get(r.slot) ?? 0) + 1);
    expect(perSlot.size).toBe(SLOTS);
    expect([...perSlot.values()].every((n) => n === 1), JSON.stringify([...perSlot])).toBe(true);
    const rows = await nodes[0]!.db.select().from(schema.jobs).where(like(schema.jobs.dedupeKey, `${PERIODIC.queue}:%`));
    expect(rows).toHaveLength(SLOTS);
    expect(rows.every((row) => row.state === 'done' && row.attempts === 1)).toBe(true);
  });
});
