/**
 * Atomic first-accept under contention: POST /api/help/questions/:id/accept on the real app (bench/app-server.ts,
 * its own process) against a fresh PostgreSQL database (next to DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres, dropped afterwards).
 *
 * Fixtures go straight into the database (bench/help-fixtures.ts): 1,000 approved maths/grade-9-10 tutors with
 * log-in sessions (cookie tl_session=<token>), 100 students, and open questions (no dispatch jobs), each offered to
 * the tutors who will accept it (a notification row per pair, as a wave writes: only an offered tutor may claim).
 * Requests come from this process over a keep-alive agent whose sockets are opened beforehand, one per request
 * in flight, so every burst is truly concurrent.
 *
 *   Baseline (uncontended): 1,000 accepts at once by 1,000 distinct tutors on 1,000 different questions.
 *   Scenario A (contended): 1,000 accepts at once by 1,000 distinct tutors on ONE question:
 *                           exactly 1 × 200, 999 × 409, no other answer.
 *   Scenario B:             100 questions × 50 tutors each, all 5,000 accepts at once (interleaved):
 *                           exactly one 200 per question, 4,900 × 409, and one tutoring session per question.
 * A warm-up (300 uncontended + 300 contended) comes first; then uncontended and contended alternate
 * BENCH_ROUNDS times (default 3: U A, A U, U A) and each figure is the median over the rounds.
 * Latency of a request: from just before it is handed to the agent until its response has been read.
 * Headline: p99 contended / p99 uncontended, lower is better, target ≤ 3; ok also needs every exactly-one check.
 *
 * Knobs: BENCH_TUTORS (1000), BENCH_ROUNDS (3), BENCH_B_QUESTIONS (100), BENCH_B_TUTORS (50),
 * BENCH_DB_POOL_MAX (the app's default), BENCH_CPU_PROF=<dir>, BENCH_TIMEOUT_S (600).
 */
import http from 'node:http';
import path from 'node:path';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { type Database, openDatabase } from '../apps/server/src/platform/db';
import { schema } from '../apps/server/test/schema';
import { createPostgresDatabase } from '../apps/server/test/db';
import { insertOpenQuestions, offerQuestions, seedCatalogue, seedStudents, seedTutors } from './help-fixtures';
import { backendPids, cpuWatch, envInt, type Latencies, latencies, machineInfo, median, onCleanup, ratio, report, round, runBench, seededRandom, startChildServer } from './lib';

const NAME = 'claim';
const TARGET = 3;

interface Accept {
  questionId: string;
  tutor: number;
}
interface Outcome extends Accept {
  status: number; // 0: transport error
  ms: number;
  body: string;
  error?: string;
}

/** A seeded shuffle (mulberry32), so runs are comparable. */
function shuffle<T>(items: T[], seed = 42): T[] {
  const rnd = seededRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

async function main() {
  const machine = machineInfo();
  const nTutors = envInt('BENCH_TUTORS', 1000);
  const rounds = envInt('BENCH_ROUNDS', 3);
  const bQuestions = envInt('BENCH_B_QUESTIONS', 100);
  const bTutors = Math.min(envInt('BENCH_B_TUTORS', 50), nTutors);
  const warm = Math.min(300, nTutors);
  const cpuProfDir = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : undefined;
  console.log(`claim: ${machine.cpus} × ${machine.cpuModel}, ${machine.node}, load ${machine.loadAvg.join(' ')}; this process (the client), the app and PostgreSQL share the CPUs.`);

  process.env.DATABASE_URL ||= 'postgres://postgres@127.0.0.1:5432/postgres';
  const pgdb = await createPostgresDatabase();
  onCleanup(() => pgdb.drop());
  const database: Database = await openDatabase({ kind: 'postgres', url: pgdb.url, poolMax: 4 });
  onCleanup(() => database.close());
  const db = database.db;
  const dbName = new URL(pgdb.url).pathname.slice(1);

  let t0 = performance.now();
  await seedCatalogue(db);
  const tutors = await seedTutors(db, nTutors);
  const students = await seedStudents(db, 100);
  const qWarmU = await insertOpenQuestions(db, students, warm);
  const [qWarmA] = await insertOpenQuestions(db, students, 1);
  const qU = await Promise.all(Array.from({ length: rounds }, () => insertOpenQuestions(db, students, nTutors)));
  const qA = await insertOpenQuestions(db, students, rounds);
  const qB = await insertOpenQuestions(db, students, bQuestions);
  console.log(`seeded ${nTutors} tutors, ${students.length} students, ${warm + 1 + rounds * (nTutors + 1) + bQuestions} open questions in ${Math.round(performance.now() - t0)} ms`);

  const uncontended = (qs: string[], n = nTutors): Accept[] => qs.slice(0, n).map((questionId, tutor) => ({ questionId, tutor }));
  const contended = (questionId: string, from = 0, n = nTutors): Accept[] => Array.from({ length: n }, (_, i) => ({ questionId, tutor: from + i }));
  // Scenario B: question j gets tutors (j*bTutors + k) mod nTutors, so each tutor accepts several questions; shuffled.
  const bAccepts = shuffle(qB.flatMap((questionId, j) => Array.from({ length: bTutors }, (_, k) => ({ questionId, tutor: (j * bTutors + k) % nTutors }))));
  const warmUAccepts = uncontended(qWarmU, warm);
  const warmAAccepts = contended(qWarmA!, nTutors - warm, warm);
  const roundAccepts = Array.from({ length: rounds }, (_, r) => ({ u: uncontended(qU[r]!), a: contended(qA[r]!) }));
  t0 = performance.now();
  const everyAccept = [...warmUAccepts, ...warmAAccepts, ...roundAccepts.flatMap((r) => [...r.u, ...r.a]), ...bAccepts];
  await offerQuestions(db, everyAccept.map((a) => ({ questionId: a.questionId, tutorId: tutors[a.tutor]!.id })));
  console.log(`offered them to the tutors who will accept (${everyAccept.length} notifications) in ${Math.round(performance.now() - t0)} ms`);

  const app = await startChildServer('app-postgres', 'app-server.ts', {
    env: { BENCH_DB: 'postgres', BENCH_DATABASE_URL: pgdb.url },
    cpuProfDir,
  });
  const poolMax = process.env.BENCH_DB_POOL_MAX ?? '10 (default)';
  const base = new URL(app.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 100_000 });
  onCleanup(() => agent.destroy());

  const send = (method: string, pathname: string, cookie?: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        { agent, host: base.hostname, port: base.port, method, path: pathname, headers: cookie ? { cookie, 'content-length': '0' } : { 'content-length': '0' } },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          res.on('error', reject);
        },
      );
      req.setTimeout(60_000, () => req.destroy(new Error('timeout after 60 s')));
      req.on('error', reject);
      req.end();
    });

  /** Makes sure the agent holds at least `n` open keep-alive sockets (n concurrent GET /healthz). */
  const openSockets = async (n: number) => {
    const results = await Promise.allSettled(Array.from({ length: n }, () => send('GET', '/healthz')));
    const failed = results.filter((r) => r.status === 'rejected' || r.value.status !== 200).length;
    if (failed) throw new Error(`${failed} of ${n} GET /healthz failed while opening sockets`);
  };

  /** Fires every accept at once; resolves when all have answered. */
  const burst = async (accepts: Accept[]) => {
    const start = performance.now();
    const outcomes = await Promise.all(
      accepts.map(async (a): Promise<Outcome> => {
        const s = performance.now();
        try {
          const r = await send('POST', `/api/help/questions/${a.questionId}/accept`, tutors[a.tutor]!.cookie);
          return { ...a, status: r.status, body: r.body, ms: performance.now() - s };
        } catch (err) {
          return { ...a, status: 0, body: '', ms: performance.now() - s, error: (err as Error).message };
        }
      }),
    );
    return { outcomes, wallMs: performance.now() - start };
  };

  const statusCounts = (outcomes: Outcome[]) => {
    const counts: Record<string, number> = {};
    for (const o of outcomes) {
      const k = o.status === 0 ? 'error' : String(o.status);
      counts[k] = (counts[k] ?? 0) + 1;
    }
    return counts;
  };

  const pgBackends = () => backendPids(process.env.DATABASE_URL!, dbName);

  /** DB facts per question: sessions, 'claimed' events, and the row's claimed_by/session_id. */
  const dbFacts = async (questionIds: string[]) => {
    const { questions, tutoringSessions, questionEvents } = schema;
    const qs = await db.select({ id: questions.id, status: questions.status, claimedBy: questions.claimedBy, sessionId: questions.sessionId }).from(questions).where(inArray(questions.id, questionIds));
    const sessions = await db
      .select({ questionId: tutoringSessions.questionId, n: sql<number>`count(*)::int`, tutorId: sql<string>`min(${tutoringSessions.tutorId}::text)`, id: sql<string>`min(${tutoringSessions.id}::text)` })
      .from(tutoringSessions)
      .where(inArray(tutoringSessions.questionId, questionIds))
      .groupBy(tutoringSessions.questionId);
    const events = await db
      .select({ questionId: questionEvents.questionId, n: sql<number>`count(*)::int` })
      .from(questionEvents)
      .where(and(inArray(questionEvents.questionId, questionIds), eq(questionEvents.type, 'claimed')))
      .groupBy(questionEvents.questionId);
    const byQ = new Map(questionIds.map((id) => [id, { row: undefined as (typeof qs)[number] | undefined, sessions: 0, sessionTutor: '', sessionId: '', claimedEvents: 0 }]));
    for (const q of qs) byQ.get(q.id)!.row = q;
    for (const s of sessions) Object.assign(byQ.get(s.questionId!)!, { sessions: s.n, sessionTutor: s.tutorId, sessionId: s.id });
    for (const e of events) byQ.get(e.questionId)!.claimedEvents = e.n;
    return byQ;
  };

  /**
   * Exactly one winner per question: one 200 and the rest 409, no other answer, and in the database one
   * session, one 'claimed' event, claimed_by = the 200's tutor and session_id = the 200's session.
   */
  const checkOneWinner = async (outcomes: Outcome[], questionIds: string[]) => {
    const problems: string[] = [];
    const winners = new Map<string, Outcome[]>();
    for (const o of outcomes) if (o.status === 200) winners.set(o.questionId, [...(winners.get(o.questionId) ?? []), o]);
    const others = outcomes.filter((o) => o.status !== 200 && o.status !== 409);
    if (others.length) problems.push(`${others.length} answers other than 200/409, e.g. ${others.slice(0, 3).map((o) => `${o.status || o.error} ${o.body.slice(0, 160)}`).join(' | ')}`);
    const bad409 = outcomes.filter((o) => o.status === 409 && !o.body.includes('"conflict"'));
    if (bad409.length) problems.push(`${bad409.length} 409s without error code "conflict", e.g. ${bad409[0]!.body.slice(0, 160)}`);
    const facts = await dbFacts(questionIds);
    for (const id of questionIds) {
      const w = winners.get(id) ?? [];
      const f = facts.get(id)!;
      if (w.length !== 1) {
        problems.push(`question ${id}: ${w.length} × 200`);
        continue;
      }
      const winner = w[0]!;
      const sessionId = (JSON.parse(winner.body) as { sessionId?: string }).sessionId;
      const tutorId = tutors[winner.tutor]!.id;
      if (f.sessions !== 1) problems.push(`question ${id}: ${f.sessions} tutoring sessions`);
      if (f.claimedEvents !== 1) problems.push(`question ${id}: ${f.claimedEvents} 'claimed' events`);
      if (f.row?.status !== 'claimed' || f.row.claimedBy !== tutorId) problems.push(`question ${id}: status ${f.row?.status}, claimed_by ${f.row?.claimedBy} but the 200 went to ${tutorId}`);
      if (f.row?.sessionId !== sessionId || f.sessionId !== sessionId || f.sessionTutor !== tutorId) problems.push(`question ${id}: session ${f.row?.sessionId}/${f.sessionId} (tutor ${f.sessionTutor}) but the 200 said ${sessionId}`);
      if (problems.length > 20) break;
    }
    return problems;
  };

  interface Scenario {
    label: string;
    lat: Latencies;
    wallMs: number;
    counts: Record<string, number>;
    problems: string[];
    cpuUsPerAccept?: Record<string, number> | undefined;
  }
  const run = async (label: string, accepts: Accept[], questionIds: string[], expect: 'one-winner' | 'all-win'): Promise<Scenario> => {
    // Tutors finish their sessions between bursts, as real ones do: a tutor in a live session may not accept another question.
    await db.update(schema.tutoringSessions).set({ status: 'ended', endedAt: new Date() }).where(eq(schema.tutoringSessions.status, 'active'));
    await openSockets(accepts.length);
    await new Promise((r) => setTimeout(r, 300)); // let the healthz burst settle
    const watch = await cpuWatch({ app: () => [app.pid], postgres: pgBackends });
    const { outcomes, wallMs } = await burst(accepts);
    const cpu = watch(outcomes.length);
    const counts = statusCounts(outcomes);
    let problems: string[];
    if (expect === 'one-winner') problems = await checkOneWinner(outcomes, questionIds);
    else {
      problems = [];
      const lost = outcomes.filter((o) => o.status !== 200);
      if (lost.length) problems.push(`${lost.length} uncontended accepts did not get 200, e.g. ${lost.slice(0, 3).map((o) => `${o.status || o.error} ${o.body.slice(0, 160)}`).join(' | ')}`);
      const facts = await dbFacts(questionIds);
      const wrong = [...facts.values()].filter((f) => f.sessions !== 1).length;
      if (wrong) problems.push(`${wrong} questions without exactly one session`);
    }
    const lat = latencies(outcomes.map((o) => o.ms));
    const s: Scenario = { label, lat, wallMs: round(wallMs, 1), counts, problems, cpuUsPerAccept: cpu };
    const cpuText = cpu ? `  cpu µs/accept app ${cpu.app}, postgres ${cpu.postgres}, client ${cpu.loadgen}; other procs ${cpu.otherCores} cores` : '';
    console.log(
      `${label.padEnd(28)} ${String(outcomes.length).padStart(5)} accepts in ${String(Math.round(wallMs)).padStart(5)} ms  min ${lat.minMs.toFixed(0).padStart(5)}  p50 ${lat.p50Ms.toFixed(1).padStart(7)} ms  p99 ${lat.p99Ms.toFixed(1).padStart(7)} ms  ${JSON.stringify(counts)}${cpuText}`,
    );
    for (const p of problems.slice(0, 10)) console.log(`    PROBLEM: ${p}`);
    return s;
  };

  console.log(`\napp pool ${poolMax}; every burst below is fired at once over pre-opened keep-alive sockets\n`);
  t0 = performance.now();
  const warmU = await run('warm-up uncontended', warmUAccepts, qWarmU, 'all-win');
  const warmA = await run('warm-up contended', warmAAccepts, [qWarmA!], 'one-winner');

  const U: Scenario[] = [];
  const A: Scenario[] = [];
  for (let r = 0; r < rounds; r++) {
    const doU = async () => U.push(await run(`uncontended #${r + 1}`, roundAccepts[r]!.u, qU[r]!, 'all-win'));
    const doA = async () => A.push(await run(`contended (A) #${r + 1}`, roundAccepts[r]!.a, [qA[r]!], 'one-winner'));
    if (r % 2 === 0) {
      await doU();
      await doA();
    } else {
      await doA();
      await doU();
    }
  }

  const B = await run(`B: ${bQuestions} q × ${bTutors} tutors`, bAccepts, qB, 'one-winner');
  console.log(`(bursts took ${Math.round((performance.now() - t0) / 1000)} s in all)`);
  await app.stop();

  const med = (xs: Scenario[], k: keyof Latencies) => round(median(xs.map((s) => s.lat[k])), 3);
  const uP50 = med(U, 'p50Ms');
  const uP99 = med(U, 'p99Ms');
  const aP50 = med(A, 'p50Ms');
  const aP99 = med(A, 'p99Ms');
  const headline = ratio(aP99, uP99);
  const p50Ratio = ratio(aP50, uP50);
  const bRatio = ratio(B.lat.p99Ms, uP99);

  const aExact = A.every((s) => s.counts['200'] === 1 && s.counts['409'] === nTutors - 1 && Object.keys(s.counts).length === 2 && !s.problems.length);
  const bExact = B.counts['200'] === bQuestions && B.counts['409'] === bQuestions * (bTutors - 1) && Object.keys(B.counts).length === 2 && !B.problems.length;
  const uClean = U.every((s) => s.counts['200'] === nTutors && !s.problems.length);
  const warmClean = !warmU.problems.length && !warmA.problems.length;
  const checksHeld = aExact && bExact && uClean && warmClean;

  console.log(`\nmedian of ${rounds} rounds (latency of one accept, ms):`);
  console.log(`  uncontended (baseline)   p50 ${uP50.toFixed(1).padStart(7)}  p99 ${uP99.toFixed(1).padStart(7)}`);
  console.log(`  contended A (1 question) p50 ${aP50.toFixed(1).padStart(7)}  p99 ${aP99.toFixed(1).padStart(7)}   ratio p50 ${p50Ratio.toFixed(3)}, p99 ${headline.toFixed(3)}`);
  console.log(`  B (${bQuestions} q × ${bTutors}, ${bAccepts.length} at once) p50 ${B.lat.p50Ms.toFixed(1)}  p99 ${B.lat.p99Ms.toFixed(1)}   p99 ratio to uncontended ${bRatio.toFixed(3)} (5× the requests)`);
  console.log(
    `exactly-one-winner checks: A ${aExact ? 'held' : 'FAILED'} (${A.map((s) => JSON.stringify(s.counts)).join(', ')}), ` +
      `B ${bExact ? 'held' : 'FAILED'} (${JSON.stringify(B.counts)}), uncontended all 200: ${uClean ? 'yes' : 'NO'}`,
  );
  console.log(`\nheadline: p99 contended / p99 uncontended = ${headline.toFixed(3)} (target ≤ ${TARGET}); checks ${checksHeld ? 'held' : 'FAILED'}`);

  const fig = (s: Scenario) => ({ ...s.lat, wallMs: s.wallMs, counts: s.counts, problems: s.problems.slice(0, 20), cpuUsPerAccept: s.cpuUsPerAccept });
  report({
    bench: NAME,
    ratio: headline,
    better: 'lower',
    target: TARGET,
    ok: headline <= TARGET && checksHeld,
    checksHeld,
    aExactlyOneWinner: aExact,
    bExactlyOneWinnerPerQuestion: bExact,
    uncontendedAllWon: uClean,
    p50Ratio,
    uncontendedP50Ms: uP50,
    uncontendedP99Ms: uP99,
    contendedP50Ms: aP50,
    contendedP99Ms: aP99,
    bP50Ms: B.lat.p50Ms,
    bP99Ms: B.lat.p99Ms,
    bP99RatioToUncontended: bRatio,
    uncontended: U.map(fig),
    contended: A.map(fig),
    scenarioB: { questions: bQuestions, tutorsPerQuestion: bTutors, ...fig(B) },
    warmup: { uncontended: fig(warmU), contended: fig(warmA) },
    tutors: nTutors,
    rounds,
    appPoolMax: poolMax,
    machine,
  });
}

await runBench(NAME, main);
