import fs from 'node:fs';
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { serializeModel, trainEase } from './model/ease';
import { buildMatrix } from './model/weights';
import type { TrainInput, TrainOutput } from './recommendations.train';

/**
 * Training in a worker thread (#17): the matrix, EASE's inverse and the serialisation run here, so the server's event
 * loop keeps answering requests meanwhile. Gets plain rows (instants as ISO strings), answers the model's bytes.
 */
const input = workerData as TrainInput;

/**
 * Training must not take CPU from the requests the server is answering (#17: serving p99 while training ≤ 1.5 × idle).
 * On Linux a thread has its own nice value: this thread (found through /proc/thread-self) asks for the lowest priority,
 * so on a busy machine the event loop's thread runs first and the model simply takes longer. Elsewhere, or if /proc is
 * not there, it trains at the normal priority. Returns the nice value the thread runs at, or null when unknown.
 */
function lowerThisThreadsPriority(): number | null {
  try {
    const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return null;
    os.setPriority(tid, os.constants.priority.PRIORITY_LOW);
    return os.getPriority(tid);
  } catch {
    return null;
  }
}

const nice = lowerThisThreadsPriority();
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
    nice,
    tutors: matrix.tutorIds.length,
    students: matrix.studentIds.length,
  };
  parentPort?.postMessage(out);
} catch (err) {
  const out: TrainOutput = { ok: false, error: err instanceof Error ? err.message : String(err) };
  parentPort?.postMessage(out);
}
