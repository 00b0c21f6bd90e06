import { expect, it } from 'vitest';
import { removeInBatches } from './retention';

/** Issue #20: retention deletes in bounded batches, and stops once a batch comes back short. */
it('asks for batches of the limit until one removes fewer, and adds them up', async () => {
  let left = 2500;
  const asked: number[] = [];
  const total = await removeInBatches(async (limit) => {
    asked.push(limit);
    const n = Math.min(limit, left);
    left -= n;
    return n;
  }, 1000);
  expect(total).toBe(2500);
  expect(asked).toEqual([1000, 1000, 1000]);
});

it('asks once more after an exactly full batch, and stops on the empty one', async () => {
  const answers = [1000, 1000, 0];
  const asked: number[] = [];
  const total = await removeInBatches(async (limit) => {
    asked.push(limit);
    return answers.shift() ?? 0;
  }, 1000);
  expect(total).toBe(2000);
  expect(asked).toEqual([1000, 1000, 1000]);
});
