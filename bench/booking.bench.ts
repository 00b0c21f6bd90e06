/**
 * No double booking under contention: POST /api/bookings on the real app (bench/app-server.ts, its own process)
 * against a fresh PostgreSQL database (next to DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres,
 * dropped afterwards).
 *
 * Fixtures go straight into the database: 20 tutors (help-fixtures) each with an availability policy
 * (Asia/Kolkata, every day 09:00–21:00, 30 and 60 minutes, no notice, no buffer, no daily cap), and 500 students
 * with log-in sessions. 500 requests, one per student, for 20 tutors round-robin, each asking for a 30- or
 * 60-minute lesson starting on one of 12 quarter hours (15:00–17:45 Kolkata time, three days ahead), seeded
 * random: about 25 overlapping requests per tutor for a 3¾-hour window.
 *
 *   Concurrent: all 500 at once over pre-opened keep-alive sockets. Checks: every answer is 201 or 409, and a SQL
 *               self-join finds 0 pairs of overlapping non-cancelled bookings of one tutor.
 *   Serial replay (baseline): the bookings are deleted and the same 500 requests are sent one at a time, in the
 *               order the concurrent run serialised them: its accepted requests first, then the rest in firing
 *               order. A correct concurrent run is equivalent to that serial order, so it accepts exactly as many.
 * Headline ratio: accepted (concurrent) / accepted (serial replay), target 1, better 'higher'. Below 1 means
 * requests were refused that the slot rules allowed (lost bookings); above 1 cannot happen without overlapping
 * bookings, which the self-join would report. ok needs ratio = 1, 0 overlaps and only 201/409 answers.
 *
 * Knobs: BENCH_REQUESTS (500), BENCH_TUTORS (20), BENCH_TIMEOUT_S (600).
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { type Database, openDatabase } from '../apps/server/src/platform/db';
import { schema } from '../apps/server/test/schema';
import * as time from '../apps/server/src/platform/time';
import { createPostgresDatabase } from '../apps/server/test/db';
import { seedCatalogue, seedStudents, seedTutors } from './help-fixtures';
import { envInt, latencies, machineInfo, onCleanup, ratio, report, runBench, seededRandom, startChildServer } from './lib';

const NAME = 'booking';
const TARGET = 1;

const random = (seed = 42) => seededRandom(seed);

interface Request {
  index: number;
  student: number;
  tutor: number;
  start: string;
  durationMinutes: number;
}

async function main() {
  const machine = machineInfo();
  const nRequests = envInt('BENCH_REQUESTS', 500);
  const nTutors = envInt('BENCH_TUTORS', 20);
  console.log(`booking: ${machine.cpus} × ${machine.cpuModel}, ${machine.node}, load ${machine.loadAvg.join(' ')}; this process (the client), the app and PostgreSQL share the CPUs.`);

  process.env.DATABASE_URL ||= 'postgres://postgres@127.0.0.1:5432/postgres';
  const pgdb = await createPostgresDatabase();
  onCleanup(() => pgdb.drop());
  const database: Database = await openDatabase({ kind: 'postgres', url: pgdb.url, poolMax: 4 });
  onCleanup(() => database.close());
  const db = database.db;

  const zone = 'Asia/Kolkata';
  await seedCatalogue(db);
  const tutors = await seedTutors(db, nTutors);
  const students = await seedStudents(db, nRequests);
  await db.insert(schema.availabilityPolicies).values(
    tutors.map((t) => ({
      tutorId: t.id,
      timeZone: zone,
      rules: ([1, 2, 3, 4, 5, 6, 7] as const).map((weekday) => ({ weekday, start: '09:00', end: '21:00' })),
      overrides: [],
      durations: [30, 60],
      bufferMinutes: 0,
      minNoticeMinutes: 0,
      maxPerDay: null,
      horizonDays: 30,
      cancelFreeHours: 24,
      updatedAt: new Date(),
    })),
  );
  const day = time.addDaysLocal(time.instantToZoned(new Date(), zone).date, 3);
  const first = time.zonedToInstant(day, '15:00', zone, 'compatible').getTime();
  const rnd = random();
  const requests: Request[] = Array.from({ length: nRequests }, (_, index) => ({
    index,
    student: index,
    tutor: index % nTutors,
    start: new Date(first + Math.floor(rnd() * 12) * 15 * 60_000).toISOString(),
    durationMinutes: rnd() < 0.5 ? 30 : 60,
  }));
  console.log(`seeded ${nTutors} tutors with availability, ${nRequests} students; lessons on ${day} (${zone})`);

  const app = await startChildServer('app-postgres', 'app-server.ts', { env: { BENCH_DB: 'postgres', BENCH_DATABASE_URL: pgdb.url } });
  const base = new URL(app.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 100_000 });
  onCleanup(() => agent.destroy());

  const send = (method: string, pathname: string, cookie?: string, body?: unknown) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const payload = body === undefined ? '' : JSON.stringify(body);
      const headers: Record<string, string> = { 'content-length': String(Buffer.byteLength(payload)) };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (cookie) headers.cookie = cookie;
      const req = http.request({ agent, host: base.hostname, port: base.port, method, path: pathname, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      });
      req.setTimeout(60_000, () => req.destroy(new Error('timeout after 60 s')));
      req.on('error', reject);
      req.end(payload);
    });

  const bookOne = async (r: Request) => {
    const s = performance.now();
    try {
      const res = await send('POST', '/api/bookings', students[r.student]!.cookie, { tutorId: tutors[r.tutor]!.id, start: r.start, durationMinutes: r.durationMinutes, idempotencyKey: randomUUID() });
      return { ...r, status: res.status, body: res.body, ms: performance.now() - s };
    } catch (err) {
      return { ...r, status: 0, body: (err as Error).message, ms: performance.now() - s };
    }
  };
  const counts = (xs: { status: number }[]) => xs.reduce<Record<string, number>>((acc, x) => ({ ...acc, [String(x.status)]: (acc[String(x.status)] ?? 0) + 1 }), {});
  const overlaps = async () => {
    const result = await db.execute<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM bookings a JOIN bookings b
        ON a.tutor_id = b.tutor_id AND a.id < b.id
       AND a.status <> 'cancelled' AND b.status <> 'cancelled'
       AND tstzrange(a.starts_at, a.ends_at, '[)') && tstzrange(b.starts_at, b.ends_at, '[)')`);
    return Number((result as unknown as { rows: { n: number }[] }).rows[0]!.n);
  };

  // Open one socket per request in flight, so the burst is truly concurrent.
  await Promise.all(requests.map(() => send('GET', '/healthz')));

  const t0 = performance.now();
  const concurrent = await Promise.all(requests.map(bookOne));
  const wallMs = performance.now() - t0;
  const cCounts = counts(concurrent);
  const accepted = cCounts['201'] ?? 0;
  const overlapping = await overlaps();
  const onlyExpected = concurrent.every((o) => o.status === 201 || (o.status === 409 && o.body.includes('That slot was just taken')));
  const lat = latencies(concurrent.map((o) => o.ms));
  console.log(`concurrent: ${nRequests} at once in ${wallMs.toFixed(0)} ms, ${JSON.stringify(cCounts)}, p50 ${lat.p50Ms.toFixed(1)} ms, p99 ${lat.p99Ms.toFixed(1)} ms; overlapping pairs (self-join): ${overlapping}`);
  if (!onlyExpected) console.log('unexpected answers:', concurrent.filter((o) => o.status !== 201 && o.status !== 409).slice(0, 5));

  await db.execute(sql`DELETE FROM bookings`);
  const order = [...concurrent.filter((o) => o.status === 201), ...concurrent.filter((o) => o.status !== 201)];
  const serial: { status: number }[] = [];
  for (const r of order) serial.push(await bookOne(r));
  const sCounts = counts(serial);
  const serialAccepted = sCounts['201'] ?? 0;
  const serialOverlapping = await overlaps();
  console.log(`serial replay: ${JSON.stringify(sCounts)}; overlapping pairs: ${serialOverlapping}`);

  const headline = ratio(accepted, serialAccepted);
  const checksHeld = overlapping === 0 && serialOverlapping === 0 && onlyExpected;
  report({
    bench: NAME,
    ratio: headline,
    better: 'higher',
    target: TARGET,
    ok: headline === TARGET && checksHeld,
    checksHeld,
    requests: nRequests,
    tutors: nTutors,
    accepted,
    serialAccepted,
    overlappingPairs: overlapping,
    concurrentCounts: cCounts,
    serialCounts: sCounts,
    concurrentWallMs: Math.round(wallMs),
    p50Ms: lat.p50Ms,
    p99Ms: lat.p99Ms,
    machine,
  });
}

await runBench(NAME, main);
