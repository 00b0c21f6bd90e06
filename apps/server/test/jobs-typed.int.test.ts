import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { z } from 'zod';
import type { Clock } from '../src/platform/clock';
import { createJobRunner, defineJob } from '../src/platform/jobs';
import { createLogger } from '../src/platform/logger';
import { describeEachBackend } from './db';
import { schema } from './schema';

/** Typed queues (decision 036): the runner parses each stored payload with its queue's schema before the handler. */
describeEachBackend('typed job queues', ({ db }) => {
  const now = new Date('2026-12-01T12:00:00.000Z');
  const clock: Clock = { now: () => now };
  const setup = () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    const runner = createJobRunner({ db: db().database.db, clock, logger, pollMs: 60_000 });
    const row = async (dedupeKey: string) => (await db().database.db.select().from(schema.jobs).where(eq(schema.jobs.dedupeKey, dedupeKey)))[0]!;
    return { lines, runner, row };
  };

  it('hands the handler its payload as the schema reads it: a Date comes back a Date, a default is filled in', async () => {
    const { runner, row } = setup();
    const REMIND = defineJob('test.typed_remind', z.object({ bookingId: z.string(), at: z.coerce.date(), tags: z.array(z.string()).default([]) }));
    const seen: unknown[] = [];
    runner.register(REMIND, async (payload) => {
      seen.push(payload);
    });
    await REMIND.enqueue(db().database.db, { bookingId: 'b-1', at: new Date('2026-12-03T09:30:00.000Z'), tags: [] }, { now, dedupeKey: 'typed-1' });
    // Stored as JSON (the Date as its ISO string), read back through the schema.
    const stored = await row('typed-1');
    expect(stored.payload).toEqual({ bookingId: 'b-1', at: '2026-12-03T09:30:00.000Z', tags: [] });
    await db().database.db.update(schema.jobs).set({ payload: { bookingId: 'b-2', at: '2026-12-04T10:00:00.000Z' } }).where(eq(schema.jobs.dedupeKey, 'typed-1'));
    await runner.drain();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toEqual({ bookingId: 'b-2', at: new Date('2026-12-04T10:00:00.000Z'), tags: [] });
    expect((seen[0] as { at: unknown }).at).toBeInstanceOf(Date);
    expect((await row('typed-1')).state).toBe('done');
  });

  it('parks a stored payload its queue no longer reads: not run, not retried, logged once without its values; other jobs run', async () => {
    const { runner, row, lines } = setup();
    const queue = 'test.typed_wave';
    // The queue as it was (a numeric question id, personal data in the payload) and as it is now.
    const OLD = defineJob(queue, z.object({ questionId: z.number(), studentEmail: z.string() }));
    const WAVE = defineJob(queue, z.object({ questionId: z.string(), at: z.iso.datetime() }));
    const OTHER = defineJob('test.typed_other', z.object({ n: z.number() }));
    const handled: string[] = [];
    runner.register(WAVE, async (p) => void handled.push(`wave:${p.questionId}`));
    runner.register(OTHER, async (p) => void handled.push(`other:${p.n}`));
    await OLD.enqueue(db().database.db, { questionId: 4242, studentEmail: 'kid@example.com' }, { now, dedupeKey: 'typed-old' });
    await WAVE.enqueue(db().database.db, { questionId: 'q-1', at: now.toISOString() }, { now, dedupeKey: 'typed-new' });
    await OTHER.enqueue(db().database.db, { n: 7 }, { now, dedupeKey: 'typed-other' });

    await runner.drain();
    expect(handled.sort()).toEqual(['other:7', 'wave:q-1']);
    const parked = await row('typed-old');
    expect(parked).toMatchObject({ state: 'parked', attempts: 1, lockedUntil: null });
    expect(parked.finishedAt?.toISOString()).toBe(now.toISOString());
    expect(parked.lastError).toBe("payload does not match the queue's schema: questionId: invalid_type (expected string); at: invalid_type (expected string)");
    expect((await row('typed-new')).state).toBe('done');
    expect((await row('typed-other')).state).toBe('done');

    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.event === 'job_parked');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      queue,
      jobId: parked.id,
      issues: [
        { path: 'questionId', code: 'invalid_type', expected: 'string' },
        { path: 'at', code: 'invalid_type', expected: 'string' },
      ],
    });
    expect(lines.join('\n')).not.toMatch(/kid@example\.com|4242/);

    // Parked is final: the next runs leave it alone, and the runner still runs what comes next.
    await OTHER.enqueue(db().database.db, { n: 8 }, { now, dedupeKey: 'typed-other-2' });
    await runner.drain();
    await runner.drain();
    expect(handled.sort()).toEqual(['other:7', 'other:8', 'wave:q-1']);
    expect(await row('typed-old')).toMatchObject({ state: 'parked', attempts: 1 });
    expect(lines.filter((l) => l.includes('"event":"job_parked"'))).toHaveLength(1);
  });

  it('leaves a job whose queue has no handler here queued (another process may run it)', async () => {
    const { runner, row } = setup();
    const ELSEWHERE = defineJob('test.typed_elsewhere', z.object({ id: z.string() }));
    await db().database.db.insert(schema.jobs).values({ queue: ELSEWHERE.queue, payload: { id: 1 }, dedupeKey: 'typed-elsewhere', runAt: now, createdAt: now });
    await runner.drain();
    expect(await row('typed-elsewhere')).toMatchObject({ state: 'queued', attempts: 0, lastError: null });
  });
});
