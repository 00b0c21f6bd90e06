/**
 * EASE (Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", WWW 2019): a closed-form item-item model.
 * B = I - P·diag(1/diag(P)) with P = (XᵀX + λI)⁻¹, i.e. B_ij = -P_ij / P_jj off the diagonal and 0 on it.
 * A student's score for tutor j is Σ_i x_i·B_ij over the tutors i in their history. Decision 051: the inverse is a
 * Cholesky factorisation on Float64Array (ml-matrix's inverse was measured several times slower at 1,000 tutors).
 * Pure: no clock, no I/O.
 */
import type { SparseRows } from './interactions';

export interface EaseModel {
  version: string;
  tutorIds: string[];
  lambda: number;
  /** n x n, row-major, diagonal 0: B[i*n + j] is how much tutor i in a history speaks for tutor j. */
  B: Float64Array;
  trainedAt: string;
  metrics: Record<string, number>;
}

/** The Gram matrix XᵀX (n x n, row-major) of a sparse students x tutors matrix. */
export function gram(X: SparseRows): Float64Array {
  const n = X.nCols;
  const G = new Float64Array(n * n);
  for (let r = 0; r < X.nRows; r++) {
    const from = X.rowPtr[r]!;
    const to = X.rowPtr[r + 1]!;
    for (let p = from; p < to; p++) {
      const a = X.colIdx[p]!;
      const va = X.values[p]!;
      const base = a * n;
      for (let q = from; q < to; q++) {
        const at = base + X.colIdx[q]!;
        G[at] = G[at]! + va * X.values[q]!;
      }
    }
  }
  return G;
}

export class NotPositiveDefiniteError extends Error {
  constructor(readonly column: number) {
    super(`matrix is not positive definite (pivot ${column})`);
    this.name = 'NotPositiveDefiniteError';
  }
}

/**
 * The inverse of a symmetric positive-definite n x n matrix (row-major), by Cholesky A = LLᵀ, then W = L⁻ᵀ and
 * A⁻¹ = W·Wᵀ. Every inner loop walks contiguous rows, which is what makes it fast in a typed array.
 */
export function invertSpd(A: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = A[ri + j]!;
      for (let k = 0; k < j; k++) s -= L[ri + k]! * L[rj + k]!;
      if (i === j) {
        if (!(s > 0)) throw new NotPositiveDefiniteError(i);
        L[ri + i] = Math.sqrt(s);
      } else {
        L[ri + j] = s / L[rj + j]!;
      }
    }
  }
  // W = (L⁻¹)ᵀ, upper triangular: W[j][i] = (L⁻¹)[i][j], so row j of W is column j of L⁻¹.
  const W = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    const lii = L[ri + i]!;
    W[ri + i] = 1 / lii;
    for (let j = 0; j < i; j++) {
      const rj = j * n;
      let s = 0;
      for (let k = j; k < i; k++) s += L[ri + k]! * W[rj + k]!;
      W[rj + i] = -s / lii;
    }
  }
  // A⁻¹ = L⁻ᵀ L⁻¹: (A⁻¹)[a][b] = Σ_k (L⁻¹)[k][a]·(L⁻¹)[k][b] = Σ_{k ≥ max(a,b)} W[a][k]·W[b][k].
  const P = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    const ra = a * n;
    for (let b = a; b < n; b++) {
      const rb = b * n;
      let s = 0;
      for (let k = b; k < n; k++) s += W[ra + k]! * W[rb + k]!;
      P[ra + b] = s;
      P[rb + a] = s;
    }
  }
  return P;
}

/** Trains EASE on a matrix from buildMatrix. λ > 0 keeps XᵀX + λI positive definite. */
export function trainEase(m: { tutorIds: string[]; X: SparseRows }, opts: { lambda: number; version: string; trainedAt: Date }): EaseModel {
  if (!(opts.lambda > 0)) throw new RangeError(`lambda must be positive, got ${opts.lambda}`);
  const n = m.tutorIds.length;
  if (m.X.nCols !== n) throw new RangeError(`matrix has ${m.X.nCols} columns for ${n} tutors`);
  const G = gram(m.X);
  for (let i = 0; i < n; i++) G[i * n + i] = G[i * n + i]! + opts.lambda;
  const P = invertSpd(G, n);
  const B = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j < n; j++) if (i !== j) B[ri + j] = -P[ri + j]! / P[j * n + j]!;
  }
  return { version: opts.version, tutorIds: [...m.tutorIds], lambda: opts.lambda, B, trainedAt: opts.trainedAt.toISOString(), metrics: {} };
}

/** Index of each tutor id in model.tutorIds (cached per model, since serving asks for it on every request). */
const indexes = new WeakMap<EaseModel, Map<string, number>>();
export function tutorIndex(model: EaseModel): Map<string, number> {
  let index = indexes.get(model);
  if (!index) indexes.set(model, (index = new Map(model.tutorIds.map((id, i) => [id, i]))));
  return index;
}

/**
 * Scores every tutor of the model (aligned with model.tutorIds) for a history of tutorId -> weight (the summed,
 * clipped weights of weights.ts). Tutors the model does not know are ignored; an empty history scores all 0.
 */
export function scoreStudent(model: EaseModel, history: Map<string, number>): Float64Array {
  const n = model.tutorIds.length;
  const index = tutorIndex(model);
  const s = new Float64Array(n);
  for (const [tutorId, w] of history) {
    const i = index.get(tutorId);
    if (i === undefined || w === 0) continue;
    const ri = i * n;
    for (let j = 0; j < n; j++) s[j] = s[j]! + w * model.B[ri + j]!;
  }
  return s;
}

/**
 * Why tutorId scored: the history tutors with the largest positive terms w_i·B_ij of its score, each with its share
 * of the positive total (for "because you had sessions with Asha and Ravi"). At most `top`, largest first.
 */
export function contributions(model: EaseModel, history: Map<string, number>, tutorId: string, top: number): Array<{ tutorId: string; share: number }> {
  const index = tutorIndex(model);
  const j = index.get(tutorId);
  if (j === undefined || top <= 0) return [];
  const n = model.tutorIds.length;
  const terms: Array<{ tutorId: string; c: number }> = [];
  for (const [id, w] of history) {
    const i = index.get(id);
    if (i === undefined || i === j) continue;
    const c = w * model.B[i * n + j]!;
    if (c > 0) terms.push({ tutorId: id, c });
  }
  const total = terms.reduce((a, t) => a + t.c, 0);
  return terms
    .sort((a, b) => b.c - a.c || (a.tutorId < b.tutorId ? -1 : 1))
    .slice(0, top)
    .map((t) => ({ tutorId: t.tutorId, share: t.c / total }));
}

// ---------------------------------------------------------------- the stored form

export type ModelFormatProblem = 'too_short' | 'not_a_model' | 'checksum' | 'header' | 'shape';

/** A model file that cannot be used: the caller falls back to cold start and logs `problem`. */
export class ModelFormatError extends Error {
  constructor(readonly problem: ModelFormatProblem, detail: string) {
    super(`recommendation model unreadable (${problem}): ${detail}`);
    this.name = 'ModelFormatError';
  }
}

const MAGIC = Buffer.from('TLEASE01', 'latin1');

const crcTable = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE), as in zip and PNG. */
export function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < b.length; i++) c = crcTable[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * Layout: "TLEASE01", u32 header length, the header (JSON: version, tutorIds, lambda, trainedAt, metrics), zero
 * padding to a multiple of 8, B as little-endian float64, then a u32 CRC-32 of everything before it.
 */
export function serializeModel(m: EaseModel): Buffer {
  const n = m.tutorIds.length;
  if (m.B.length !== n * n) throw new RangeError(`B has ${m.B.length} entries for ${n} tutors`);
  const metrics = Object.fromEntries(Object.entries(m.metrics).filter(([, v]) => Number.isFinite(v)));
  const header = Buffer.from(JSON.stringify({ version: m.version, tutorIds: m.tutorIds, lambda: m.lambda, trainedAt: m.trainedAt, metrics }), 'utf8');
  const headerEnd = MAGIC.length + 4 + header.length;
  const bStart = Math.ceil(headerEnd / 8) * 8;
  const out = Buffer.alloc(bStart + n * n * 8 + 4);
  MAGIC.copy(out, 0);
  out.writeUInt32LE(header.length, MAGIC.length);
  header.copy(out, MAGIC.length + 4);
  const bBytes = new Uint8Array(m.B.buffer, m.B.byteOffset, m.B.byteLength);
  if (new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f) out.set(bBytes, bStart);
  else for (let k = 0; k < m.B.length; k++) out.writeDoubleLE(m.B[k]!, bStart + k * 8);
  out.writeUInt32LE(crc32(out.subarray(0, out.length - 4)), out.length - 4);
  return out;
}

/** Reads serializeModel's output back; throws ModelFormatError on anything short, foreign, corrupt or inconsistent. */
export function deserializeModel(b: Buffer): EaseModel {
  if (b.length < MAGIC.length + 8) throw new ModelFormatError('too_short', `${b.length} bytes`);
  if (!b.subarray(0, MAGIC.length).equals(MAGIC)) throw new ModelFormatError('not_a_model', 'wrong leading bytes');
  const stored = b.readUInt32LE(b.length - 4);
  const actual = crc32(b.subarray(0, b.length - 4));
  if (stored !== actual) throw new ModelFormatError('checksum', `stored ${stored.toString(16)}, computed ${actual.toString(16)}`);
  const headerLength = b.readUInt32LE(MAGIC.length);
  const headerEnd = MAGIC.length + 4 + headerLength;
  if (headerEnd > b.length - 4) throw new ModelFormatError('header', 'header runs past the end');
  let h: unknown;
  try {
    h = JSON.parse(b.subarray(MAGIC.length + 4, headerEnd).toString('utf8'));
  } catch {
    throw new ModelFormatError('header', 'header is not JSON');
  }
  const header = h as Partial<{ version: unknown; tutorIds: unknown; lambda: unknown; trainedAt: unknown; metrics: unknown }>;
  if (
    typeof header.version !== 'string' ||
    !Array.isArray(header.tutorIds) ||
    !header.tutorIds.every((t) => typeof t === 'string') ||
    typeof header.lambda !== 'number' ||
    typeof header.trainedAt !== 'string' ||
    typeof header.metrics !== 'object' ||
    header.metrics === null ||
    !Object.values(header.metrics).every((v) => typeof v === 'number')
  )
    throw new ModelFormatError('header', 'header fields missing or of the wrong type');
  const tutorIds = header.tutorIds as string[];
  const n = tutorIds.length;
  const bStart = Math.ceil(headerEnd / 8) * 8;
  if (b.length !== bStart + n * n * 8 + 4) throw new ModelFormatError('shape', `${b.length} bytes for ${n} tutors`);
  const B = new Float64Array(n * n);
  for (let k = 0; k < B.length; k++) B[k] = b.readDoubleLE(bStart + k * 8);
  return { version: header.version, tutorIds, lambda: header.lambda, B, trainedAt: header.trainedAt, metrics: header.metrics as Record<string, number> };
}
