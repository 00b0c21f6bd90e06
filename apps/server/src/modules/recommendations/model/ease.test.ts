import { describe, expect, it } from 'vitest';
import type { SparseRows } from './interactions';
import { contributions, deserializeModel, type EaseModel, invertSpd, ModelFormatError, NotPositiveDefiniteError, scoreStudent, serializeModel, trainEase } from './ease';

/** A dense 0/1 matrix as SparseRows. */
function sparse(dense: number[][]): SparseRows {
  const rowPtr = [0];
  const colIdx: number[] = [];
  const values: number[] = [];
  for (const row of dense) {
    row.forEach((v, j) => {
      if (v !== 0) {
        colIdx.push(j);
        values.push(v);
      }
    });
    rowPtr.push(colIdx.length);
  }
  return { nRows: dense.length, nCols: dense[0]!.length, rowPtr: Int32Array.from(rowPtr), colIdx: Int32Array.from(colIdx), values: Float64Array.from(values) };
}

const trainedAt = new Date(Date.UTC(2026, 11, 6, 21, 0));
const train = (dense: number[][], lambda = 1) => trainEase({ tutorIds: dense[0]!.map((_, j) => `t${j}`), X: sparse(dense) }, { lambda, version: 'v1', trainedAt });
const entries = (m: EaseModel) => [...m.B];

describe('trainEase', () => {
  it('matches the hand-computed answer on a 3 x 3 case', () => {
    // X = [[1,1,0],[1,0,0],[0,0,1]], G = XᵀX = [[2,1,0],[1,1,0],[0,0,1]], λ = 1: A = [[3,1,0],[1,2,0],[0,0,2]].
    // A⁻¹ = [[2/5,-1/5,0],[-1/5,3/5,0],[0,0,1/2]]; B_ij = -P_ij / P_jj: B01 = (1/5)/(3/5) = 1/3, B10 = (1/5)/(2/5) = 1/2.
    const m = train([
      [1, 1, 0],
      [1, 0, 0],
      [0, 0, 1],
    ]);
    const expected = [0, 1 / 3, 0, 1 / 2, 0, 0, 0, 0, 0];
    entries(m).forEach((v, k) => expect(v).toBeCloseTo(expected[k]!, 12));
    expect(m).toMatchObject({ version: 'v1', lambda: 1, tutorIds: ['t0', 't1', 't2'], trainedAt: '2026-12-06T21:00:00.000Z' });
  });

  it('matches the closed form on a symmetric case: A = 2I + J, A⁻¹ = I/2 - J/10, every B_ij = 0.25', () => {
    const m = train([
      [1, 1, 0],
      [0, 1, 1],
      [1, 0, 1],
    ]);
    entries(m).forEach((v, k) => expect(v).toBeCloseTo(k % 4 === 0 ? 0 : 0.25, 12));
  });

  it('refuses a λ that is not positive, and a matrix that is not positive definite', () => {
    expect(() => train([[1]], 0)).toThrow(RangeError);
    expect(() => invertSpd(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(NotPositiveDefiniteError);
  });
});

describe('invertSpd', () => {
  it('inverts a larger random SPD matrix: A·A⁻¹ = I', () => {
    const n = 40;
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
    const M = Array.from({ length: n * n }, rnd);
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = i === j ? 1 : 0;
      for (let k = 0; k < n; k++) s += M[i * n + k]! * M[j * n + k]!;
      A[i * n + j] = s;
    }
    const P = invertSpd(A, n);
    let worst = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += A[i * n + k]! * P[k * n + j]!;
      worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
    }
    expect(worst).toBeLessThan(1e-9);
  });
});

describe('scoreStudent and contributions', () => {
  const m = train([
    [1, 1, 0],
    [1, 0, 0],
    [0, 0, 1],
  ]);

  it('scores every tutor as Σ w_i·B_ij over the history, ignoring tutors the model does not know', () => {
    const s = scoreStudent(m, new Map([['t0', 2], ['gone', 5]]));
    expect([...s].map((v) => Number(v.toFixed(12)))).toEqual([0, Number((2 / 3).toFixed(12)), 0]);
    expect([...scoreStudent(m, new Map())]).toEqual([0, 0, 0]);
  });

  it('explains a score by the history tutors with the largest positive terms, as shares', () => {
    const sym = train([
      [1, 1, 0, 0],
      [0, 1, 1, 0],
      [1, 0, 1, 0],
      [1, 1, 1, 1],
    ]);
    const c = contributions(sym, new Map([['t0', 3], ['t1', 1], ['t2', -1]]), 't3', 5);
    expect(c.map((x) => x.tutorId)).toEqual(['t0', 't1']);
    expect(c[0]!.share).toBeCloseTo(0.75, 12);
    expect(c[1]!.share).toBeCloseTo(0.25, 12);
    expect(contributions(sym, new Map([['t0', 3], ['t1', 1]]), 't3', 1)).toHaveLength(1);
    expect(contributions(sym, new Map([['t0', 3]]), 'unknown', 3)).toEqual([]);
    expect(contributions(sym, new Map([['t3', 3]]), 't3', 3)).toEqual([]);
  });
});

describe('serializeModel / deserializeModel', () => {
  const m = { ...train([
    [1, 1, 0],
    [1, 0, 0],
    [0, 0, 1],
  ]), metrics: { ndcg10: 0.25, broken: Number.NaN } };

  it('round-trips the model exactly (non-finite metrics dropped)', () => {
    const back = deserializeModel(serializeModel(m));
    expect(back).toEqual({ ...m, metrics: { ndcg10: 0.25 } });
    expect(back.B).toBeInstanceOf(Float64Array);
  });

  it('refuses a flipped byte, a truncated file, a foreign file and an empty one with a typed error', () => {
    const good = serializeModel(m);
    const problem = (b: Buffer) => {
      try {
        deserializeModel(b);
      } catch (e) {
        expect(e).toBeInstanceOf(ModelFormatError);
        return (e as ModelFormatError).problem;
      }
      return 'accepted';
    };
    const flipped = Buffer.from(good);
    flipped[flipped.length - 20]! ^= 0x01;
    expect(problem(flipped)).toBe('checksum');
    expect(problem(good.subarray(0, good.length - 9))).toBe('checksum');
    expect(problem(Buffer.from('{"version":"v1","tutorIds":[]}'))).toBe('not_a_model');
    expect(problem(Buffer.alloc(0))).toBe('too_short');
  });
});
