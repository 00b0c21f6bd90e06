import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { Db } from './db';
import { createJobRunner, defineJob, type JobRunner } from './jobs';

/** Type-level checks (run by `npm run typecheck`): a queue's def types what is enqueued and what its handler gets. */
const WAVE = defineJob('test.wave', z.object({ questionId: z.string(), at: z.coerce.date(), wave: z.number().optional() }));

describe('typed job queues', () => {
  it('types the payload of enqueue and of the handler from the schema', () => {
    expectTypeOf(WAVE.enqueue).parameter(1).toEqualTypeOf<{ questionId: string; at: Date; wave?: number | undefined }>();
    expectTypeOf<Parameters<JobRunner['register']>>().toBeArray();
    // Never called: these lines only have to compile, or fail to.
    const _compileOnly = (db: Db, runner: JobRunner) => {
      const opts = { now: new Date(0) };
      void WAVE.enqueue(db, { questionId: 'q', at: new Date(0) }, opts);
      // @ts-expect-error a wrong field type does not compile
      void WAVE.enqueue(db, { questionId: 42, at: new Date(0) }, opts);
      // @ts-expect-error a missing field does not compile
      void WAVE.enqueue(db, { questionId: 'q' }, opts);
      // @ts-expect-error nor does an unknown field
      void WAVE.enqueue(db, { questionId: 'q', at: new Date(0), extra: true }, opts);
      // @ts-expect-error many jobs are checked the same way
      void WAVE.enqueueMany(db, [{ payload: { questionId: 1, at: new Date(0) }, dedupeKey: 'k' }], opts);
      runner.register(WAVE, async (payload) => {
        expectTypeOf(payload.questionId).toEqualTypeOf<string>();
        expectTypeOf(payload.at).toEqualTypeOf<Date>();
        expectTypeOf(payload.wave).toEqualTypeOf<number | undefined>();
      });
      // @ts-expect-error a handler expecting another payload does not fit the queue
      runner.register(WAVE, async (payload: { questionId: number }) => void payload);
      // @ts-expect-error a queue is a def, never a bare name
      runner.register('test.wave', async () => {});
    };
    expectTypeOf(_compileOnly).toBeFunction();
    expectTypeOf(createJobRunner).returns.toEqualTypeOf<JobRunner>();
  });
});
