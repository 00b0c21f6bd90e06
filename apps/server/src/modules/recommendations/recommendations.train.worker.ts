import { parentPort, workerData } from 'node:worker_threads';
import { serializeModel, trainEase } from './model/ease';
import { buildMatrix } from './model/weights';
import type { TrainInput, TrainOutput } from './recommendations.train';

/**
 * Training in a worker thread (#17): the matrix, EASE's inverse and the serialisation run here, so the server's event
 * loop keeps answering requests meanwhile. Gets plain rows (instants as ISO strings), answers the model's bytes.
 */
const input = workerData as TrainInput;
try {
  const started = performance.now();
  const rows = input.rows.map((r) => ({ ...r, ts: new Date(r.ts) }));
  const matrix = buildMatrix(rows);
  const model = trainEase(matrix, { lambda: input.lambda, version: input.version, trainedAt: new Date(input.trainedAt) });
  const bytes = serializeModel(model);
  const out: TrainOutput = {
    ok: true,
    bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    metrics: { ...model.metrics, trainMs: Math.round(performance.now() - started) },
    tutors: matrix.tutorIds.length,
    students: matrix.studentIds.length,
  };
  parentPort?.postMessage(out);
} catch (err) {
  const out: TrainOutput = { ok: false, error: err instanceof Error ? err.message : String(err) };
  parentPort?.postMessage(out);
}
