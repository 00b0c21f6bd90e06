import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { schema } from './schema';
import { pruneFinishedRuns } from '../src/platform/jobs';
import { describeEachBackend } from './db';

describeEachBackend('finished runs of periodic sweeps are pruned', ({ db }) => {
  it('deletes only the queue’s done runs that finished before the cut-off', async () => {
    const d = db().database.db;
    const day = 86_400_000;
    const now = new Date('2026-12-01T12:00:00Z');
    const row = (queue: string, state: 'queued' | 'done' | 'failed', finishedAgoMs: number | null, key: string) => ({
      queue,
      payload: {},
      state,
      dedupeKey: key,
      runAt: now,
      createdAt: now,
      finishedAt: finishedAgoMs === null ? null : new Date(now.getTime() - finishedAgoMs),
    });
    await d.insert(schema.jobs).values([
      row('lessons.sweep', 'done', 2 * day, 'old-done'),
      row('lessons.sweep', 'done', day / 2, 'recent-done'),
      row('lessons.sweep', 'failed', 2 * day, 'old-failed'),
      row('lessons.sweep', 'queued', null, 'next'),
      row('notify.deliver', 'done', 2 * day, 'other-queue'),
    ]);
    expect(await pruneFinishedRuns(d, { queue: 'lessons.sweep' }, new Date(now.getTime() - day))).toBe(1);
    const left = await d.select({ key: schema.jobs.dedupeKey }).from(schema.jobs);
    expect(left.map((r) => r.key).sort()).toEqual(['next', 'old-failed', 'other-queue', 'recent-done']);
    // Running it again changes nothing.
    expect(await pruneFinishedRuns(d, { queue: 'lessons.sweep' }, new Date(now.getTime() - day))).toBe(0);
    await d.delete(schema.jobs).where(eq(schema.jobs.queue, 'lessons.sweep'));
  });
});
