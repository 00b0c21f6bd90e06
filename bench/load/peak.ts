/**
 * The compressed peak hour (decision 097), shared by `npm run load -- peak` and `bench peak`: a fresh PostgreSQL
 * database next to DATABASE_URL (dropped at the end), the population seeded straight into it (bench/help-fixtures.ts),
 * `nodes` Tutorline nodes + HAProxy (scripts/cluster.ts) on it and on REDIS_URL, and the sockets and HTTP in client
 * processes (load/peak-clients.ts) through HAProxy. Two phases on one cluster: `idle` (questions one at a time,
 * nothing else running: the claim baseline), then `peak` (questions and paid bookings at their rates, together).
 * Every caller registers clean-ups with onCleanup, so it runs inside runBench.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inArray } from 'drizzle-orm';
import { clusterNodeEnv } from '../../apps/server/test/cluster-env';
import { createPostgresDatabase } from '../../apps/server/test/db';
import { schema } from '../../apps/server/test/schema';
import { openDatabase } from '../../apps/server/src/platform/db';
import * as time from '../../apps/server/src/platform/time';
import { startCluster } from '../../scripts/cluster';
import { seedCatalogue, seedStudents, seedTutors } from '../help-fixtures';
import { bytesPerConnection, type ChildWorker, freePort, latencies, machineInfo, monoMs, onCleanup, round, startChildWorker } from '../lib';
import { type PeakOptions, schedule } from '../support/peak-options';
import { cpuMs, folderBytes, nodeMetrics, pgProbe, rssBytes } from './measure';

const ZONE = 'Asia/Kolkata';
const BOOKING_TUTORS = 50;

interface AskReply {
  questionId: string | null;
  askAt: number | null;
  errors: string[];
}
interface AcceptReport {
  questionId: string;
  status: number;
  ms: number;
  phase: string;
  outcome: 'won' | 'lost' | 'error';
  detail?: string;
}

export async function runPeak(o: PeakOptions, log: (line: string) => void = console.log) {
  const machineAtStart = machineInfo();
  const wallStart = Date.now();
  process.env.DATABASE_URL ||= 'postgres://postgres@127.0.0.1:5432/postgres';
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  log(`peak: ${machineAtStart.cpus} × ${machineAtStart.cpuModel}, ${machineAtStart.memMiB} MiB, load ${machineAtStart.loadAvg.join(' ')}`);
  log(`population ${o.students} students / ${o.tutors} tutors; sockets ${o.tutorSockets} tutors + ${o.studentSockets} students; ${round(o.questionsPerMinute, 1)} questions/min and ${o.bookingsPerMinute} bookings/min for ${o.minutes} min; ${o.nodes} nodes`);

  // ------------------------------------------------------------ database and population
  const pgdb = await createPostgresDatabase();
  onCleanup(() => pgdb.drop());
  const database = await openDatabase({ kind: 'postgres', url: pgdb.url!, poolMax: 4 });
  onCleanup(() => database.close());
  const db = database.db;
  const probe = await pgProbe(pgdb.url!);
  onCleanup(() => probe.close());
  const sizeEmpty = await probe.size();
  let t0 = performance.now();
  await seedCatalogue(db);
  const onlineTutors = await seedTutors(db, o.tutorSockets, { online: true });
  if (o.tutors > o.tutorSockets) await seedTutors(db, o.tutors - o.tutorSockets, { online: false });
  const connectedStudents = await seedStudents(db, o.studentSockets);
  // The rest log in through the real API if ever they come: one shared argon2id hash, no session rows.
  for (let left = o.students - o.studentSockets; left > 0; left -= 10_000) await seedStudents(db, Math.min(left, 10_000), { password: 'peak-hour-student-password' });
  const bookers = onlineTutors.slice(0, Math.min(BOOKING_TUTORS, onlineTutors.length));
  await db.insert(schema.availabilityPolicies).values(
    bookers.map((t) => ({
      tutorId: t.id,
      timeZone: ZONE,
      rules: ([1, 2, 3, 4, 5, 6, 7] as const).map((weekday) => ({ weekday, start: '06:00', end: '22:00' })),
      overrides: [],
      durations: [60],
      bufferMinutes: 0,
      minNoticeMinutes: 0,
      maxPerDay: null,
      horizonDays: 30,
      cancelFreeHours: 24,
      updatedAt: new Date(),
    })),
  );
  await db.update(schema.tutorProfiles).set({ hourlyRateMinor: 80_000, currency: 'INR' }).where(inArray(schema.tutorProfiles.userId, bookers.map((t) => t.id)));
  const sizeSeeded = await probe.size();
  const seedMs = Math.round(performance.now() - t0);
  log(`seeded in ${seedMs} ms; database ${(sizeSeeded / 2 ** 20).toFixed(1)} MiB (${(sizeEmpty / 2 ** 20).toFixed(1)} MiB empty)`);

  // ------------------------------------------------------------ cluster
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tutorline-peak-'));
  onCleanup(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  let nodeErrorLines = 0;
  const lastErrors: string[] = [];
  t0 = performance.now();
  const cluster = await startCluster({
    nodes: o.nodes,
    port: await freePort(),
    env: clusterNodeEnv({
      DATABASE_URL: pgdb.url,
      REDIS_URL: redisUrl,
      DATA_DIR: dataDir,
      HELP_COOLDOWN_SECONDS: '0',
      HELP_EXPIRY_MINUTES: '10',
      UPLOADS_PER_MINUTE: '1000',
      UPLOADS_PER_DAY: '100000',
      DRAIN_DELAY_MS: '1000',
      LOG_LEVEL: process.env.PEAK_LOG_LEVEL ?? 'info',
    }),
    output: (line, from) => {
      // pino's error and fatal levels are 50 and 60.
      if (/"level":[56]\d/.test(line) || (from === 'haproxy' && /ALERT|WARNING/.test(line))) {
        nodeErrorLines++;
        lastErrors.push(`[${from}] ${line.slice(0, 300)}`);
        if (lastErrors.length > 20) lastErrors.shift();
      }
    },
  });
  onCleanup(async () => {
    await cluster.stop();
  });
  log(`cluster: ${cluster.nodes.map((n) => `${n.id} pid ${n.pid}`).join(', ')} behind HAProxy ${cluster.url} (up in ${Math.round(performance.now() - t0)} ms)`);
  const nodePids = () => cluster.nodes.map((n) => n.pid);
  const rssBefore = nodePids().map(rssBytes);

  // ------------------------------------------------------------ clients
  const workers: ChildWorker[] = [];
  for (let w = 0; w < o.workers; w++) workers.push(await startChildWorker(`peak-clients-${w + 1}`, 'load/peak-clients.ts', { shell: 'ulimit -n 20000' }));
  const alerts = new Map<string, number>();
  const accepts: AcceptReport[] = [];
  const tutorDone = new Map<string, string[]>();
  const tutorDoneWaiters = new Map<string, () => void>();
  const socketErrors: string[] = [];
  for (const w of workers) {
    w.onMessage((m: { type: string; questionId: string; at: number; errors: string[]; detail: string }) => {
      if (m.type === 'alert') alerts.set(m.questionId, Math.min(alerts.get(m.questionId) ?? Infinity, m.at));
      else if (m.type === 'accept') accepts.push(m as unknown as AcceptReport);
      else if (m.type === 'tutor-done') {
        tutorDone.set(m.questionId, m.errors);
        tutorDoneWaiters.get(m.questionId)?.();
      } else if (m.type === 'socket-error') socketErrors.push(m.detail);
    });
  }
  const share = <T>(items: T[], w: number) => items.filter((_, i) => i % o.workers === w);
  t0 = performance.now();
  const connects = await Promise.all(
    workers.map((w, i) => w.request<{ connected: number; failed: number; errors: string[] }>({ cmd: 'connect', url: cluster.url, tutors: share(onlineTutors, i), students: share(connectedStudents, i), acceptShare: o.acceptShare, seed: 1000 + i }, 600_000)),
  );
  const connectFailures = connects.reduce((a, c) => a + c.failed, 0);
  const connected = connects.reduce((a, c) => a + c.connected, 0);
  log(`connected ${connected} sockets in ${Math.round(performance.now() - t0)} ms${connectFailures ? `; ${connectFailures} FAILED: ${connects.flatMap((c) => c.errors).join(' | ')}` : ''}`);
  const metricsConnected = await Promise.all(cluster.nodes.map((n) => nodeMetrics(n.url)));
  const rssConnected = nodePids().map(rssBytes);
  const socketsPerNode = metricsConnected.map((m) => m.sockets);
  // RSS without a forced GC (the nodes run as deployed): NaN, not a negative figure, when a collection shrank a node
  // in between; \`bench socket-memory\` measures the same thing after forced GC.
  const memPerSocket = bytesPerConnection(sum(rssBefore), sum(rssConnected), sum(socketsPerNode));
  // A quiet window with every socket connected and nothing asked: what the nodes spend on connections, heartbeats,
  // job polling and rollups alone, so the peak's CPU per question is the marginal cost on top of it.
  const quietS = 10;
  const quietStart = nodePids().map(cpuMs);
  const quietT0 = monoMs();
  await new Promise((r) => setTimeout(r, quietS * 1000));
  const quietCores = nodePids().reduce((a, p, i) => a + (cpuMs(p) - quietStart[i]!), 0) / (monoMs() - quietT0);
  log(`sockets per node ${socketsPerNode.join(' / ')}; RSS per node ${rssConnected.map((b) => `${Math.round(b / 2 ** 20)} MiB`).join(' / ')}; ≈ ${(memPerSocket / 1024).toFixed(1)} KiB per socket; ${quietCores.toFixed(3)} cores with every socket connected and nothing asked`);

  // A student is picked once: worker (i mod W), that worker's (i div W)-th student.
  let nextStudent = 0;
  const takeStudent = () => {
    const i = nextStudent++;
    return { worker: workers[i % o.workers]!, student: Math.floor(i / o.workers) };
  };
  const questionErrors: string[] = [];
  const askedIds: string[] = [];
  const alertAfter = new Map<string, number>();
  const waitTutorDone = (questionId: string, ms: number) =>
    tutorDone.has(questionId)
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            tutorDoneWaiters.delete(questionId);
            questionErrors.push(`question ${questionId}: the winning tutor's room did not finish within ${ms} ms`);
            resolve();
          }, ms);
          tutorDoneWaiters.set(questionId, () => {
            clearTimeout(timer);
            resolve();
          });
        });
  const askOne = async () => {
    const { worker, student } = takeStudent();
    try {
      const r = await worker.request<AskReply>({ cmd: 'ask', student, timeoutMs: 60_000 }, 120_000);
      questionErrors.push(...r.errors);
      if (r.questionId && r.askAt !== null) {
        askedIds.push(r.questionId);
        alertAfter.set(r.questionId, r.askAt);
        if (!r.errors.length) await waitTutorDone(r.questionId, 40_000);
      }
    } catch (err) {
      questionErrors.push(`ask: ${(err as Error).message}`);
    }
  };
  const setPhase = (phase: string) => Promise.all(workers.map((w) => w.request({ cmd: 'phase', phase })));

  // ------------------------------------------------------------ idle: the baseline
  await setPhase('idle');
  t0 = performance.now();
  for (let i = 0; i < o.idleQuestions; i++) await askOne();
  const idleIds = [...askedIds];
  log(`idle: ${o.idleQuestions} questions one at a time in ${Math.round(performance.now() - t0)} ms`);

  // ------------------------------------------------------------ peak: questions and bookings together
  await setPhase('peak');
  const day = time.addDaysLocal(time.instantToZoned(new Date(), ZONE).date, 2);
  const bookingTimes = schedule(o.bookingsPerMinute, o.minutes);
  const bookingResults: { status: string; ms: number; errors: string[] }[] = [];
  const bookOne = async (k: number) => {
    const { worker, student } = takeStudent();
    // Booking k: tutor k mod 50, on day 2 + ⌊k / (50 × 16)⌋, hour 06:00 + ⌊k / 50⌋ mod 16 (Kolkata): every slot distinct.
    const slot = Math.floor(k / bookers.length);
    const date = time.addDaysLocal(day, Math.floor(slot / 16));
    const start = time.zonedToInstant(date, `${String(6 + (slot % 16)).padStart(2, '0')}:00`, ZONE).toISOString();
    try {
      bookingResults.push(await worker.request({ cmd: 'book', student, tutorId: bookers[k % bookers.length]!.id, start, timeoutMs: 60_000 }, 120_000));
    } catch (err) {
      bookingResults.push({ status: 'error', ms: Number.NaN, errors: [(err as Error).message] });
    }
  };
  const questionTimes = schedule(o.questionsPerMinute, o.minutes);
  const cpuStart = nodePids().map(cpuMs);
  const pgPidsStart = await probe.backendPids();
  const pgCpuStart = new Map(pgPidsStart.map((p) => [p, cpuMs(p)]));
  const haproxyCpuStart = cpuMs(cluster.haproxyPid);
  const machineStart = os.cpus().map((c) => c.times);
  let pgMax = { total: 0, active: 0 };
  const pgSampler = setInterval(() => {
    void probe.connections().then((c) => {
      pgMax = { total: Math.max(pgMax.total, c.total), active: Math.max(pgMax.active, c.active) };
    }, () => {});
  }, 1_000);
  const peakStart = monoMs();
  const runs: Promise<void>[] = [];
  const at = (ms: number, fn: () => Promise<void>) => runs.push(new Promise<void>((r) => setTimeout(r, ms)).then(fn));
  questionTimes.forEach((ms) => at(ms, askOne));
  bookingTimes.forEach((ms, k) => at(ms, () => bookOne(k)));
  await Promise.all(runs);
  const peakWallS = (monoMs() - peakStart) / 1000;
  clearInterval(pgSampler);
  const nodeCpuMs = nodePids().map((p, i) => cpuMs(p) - cpuStart[i]!);
  const pgCpuMsTotal = [...new Set([...pgPidsStart, ...(await probe.backendPids())])].reduce((a, p) => a + Math.max(0, (cpuMs(p) || 0) - (pgCpuStart.get(p) ?? 0)), 0);
  const haproxyCpuMs = cpuMs(cluster.haproxyPid) - haproxyCpuStart;
  const machineBusyCores = os.cpus().reduce((a, c, i) => {
    const s = machineStart[i]!;
    const busy = c.times.user + c.times.nice + c.times.sys + c.times.irq - (s.user + s.nice + s.sys + s.irq);
    const all = busy + c.times.idle - s.idle;
    return a + busy / all;
  }, 0);
  const peakIds = askedIds.filter((id) => !idleIds.includes(id));
  log(`peak: ${peakIds.length} questions and ${bookingResults.length} bookings in ${peakWallS.toFixed(1)} s`);

  // ------------------------------------------------------------ after: figures
  const rssAfter = nodePids().map(rssBytes);
  const metricsAfter = await Promise.all(cluster.nodes.map((n) => nodeMetrics(n.url)));
  const ready = await fetch(`${cluster.url}/readyz`).then((r) => r.status, () => 0);
  const wins = new Map<string, number>();
  for (const a of accepts) if (a.outcome === 'won') wins.set(a.questionId, (wins.get(a.questionId) ?? 0) + 1);
  const winnerProblems = askedIds.filter((id) => wins.get(id) !== 1).map((id) => `question ${id}: ${wins.get(id) ?? 0} winners`);
  const badAccepts = accepts.filter((a) => a.outcome === 'error');
  const tutorRoomErrors = [...tutorDone.values()].flat();
  const bookingErrors = bookingResults.flatMap((b) => b.errors);
  const missingAlerts = askedIds.filter((id) => !alerts.has(id)).map((id) => `question ${id}: no tutor was alerted`);
  const claimsWithoutOneSession = await probe.claimsWithoutOneSession();
  const errorList = [
    ...connects.flatMap((c) => c.errors),
    ...questionErrors,
    ...badAccepts.map((a) => `accept ${a.status}: ${a.detail ?? ''}`),
    ...tutorRoomErrors,
    ...bookingErrors,
    ...socketErrors,
    ...winnerProblems,
    ...missingAlerts,
    ...(claimsWithoutOneSession ? [`${claimsWithoutOneSession} claimed questions without exactly one session`] : []),
    ...(ready === 200 ? [] : [`HAProxy /readyz answered ${ready} after the run`]),
  ];
  const errors = connectFailures + questionErrors.length + badAccepts.length + tutorRoomErrors.length + bookingErrors.length + socketErrors.length + winnerProblems.length + missingAlerts.length + (claimsWithoutOneSession ? 1 : 0) + (ready === 200 ? 0 : 1);
  const alertMs = (ids: string[]) => latencies(ids.filter((id) => alerts.has(id) && alertAfter.has(id)).map((id) => alerts.get(id)! - alertAfter.get(id)!));
  const claimMs = (phase: string) => latencies(accepts.filter((a) => a.phase === phase && a.outcome !== 'error').map((a) => a.ms));
  const sizeAfter = await probe.size();
  const rows = Object.fromEntries(
    await Promise.all(['users', 'auth_sessions', 'questions', 'question_notifications', 'question_events', 'question_photos', 'tutoring_sessions', 'room_messages', 'bookings', 'checkouts', 'payments', 'jobs'].map(async (t) => [t, await probe.count(t)] as const)),
  );
  const questionsDone = peakIds.length + idleIds.length;
  const nodeCpuTotalMs = nodeCpuMs.reduce((a, b) => a + b, 0);
  const paid = bookingResults.filter((b) => b.status === 'paid').length;
  const machineAtEnd = machineInfo();
  const figures = {
    population: { students: o.students, tutors: o.tutors, tutorSockets: o.tutorSockets, studentSockets: o.studentSockets, connected },
    knobs: { questionsPerMinute: round(o.questionsPerMinute, 2), bookingsPerMinute: o.bookingsPerMinute, minutes: o.minutes, sessionsPerDay: o.sessionsPerDay, peakShare: o.peakShare, acceptShare: o.acceptShare, idleQuestions: o.idleQuestions, nodes: o.nodes, workers: o.workers },
    errors,
    errorSamples: [...new Set(errorList)].slice(0, 10),
    nodeErrorLogLines: nodeErrorLines,
    nodeErrorSamples: lastErrors.slice(-5),
    questions: { idle: idleIds.length, peak: peakIds.length, perSecond: round(peakIds.length / peakWallS, 3) },
    accepts: { total: accepts.length, won: accepts.filter((a) => a.outcome === 'won').length, lost: accepts.filter((a) => a.outcome === 'lost').length, errors: badAccepts.length },
    bookings: { total: bookingResults.length, paid, taken: bookingResults.filter((b) => b.status === 'taken').length, ...pick(latencies(bookingResults.filter((b) => b.status === 'paid').map((b) => b.ms)), 'p50Ms', 'p99Ms') },
    askToFirstAlertMs: { idle: pick(alertMs(idleIds), 'n', 'p50Ms', 'p99Ms'), peak: pick(alertMs(peakIds), 'n', 'p50Ms', 'p99Ms') },
    claimMs: { idle: pick(claimMs('idle'), 'n', 'p50Ms', 'p99Ms', 'maxMs'), peak: pick(claimMs('peak'), 'n', 'p50Ms', 'p99Ms', 'maxMs') },
    nodes: cluster.nodes.map((n, i) => ({
      id: n.id,
      sockets: socketsPerNode[i],
      cpuCores: round(nodeCpuMs[i]! / 1000 / peakWallS, 3),
      rssMiB: { before: mib(rssBefore[i]!), connected: mib(rssConnected[i]!), after: mib(rssAfter[i]!) },
      heapMiB: mib(metricsAfter[i]!.heapBytes),
      eventLoopLagP99Ms: round(metricsAfter[i]!.eventLoopLagP99S * 1000, 1),
    })),
    memPerSocketKiB: round(memPerSocket / 1024, 2),
    cpu: {
      nodeMsPerQuestion: round(nodeCpuTotalMs / Math.max(1, peakIds.length), 1),
      nodeQuietCores: round(quietCores, 3),
      // The peak's CPU above the quiet window's (sockets alone), per question; bookings at their rate ride along.
      nodeMarginalMsPerQuestion: round(Math.max(0, nodeCpuTotalMs - quietCores * peakWallS * 1000) / Math.max(1, peakIds.length), 1),
      nodeCoresPeak: round(nodeCpuTotalMs / 1000 / peakWallS, 3),
      postgresMsPerQuestion: round(pgCpuMsTotal / Math.max(1, peakIds.length), 1),
      postgresCoresPeak: round(pgCpuMsTotal / 1000 / peakWallS, 3),
      haproxyCoresPeak: round(haproxyCpuMs / 1000 / peakWallS, 3),
      machineBusyCoresPeak: round(machineBusyCores, 2),
    },
    postgres: { connectionsMax: pgMax.total, activeMax: pgMax.active, maxConnections: await probe.maxConnections() },
    storage: {
      dbBytesEmpty: sizeEmpty,
      dbBytesSeeded: sizeSeeded,
      dbBytesAfter: sizeAfter,
      bytesPerUser: round((sizeSeeded - sizeEmpty) / (o.students + o.tutors), 1),
      bytesPerQuestion: round((sizeAfter - sizeSeeded) / Math.max(1, questionsDone + paid), 1),
      photoBytesPerQuestion: round(folderBytes(dataDir) / Math.max(1, questionsDone), 0),
      rows,
    },
    seedMs,
    runS: Math.round((Date.now() - wallStart) / 1000),
    machine: { ...machineAtEnd, loadAvgAtStart: machineAtStart.loadAvg, date: new Date().toISOString() },
  };
  for (const w of workers) await w.request({ cmd: 'close' }).catch(() => {});
  return figures;
}
export type PeakFigures = Awaited<ReturnType<typeof runPeak>>;

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const mib = (b: number) => round(b / 2 ** 20, 1);
function pick<T extends object, K extends keyof T>(o: T, ...keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, o[k]])) as Pick<T, K>;
}
