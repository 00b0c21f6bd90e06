/**
 * Tutor recommendations, offline (#17): does EASE find the tutors students newly choose better than the baselines?
 *
 * Data: the seeded generator (apps/server/src/modules/recommendations/model/generate.ts) at BENCH_STUDENTS (30,000)
 * students, BENCH_TUTORS (1,000) tutors and about BENCH_INTERACTIONS (400,000) interactions over BENCH_DAYS (180)
 * days, seed BENCH_SEED (1); or RECS_DATA=<file.csv> (student_id,tutor_id,subject,ts,kind,value), whose refused rows
 * are counted and the first few printed.
 *
 * Protocol: a time split, test = the last 20% of rows by time. λ is chosen on a validation split inside the training
 * rows (their last 20%), never on the test rows; the model is then retrained on all training rows. Every recommender
 * ranks all the tutors it knows (no sampled negatives). Headline: NDCG@10 on tutors a student NEWLY chose after the
 * cut-off (the student's known tutors are excluded from every list); repeat bookings are reported apart. Baselines in
 * the same run: global popularity, popularity within the student's subjects, and the tutor they used most (which, on
 * new tutors, falls back to popularity within subjects).
 *
 * Headline ratio = EASE NDCG@10 / best baseline NDCG@10 (new tutors), better 'higher', target 1.3. Also: training
 * time (matrix + EASE at the chosen λ), model memory (B and the stored file), and the serving p99 while training,
 * measured through the real server route by measureServingUnderTraining() (bench/recs-serving.ts), target ≤ 1.5.
 *
 * Knobs: RECS_DATA, BENCH_STUDENTS, BENCH_TUTORS, BENCH_INTERACTIONS, BENCH_DAYS, BENCH_SEED, RECS_LAMBDAS
 * (comma-separated, default 250,1000,4000,16000), BENCH_TIMEOUT_S (600).
 */
import fs from 'node:fs';
import { buildMatrix } from '../apps/server/src/modules/recommendations/model/weights';
import { serializeModel, trainEase, type EaseModel } from '../apps/server/src/modules/recommendations/model/ease';
import { parseInteractionsCsv } from '../apps/server/src/modules/recommendations/model/csv';
import { generateInteractions } from '../apps/server/src/modules/recommendations/model/generate';
import type { Interaction } from '../apps/server/src/modules/recommendations/model/interactions';
import {
  cutoffAt,
  easeRecommender,
  evaluate,
  globalPopularityRecommender,
  mostUsedTutorRecommender,
  type RankingMetrics,
  splitByTime,
  subjectPopularityRecommender,
  tuneLambda,
} from '../apps/server/src/modules/recommendations/model/evaluate';
import { envInt, machineInfo, monoMs, ratio, report, round, runBench } from './lib';
import { measureServingUnderTraining } from './recs-serving';

const NAME = 'recs';
const TARGET = 1.3;
const SERVING_TARGET = 1.5;

function loadRows(): { rows: Interaction[]; source: string; refused: number } {
  const file = process.env.RECS_DATA;
  if (file) {
    const { rows, refused } = parseInteractionsCsv(fs.readFileSync(file, 'utf8'));
    for (const r of refused.slice(0, 5)) console.log(`refused line ${r.line}: ${r.reason}`);
    if (refused.length > 5) console.log(`… and ${refused.length - 5} more refused rows`);
    return { rows: rows.sort((a, b) => a.ts.getTime() - b.ts.getTime()), source: `csv:${file}`, refused: refused.length };
  }
  const opts = {
    seed: envInt('BENCH_SEED', 1),
    students: envInt('BENCH_STUDENTS', 30_000),
    tutors: envInt('BENCH_TUTORS', 1_000),
    interactions: envInt('BENCH_INTERACTIONS', 400_000),
    start: new Date(Date.UTC(2026, 0, 1)),
    days: envInt('BENCH_DAYS', 180),
  };
  const { rows } = generateInteractions(opts);
  return { rows, source: `generator(seed ${opts.seed}, ${opts.students} students, ${opts.tutors} tutors, ${opts.interactions} interactions, ${opts.days} days)`, refused: 0 };
}

const fit = (rows: Interaction[], lambda: number, trainedAt: Date): EaseModel => trainEase(buildMatrix(rows), { lambda, version: `bench-${lambda}`, trainedAt });

const figures = (m: RankingMetrics) => ({ students: m.students, recall10: round(m.recall10, 4), ndcg10: round(m.ndcg10, 4), hit10: round(m.hit10, 4), coverage: round(m.coverage, 4), top10share: round(m.top10share, 4) });

async function main() {
  const machine = machineInfo();
  let t = monoMs();
  const { rows, source, refused } = loadRows();
  const loadMs = monoMs() - t;
  if (rows.length === 0) throw new Error('no interactions to evaluate');
  console.log(`data: ${source}: ${rows.length} rows (${refused} refused) in ${round(loadMs / 1000, 1)} s`);

  const cutoff = cutoffAt(rows, 0.8);
  const { train, test } = splitByTime(rows, cutoff);
  const trainedAt = cutoff;
  const lambdas = (process.env.RECS_LAMBDAS ?? '250,1000,4000,16000').split(',').map(Number).filter((x) => x > 0);
  t = monoMs();
  const tuned = tuneLambda(train, cutoffAt(train, 0.8), lambdas, (r, lambda) => fit(r, lambda, trainedAt));
  const tuneMs = monoMs() - t;
  console.log(`λ chosen on validation: ${tuned.lambda} (${tuned.tried.map((x) => `${x.lambda}: ${round(x.ndcg10, 4)}`).join(', ')}) in ${round(tuneMs / 1000, 1)} s`);

  t = monoMs();
  const matrix = buildMatrix(train);
  const matrixMs = monoMs() - t;
  t = monoMs();
  const model = trainEase(matrix, { lambda: tuned.lambda, version: 'bench', trainedAt });
  const easeMs = monoMs() - t;
  const stored = serializeModel(model);
  const n = model.tutorIds.length;
  console.log(`training: ${matrix.X.nRows} students x ${n} tutors, ${matrix.X.values.length} non-zeros; matrix ${round(matrixMs)} ms, EASE ${round(easeMs)} ms; B ${round(model.B.byteLength / 2 ** 20, 2)} MiB, file ${round(stored.length / 2 ** 20, 2)} MiB`);

  t = monoMs();
  const e = evaluate({
    train,
    test,
    recommenders: {
      ease: easeRecommender(model),
      globalPopularity: globalPopularityRecommender(train),
      subjectPopularity: subjectPopularityRecommender(train),
      mostUsedTutor: mostUsedTutorRecommender(train),
    },
  });
  const evalMs = monoMs() - t;
  const baselines = ['globalPopularity', 'subjectPopularity', 'mostUsedTutor'] as const;
  const best = baselines.reduce((a, b) => (e.newTutors[b]!.ndcg10 > e.newTutors[a]!.ndcg10 ? b : a));
  const headline = ratio(e.newTutors.ease!.ndcg10, e.newTutors[best]!.ndcg10);
  for (const [label, part] of [['new tutors', e.newTutors], ['repeat tutors', e.repeatTutors]] as const) {
    console.log(`${label}:`);
    for (const [name, m] of Object.entries(part))
      console.log(`  ${name.padEnd(18)} students ${m.students}  Recall@10 ${m.recall10.toFixed(4)}  NDCG@10 ${m.ndcg10.toFixed(4)}  Hit@10 ${m.hit10.toFixed(4)}  coverage ${m.coverage.toFixed(3)}  top-10% share ${m.top10share.toFixed(3)}`);
  }
  console.log(`split: ${JSON.stringify(e.split)}; evaluation ${round(evalMs / 1000, 1)} s`);
  console.log(`ratio EASE NDCG@10 / best baseline (${best}) = ${headline} (target ${TARGET}, higher is better)`);
  const serving = await measureServingUnderTraining();
  if (!serving.measured) console.log(`serving p99 under training: not measured (${serving.reason})`);
  else console.log(`serving p99 under training ${round(serving.trainingP99Ms)} ms / idle ${round(serving.idleP99Ms)} ms = ${round(serving.p99RatioTrainingOverIdle, 3)} over ${serving.trainingRuns} training runs (target ≤ ${SERVING_TARGET})`);
  const servingOk = serving.measured && Number.isFinite(serving.p99RatioTrainingOverIdle) && serving.p99RatioTrainingOverIdle <= SERVING_TARGET;

  report({
    bench: NAME,
    ratio: headline,
    better: 'higher',
    target: TARGET,
    // Fails closed: the model and the best baseline must both have been scored on a real set of students.
    // and serving must have been measured under training, within its target.
    ok: Number.isFinite(headline) && headline >= TARGET && e.newTutors.ease!.students > 0 && e.newTutors[best]!.ndcg10 > 0 && servingOk,
    source,
    rows: rows.length,
    refusedRows: refused,
    split: e.split,
    lambda: tuned.lambda,
    lambdaValidation: tuned.tried.map((x) => ({ lambda: x.lambda, ndcg10: round(x.ndcg10, 4) })),
    bestBaseline: best,
    newTutors: Object.fromEntries(Object.entries(e.newTutors).map(([k, m]) => [k, figures(m)])),
    repeatTutors: Object.fromEntries(Object.entries(e.repeatTutors).map(([k, m]) => [k, figures(m)])),
    tutors: n,
    trainStudents: matrix.X.nRows,
    trainingMs: round(matrixMs + easeMs),
    matrixMs: round(matrixMs),
    easeMs: round(easeMs),
    modelBytes: model.B.byteLength,
    modelFileBytes: stored.length,
    tuneMs: round(tuneMs),
    evalMs: round(evalMs),
    servingP99Ratio: serving.measured ? round(serving.p99RatioTrainingOverIdle, 3) : null,
    servingP99Target: SERVING_TARGET,
    servingP99Ok: servingOk,
    servingIdleP99Ms: serving.measured ? round(serving.idleP99Ms) : null,
    servingTrainingP99Ms: serving.measured ? round(serving.trainingP99Ms) : null,
    servingNote: serving.measured ? `measured over ${serving.trainingRuns} training runs` : serving.reason,
    machine,
  });
}

await runBench(NAME, main);
