/**
 * Claim throughput on PGlite against PostgreSQL, same run, same workload: POST /api/help/questions/:id/accept (the
 * help module's claim: the single conditional UPDATE, the tutoring session, the events and outbox rows) on two copies
 * of the real app (bench/app-server.ts, each in its own process): one on PGlite in a temporary data folder (the
 * embedded default, BENCH_DB=pglite), one on a fresh PostgreSQL database next to DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres, with the app's default pool). Both are removed afterwards.
 *
 * Fixtures (bench/help-fixtures.ts) are written into each database before its app opens it: approved maths tutors
 * with log-in sessions, 50 students, and open questions each offered to the one tutor who will accept it. Every tutor
 * accepts exactly once in the whole run, so no tutor is ever busy in a live session.
 * Workload of a round: BENCH_ACCEPTS (300) uncontended accepts, BENCH_CONCURRENCY (20) in flight at a time over
 * keep-alive sockets opened beforehand; throughput = accepts / wall time from the first request to the last answer.
 * A warm-up of 100 accepts per backend, then BENCH_ROUNDS (3) rounds, alternating which backend goes first; each
 * backend's figure is its median over rounds.
 * Headline: the median over rounds of (accepts/s on PGlite / accepts/s on PostgreSQL) within the same round, higher is
 * better, target ≥ 0.3: the two halves of a round run back to back and see the same machine load, which on this shared
 * machine moves a backend's own rate by 1.5× between rounds (the ratio of the two medians is reported too). ok also needs every accept
 * answered 200 and, in each database afterwards, one tutoring session and a claimed row for every question.
 *
 * Knobs: BENCH_ACCEPTS (300), BENCH_CONCURRENCY (20), BENCH_ROUNDS (3), BENCH_TIMEOUT_S (600).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { type Database, openDatabase } from '../apps/server/src/platform/db';
import { schema } from '../apps/server/test/schema';
import { createPostgresDatabase } from '../apps/server/test/db';
import { insertOpenQuestions, offerQuestions, type Person, seedCatalogue, seedStudents, seedTutors } from './help-fixtures';
import { type ChildServer, envInt, latencies, type Latencies, machineInfo, median, onCleanup, ratio, report, round, runBench, startChildServer } from './lib';

const NAME = 'pglite-claim';
const TARGET = 0.3;
const WARM = 100;

type Backend = 'pglite' | 'postgres';
interface Accept {
  questionId: string;
  cookie: string;
}
interface Fixtures {
  warm: Accept[];
  rounds: Accept[][];
  questionIds: string[];
}
interface RoundFigures {
  acceptsPerS: number;
  wallMs: number;
  lat: Latencies;
  counts: Record<string, number>;
}

/** Tutors, students and questions for one backend: question i offered to tutor i, who alone accepts it. */
async function seed(database: Database, perRound: number, rounds: number): Promise<Fixtures> {
  const db = database.db;
  const total = WARM + perRound * rounds;
  await seedCatalogue(db);
  const tutors: Person[] = await seedTutors(db, total);
  const students = await seedStudents(db, 50);
  const questionIds = await insertOpenQuestions(db, students, total);
  await offerQuestions(db, questionIds.map((questionId, i) => ({ questionId, tutorId: tutors[i]!.id })));
  const accepts = questionIds.map((questionId, i) => ({ questionId, cookie: tutors[i]!.cookie }));
  return {
    warm: accepts.slice(0, WARM),
    rounds: Array.from({ length: rounds }, (_, r) => accepts.slice(WARM + r * perRound, WARM + (r + 1) * perRound)),
    questionIds,
  };
}

/** Claimed questions and tutoring sessions among `questionIds`, read from the database after the run. */
async function claimedInDb(database: Database, questionIds: string[]) {
  const { questions, tutoringSessions } = schema;
  let claimed = 0;
  let sessions = 0;
  for (let i = 0; i < questionIds.length; i += 500) {
    const ids = questionIds.slice(i, i + 500);
    const [q] = await database.db.select({ n: sql<number>`count(*)::int` }).from(questions).where(and(inArray(questions.id, ids), eq(questions.status, 'claimed')));
    const [s] = await database.db.select({ n: sql<number>`count(*)::int` }).from(tutoringSessions).where(inArray(tutoringSessions.questionId, ids));
    claimed += q!.n;
    sessions += s!.n;
  }
  return { claimed, sessions };
}

function client(app: ChildServer, concurrency: number) {
  const base = new URL(app.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  onCleanup(() => agent.destroy());
  const send = (method: string, pathname: string, cookie?: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const headers: Record<string, string> = { 'content-length': '0', ...(cookie ? { cookie } : {}) };
      const req = http.request({ agent, host: base.hostname, port: base.port, method, path: pathname, headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      });
      req.setTimeout(60_000, () => req.destroy(new Error('timeout after 60 s')));
      req.on('error', reject);
      req.end();
    });

  /** `accepts` with `concurrency` in flight at a time; the sockets are opened first so no round pays for them. */
  return async (accepts: Accept[]): Promise<RoundFigures & { failures: string[] }> => {
    await Promise.all(Array.from({ length: concurrency }, () => send('GET', '/healthz')));
    const ms: number[] = [];
    const counts: Record<string, number> = {};
    const failures: string[] = [];
    let next = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < accepts.length) {
          const a = accepts[next++]!;
          const s = performance.now();
          const r = await send('POST', `/api/help/questions/${a.questionId}/accept`, a.cookie).catch((err: Error) => ({ status: 0, body: err.message }));
          ms.push(performance.now() - s);
          counts[r.status || 'error'] = (counts[r.status || 'error'] ?? 0) + 1;
          if (r.status !== 200 && failures.length < 5) failures.push(`${r.status || 'error'} ${r.body.slice(0, 160)}`);
        }
      }),
    );
    const wallMs = performance.now() - start;
    return { acceptsPerS: round((accepts.length * 1000) / wallMs, 1), wallMs: round(wallMs, 1), lat: latencies(ms), counts, failures };
  };
}

async function main() {
  const machine = machineInfo();
  const perRound = envInt('BENCH_ACCEPTS', 300);
  const concurrency = envInt('BENCH_CONCURRENCY', 20);
  const rounds = envInt('BENCH_ROUNDS', 3);
  console.log(`pglite-claim: ${machine.cpus} × ${machine.cpuModel}, ${machine.node}, load ${machine.loadAvg.join(' ')}; both apps, this client and PostgreSQL share the CPUs.`);

  process.env.DATABASE_URL ||= 'postgres://postgres@127.0.0.1:5432/postgres';
  const pgdb = await createPostgresDatabase();
  onCleanup(() => pgdb.drop());
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-bench-pglite-claim-'));
  onCleanup(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  let t0 = performance.now();
  const pgDatabase = await openDatabase({ kind: 'postgres', url: pgdb.url, poolMax: 4 });
  onCleanup(() => pgDatabase.close());
  const fixtures: Record<Backend, Fixtures> = { postgres: await seed(pgDatabase, perRound, rounds), pglite: undefined as unknown as Fixtures };
  // PGlite has one owner at a time (a lock file): seed it, close it, then let its app open it.
  let lite = await openDatabase({ kind: 'pglite', dataDir });
  fixtures.pglite = await seed(lite, perRound, rounds);
  await lite.close();
  console.log(`seeded ${WARM + perRound * rounds} tutors and as many offered questions into each database in ${Math.round(performance.now() - t0)} ms`);

  const apps: Record<Backend, ChildServer> = {
    postgres: await startChildServer('app-postgres', 'app-server.ts', { startTimeoutMs: 180_000, env: { BENCH_DB: 'postgres', BENCH_DATABASE_URL: pgdb.url } }),
    pglite: await startChildServer('app-pglite', 'app-server.ts', { startTimeoutMs: 180_000, env: { BENCH_DB: 'pglite', BENCH_DATA_DIR: dataDir } }),
  };
  const fire: Record<Backend, ReturnType<typeof client>> = { postgres: client(apps.postgres, concurrency), pglite: client(apps.pglite, concurrency) };

  const figures: Record<Backend, RoundFigures[]> = { postgres: [], pglite: [] };
  const failures: string[] = [];
  const one = async (backend: Backend, label: string, accepts: Accept[]) => {
    const f = await fire[backend](accepts);
    failures.push(...f.failures.map((x) => `${backend} ${label}: ${x}`));
    console.log(
      `${`${backend} ${label}`.padEnd(22)} ${String(accepts.length).padStart(5)} accepts in ${String(Math.round(f.wallMs)).padStart(6)} ms  ${String(f.acceptsPerS).padStart(7)}/s  p50 ${f.lat.p50Ms.toFixed(1).padStart(6)} ms  p99 ${f.lat.p99Ms.toFixed(1).padStart(7)} ms  ${JSON.stringify(f.counts)}`,
    );
    const { failures: _, ...rest } = f;
    return rest;
  };
  await one('postgres', 'warm-up', fixtures.postgres.warm);
  await one('pglite', 'warm-up', fixtures.pglite.warm);
  for (let r = 0; r < rounds; r++) {
    const order: Backend[] = r % 2 === 0 ? ['postgres', 'pglite'] : ['pglite', 'postgres'];
    for (const b of order) figures[b].push(await one(b, `#${r + 1}`, fixtures[b].rounds[r]!));
  }
  await apps.pglite.stop();
  await apps.postgres.stop();

  // Every accept must have claimed its question, once, in each database.
  t0 = performance.now();
  const expected = WARM + perRound * rounds;
  const inPg = await claimedInDb(pgDatabase, fixtures.postgres.questionIds);
  lite = await openDatabase({ kind: 'pglite', dataDir });
  const inLite = await claimedInDb(lite, fixtures.pglite.questionIds);
  await lite.close();
  const dbChecks = inPg.claimed === expected && inPg.sessions === expected && inLite.claimed === expected && inLite.sessions === expected;
  console.log(`in the databases: postgres ${inPg.claimed} claimed / ${inPg.sessions} sessions, pglite ${inLite.claimed} claimed / ${inLite.sessions} sessions (expected ${expected} each)`);

  const med = (b: Backend) => median(figures[b].map((f) => f.acceptsPerS));
  const pgRate = med('postgres');
  const liteRate = med('pglite');
  const perRoundRatios = figures.pglite.map((f, r) => ratio(f.acceptsPerS, figures.postgres[r]!.acceptsPerS));
  // A NaN round (a broken measurement) sorts to the end and is never skipped: it shows in perRoundRatios.
  const headline = perRoundRatios.some((x) => Number.isNaN(x)) ? Number.NaN : round(median(perRoundRatios), 3);
  const ratioOfMedians = ratio(liteRate, pgRate);
  const all200 = failures.length === 0;
  console.log(`\nmedian of ${rounds} rounds: postgres ${pgRate} accepts/s, pglite ${liteRate} accepts/s; per-round ratios ${perRoundRatios.join(', ')}; ratio of the medians ${ratioOfMedians}`);
  console.log(`headline: median per-round pglite / postgres = ${headline} (target ≥ ${TARGET}); every accept 200: ${all200 ? 'yes' : 'NO'}; database checks ${dbChecks ? 'held' : 'FAILED'}`);
  for (const f of failures.slice(0, 10)) console.log(`    PROBLEM: ${f}`);

  const fig = (f: RoundFigures) => ({ acceptsPerS: f.acceptsPerS, wallMs: f.wallMs, p50Ms: f.lat.p50Ms, p99Ms: f.lat.p99Ms, counts: f.counts });
  report({
    bench: NAME,
    ratio: headline,
    better: 'higher',
    target: TARGET,
    ok: all200 && dbChecks,
    every200: all200,
    dbChecks,
    pgliteAcceptsPerS: liteRate,
    postgresAcceptsPerS: pgRate,
    perRoundRatios,
    ratioOfMedians,
    pglite: figures.pglite.map(fig),
    postgres: figures.postgres.map(fig),
    inDatabase: { pglite: inLite, postgres: inPg, expected },
    acceptsPerRound: perRound,
    concurrency,
    rounds,
    problems: failures.slice(0, 10),
    machine,
  });
}

await runBench(NAME, main);
