/**
 * The ops dashboard's cost must not grow with history (#18, decision 060). The real app runs in this process against
 * a fresh PostgreSQL database (next to DATABASE_URL, dropped afterwards) with 30,000 students and 1,000 tutors.
 *
 *   Baseline: one day of history (sessionsPerDay sessions, their questions, together-intervals, ratings and call
 *             events) rolled up; GET /api/ops/summary as an ops user, BENCH_REQUESTS times one after another.
 *   Ours:     the 89 days before it added (90 days, about 300,000 sessions), rolled up; the same requests.
 * Headline: p95 with 90 days / p95 with one day, lower is better, target ≤ 1.5.
 * Also: how long a claim takes to show on an open dashboard (a watching ops socket; from the tutor's accept being sent
 * to the summary read after ops:changed showing the claim), median of BENCH_CLAIMS claims.
 *
 * Breakdown: each read the summary makes (its `parts`), timed alone BENCH_PART_ROUNDS times in both phases; the JSON
 * line carries each part's p50 at one day and at 90 days, so a part whose cost grows with history names itself.
 *
 * Knobs: BENCH_SESSIONS_PER_DAY (3,334), BENCH_DAYS (90), BENCH_REQUESTS (200), BENCH_CLAIMS (5), BENCH_PART_ROUNDS (50),
 * BENCH_TIMEOUT_S (600), BENCH_KEEP_DB=1 (leave the database in place and print its URL, to EXPLAIN the reads; drop it by hand).
 */
import { sql } from 'drizzle-orm';
import { type Database, openDatabase } from '../apps/server/src/platform/db';
import { askQuestion, helpConfig, makeDataDir, makeStudent, makeTutor, removeDir, whenOffered } from '../apps/server/test/help';
import { staffClient, startTestApp, type TestApp } from '../apps/server/test/app';
import { createPostgresDatabase } from '../apps/server/test/db';
import { nextEvent, SocketPool } from '../apps/server/test/sockets';
import { seedCatalogue, seedStudents, seedTutors } from './help-fixtures';
import { envInt, latencies, machineInfo, median, onCleanup, ratio, report, round, runBench } from './lib';
import { generateHistory } from './support/ops-history';

const NAME = 'dashboard';
const TARGET = 1.5;
const DAY = 86_400_000;

/**
 * A database that has held its history for a while has been vacuumed and analysed; one that was bulk-loaded a second
 * ago has not, and autovacuum then works on the new rows while the summary is timed (one run of this bench read 1.71,
 * the next 0.90, on the same code). Both phases are measured after VACUUM ANALYZE, as a running system would be.
 */
async function settle(database: Database) {
  await database.db.execute(sql`vacuum analyze`);
}

async function timeSummary(client: { get(path: string): Promise<{ status: number }> }, n: number) {
  for (let i = 0; i < 10; i++) await client.get('/api/ops/summary'); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const res = await client.get('/api/ops/summary');
    ms.push(performance.now() - t);
    if (res.status !== 200) throw new Error(`summary answered ${res.status}`);
  }
  const l = latencies(ms);
  return { ...l, p95Ms: round([...ms].sort((a, b) => a - b)[Math.ceil(0.95 * ms.length) - 1]!, 3) };
}

type Parts = Record<string, () => Promise<unknown>>;

/** Each part of the summary alone, `rounds` times after a warm-up: its p50 in ms. */
async function timeParts(parts: () => Parts, rounds: number): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of Object.keys(parts())) {
    const ms: number[] = [];
    for (let i = 0; i < rounds + 5; i++) {
      const part = parts()[name]!;
      const t = performance.now();
      await part();
      if (i >= 5) ms.push(performance.now() - t);
    }
    out[name] = round(median(ms), 3);
  }
  return out;
}

const count = async (database: Database, table: string) => Number(((await database.db.execute(sql.raw(`select count(*)::int as n from ${table}`))) as unknown as { rows: { n: number }[] }).rows[0]!.n);

async function main() {
  const machine = machineInfo();
  const perDay = envInt('BENCH_SESSIONS_PER_DAY', 3_334);
  const days = envInt('BENCH_DAYS', 90);
  const requests = envInt('BENCH_REQUESTS', 200);
  const claims = envInt('BENCH_CLAIMS', 5);
  const partRounds = envInt('BENCH_PART_ROUNDS', 50);
  const pgdb = await createPostgresDatabase();
  if (process.env.BENCH_KEEP_DB === '1') console.log(`keeping the database: ${pgdb.url}`);
  else onCleanup(() => pgdb.drop());
  const database = await openDatabase({ kind: 'postgres', url: pgdb.url, poolMax: 4 });
  onCleanup(() => database.close());
  const dataDir = makeDataDir();
  onCleanup(() => {
    removeDir(dataDir);
  });
  const t: TestApp = await startTestApp(database, { ...helpConfig(dataDir, { firstWave: 50, waveSeconds: 0.5, expiryMinutes: 5 }), logLevel: 'warn' });
  onCleanup(() => t.close());
  const sockets = new SocketPool();
  onCleanup(() => sockets.closeAll());

  await seedCatalogue(database.db).catch(() => undefined);
  const students: string[] = [];
  // In chunks: one insert of 30,000 rows overflows drizzle's statement builder.
  for (let i = 0; i < 30_000; i += 500) students.push(...(await seedStudents(database.db, 500)).map((p) => p.id));
  const tutors = (await seedTutors(database.db, 1_000)).map((p) => p.id);
  const now = t.app.clock.now();
  const today = new Date(Math.floor(now.getTime() / DAY) * DAY);
  const rollups = t.app.fastify.ops.rollups;
  const parts = () => t.app.fastify.ops.summary.parts(t.app.clock.now(), true);

  // One day of history, rolled up.
  let started = performance.now();
  await generateHistory(database.db, { studentIds: students, tutorIds: tutors, from: new Date(today.getTime() - DAY), days: 1, sessionsPerDay: perDay, seed: 1 });
  await rollups.rebuild(new Date(today.getTime() - DAY), today);
  await rollups.catchUp();
  await settle(database);
  const oneDaySetupS = round((performance.now() - started) / 1000, 1);
  const ops = await staffClient(t, ['ops']);
  const oneDay = await timeSummary(ops.client, requests);
  const oneDayParts = await timeParts(parts, partRounds);
  console.log(`1 day:   p50 ${oneDay.p50Ms} ms  p95 ${oneDay.p95Ms} ms  (${await count(database, 'tutoring_sessions')} sessions)`);

  // The 89 days before it, rolled up: 90 days in all.
  started = performance.now();
  const from = new Date(today.getTime() - days * DAY);
  await generateHistory(database.db, { studentIds: students, tutorIds: tutors, from, days: days - 1, sessionsPerDay: perDay, seed: 2 });
  const generateS = round((performance.now() - started) / 1000, 1);
  started = performance.now();
  await rollups.rebuild(from, new Date(today.getTime() - DAY));
  await rollups.catchUp();
  await settle(database);
  const rebuildS = round((performance.now() - started) / 1000, 1);
  const sessions = await count(database, 'tutoring_sessions');
  const questionsN = await count(database, 'questions');
  const ninety = await timeSummary(ops.client, requests);
  const ninetyParts = await timeParts(parts, partRounds);
  const partsP50Ms = Object.fromEntries(Object.keys(oneDayParts).map((k) => [k, { oneDay: oneDayParts[k]!, ninetyDays: ninetyParts[k]! }]));
  for (const [k, v] of Object.entries(partsP50Ms)) console.log(`  ${k.padEnd(18)} p50 ${String(v.oneDay).padStart(7)} ms at 1 day, ${String(v.ninetyDays).padStart(7)} ms at ${days} days`);
  console.log(`${days} days: p50 ${ninety.p50Ms} ms  p95 ${ninety.p95Ms} ms  (${sessions} sessions, ${questionsN} questions; generated in ${generateS} s, rolled up in ${rebuildS} s)`);

  // A claim on an open dashboard.
  const { socket: watcher } = await sockets.connect(t.baseUrl, ops.client.cookie);
  const watch = await watcher.emitWithAck('ops:watch');
  if (!watch.ok) throw new Error('ops:watch refused');
  const tutor = await makeTutor(t, { subjects: [{ subjectId: 'maths', level: 'grade-9-10' }], sockets });
  const claimMs: number[] = [];
  for (let i = 0; i < claims; i++) {
    const student = await makeStudent(t, sockets);
    const q = await askQuestion(t, student, 'maths', 'grade-9-10');
    await whenOffered(tutor, q.id);
    const before = ((await ops.client.get('/api/ops/summary')) as { json: { help: { today: { claimed: number } } } }).json.help.today.claimed;
    const t0 = performance.now();
    const accepted = tutor.client.post(`/api/help/questions/${q.id}/accept`);
    for (;;) {
      await nextEvent(watcher, 'ops:changed', 15_000);
      const s = (await ops.client.get('/api/ops/summary')) as { json: { help: { today: { claimed: number } } } };
      if (s.json.help.today.claimed > before) break;
    }
    claimMs.push(performance.now() - t0);
    if ((await accepted).status !== 200) throw new Error('accept failed');
    await tutor.client.post(`/api/sessions/${(await accepted).json.sessionId}/end`, {}).catch(() => undefined);
  }
  const claimToDashboardMs = round(median(claimMs), 1);
  console.log(`claim shown on an open dashboard: median ${claimToDashboardMs} ms (${claimMs.map((m) => round(m, 0)).join(', ')})`);

  const r = ratio(ninety.p95Ms, oneDay.p95Ms);
  report({
    bench: NAME,
    ratio: r,
    better: 'lower',
    target: TARGET,
    ok: sessions >= days * perDay * 0.99,
    summaryP95Ms: { oneDay: oneDay.p95Ms, ninetyDays: ninety.p95Ms },
    summaryP50Ms: { oneDay: oneDay.p50Ms, ninetyDays: ninety.p50Ms },
    partsP50Ms,
    claimToDashboardMs,
    claimToDashboardAllMs: claimMs.map((m) => round(m, 1)),
    history: { days, sessions, questions: questionsN, students: students.length, tutors: tutors.length },
    setupS: { oneDay: oneDaySetupS, generate: generateS, rollup: rebuildS },
    requests,
    machine,
  });
}

await runBench(NAME, main);
