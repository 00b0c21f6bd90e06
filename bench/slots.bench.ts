/**
 * Slot computation against reading the same rows: "Tutorline's slot search should stay within a small multiple of
 * reading the same rows" (DESIGN.md; Cal.com users report 10–47 s for a month of team availability).
 *
 * The code timed is the scheduling service's own (#14): `createSchedulingService(...).slots` is what
 * GET /api/tutors/:id/slots runs, and it is read-then-compute, `slotSearch.readSlotRows` (the tutor's policy and
 * scheduling.busyIntervals: non-cancelled bookings, live holds, instant sessions through rooms' index) then
 * `slotSearch.computeSlotsView` (computeSlots and the learner's view). Each round times the two steps of the same call
 * and checks that their result equals `slots()`'s.
 *
 * Database: the headline is PostgreSQL (a fresh database next to DATABASE_URL, dropped afterwards) when DATABASE_URL is
 * set, as in CI; the same run on an in-memory PGlite is reported beside it as pglite* fields. Without DATABASE_URL,
 * PGlite is the headline. Fixtures go straight into the database: 50 tutors in eight zones (Kolkata, London, New York,
 * Sydney, Singapore, Nairobi, São Paulo, Los Angeles) with realistic policies: weekday and weekend rules (some split
 * around lunch), date overrides (a day off, a day of extra hours), buffers of 0–15 minutes, daily caps, 30/45/60-minute
 * lengths, notice of 1–12 hours; and over the next 30 days, bookings placed on real slots (about a third of the free
 * hours), each checked bookable against the ones before it (so the exclusion constraint never fires), plus a few
 * cancelled.
 *
 * Rounds: one warm-up (not counted), then BENCH_ROUNDS (20). Headline ratio = p95(compute) / p95(read), better
 * 'lower', target 2.
 *
 * Knobs: BENCH_TUTORS (50), BENCH_ROUNDS (20), BENCH_DAYS (30), BENCH_TIMEOUT_S (600).
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { type Db, openDatabase } from '../apps/server/src/platform/db';
import { systemClock } from '../apps/server/src/platform/clock';
import { createLogger } from '../apps/server/src/platform/logger';
import { schema } from '../apps/server/test/schema';
import * as time from '../apps/server/src/platform/time';
import { createInbox, createNotifications } from '../apps/server/src/modules/notifications';
import { createSchedulingRepo, createSchedulingService } from '../apps/server/src/modules/scheduling';
import { type AvailabilityPolicy, type Busy, computeSlots, type SessionLength, slotIsBookable } from '../apps/server/src/modules/scheduling/scheduling.rules';
import { createPostgresDatabase } from '../apps/server/test/db';
import { envInt, latencies, machineInfo, onCleanup, percentile, ratio, report, round, runBench, seededRandom } from './lib';

const NAME = 'slots';
const TARGET = 2;
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

const random = (seed = 11) => seededRandom(seed);

const zones = ['Asia/Kolkata', 'Europe/London', 'America/New_York', 'Australia/Sydney', 'Asia/Singapore', 'Africa/Nairobi', 'America/Sao_Paulo', 'America/Los_Angeles'];
type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;
const weekdays: Weekday[] = [1, 2, 3, 4, 5];

function policyFor(i: number, rnd: () => number, today: string): AvailabilityPolicy & { cancelFreeHours: number } {
  const timeZone = zones[i % zones.length]!;
  const kind = i % 5;
  const rules =
    kind === 0
      ? [...weekdays.map((weekday) => ({ weekday, start: '16:00', end: '20:00' })), { weekday: 6 as Weekday, start: '09:00', end: '13:00' }]
      : kind === 1
        ? weekdays.flatMap((weekday) => [{ weekday, start: '07:00', end: '10:00' }, { weekday, start: '18:30', end: '22:00' }])
        : kind === 2
          ? [{ weekday: 6 as Weekday, start: '10:00', end: '18:00' }, { weekday: 7 as Weekday, start: '10:00', end: '16:00' }]
          : kind === 3
            ? ([1, 2, 3, 4, 5, 6] as Weekday[]).flatMap((weekday) => [{ weekday, start: '09:00', end: '12:30' }, { weekday, start: '13:30', end: '17:00' }])
            : ([1, 3, 5] as Weekday[]).map((weekday) => ({ weekday, start: '12:00', end: '21:00' }));
  const dayOff = time.addDaysLocal(today, 3 + Math.floor(rnd() * 20));
  const extra = time.addDaysLocal(today, 2 + Math.floor(rnd() * 25));
  const overrides = dayOff === extra ? [{ date: dayOff, ranges: [] }] : [{ date: dayOff, ranges: [] }, { date: extra, ranges: [{ start: '08:00', end: '11:00' }, { start: '15:00', end: '19:00' }] }];
  const durationSets: SessionLength[][] = [[30, 60], [60], [45, 60], [30, 45, 60]];
  return {
    timeZone,
    rules,
    overrides,
    durationsMinutes: durationSets[i % durationSets.length]!,
    bufferMinutes: [0, 5, 10, 15][i % 4]!,
    minNoticeMinutes: [60, 180, 720][i % 3]!,
    maxPerDay: [null, 3, 5, 4][i % 4]!,
    horizonDays: 60,
    cancelFreeHours: 24,
  };
}

const p95 = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 95);
const p50 = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);

/** Seeds the fixtures into `db`, then times the service's slots() in its two steps; returns the figures. */
async function measure(db: Db, nTutors: number, rounds: number, days: number) {
  // ---------- fixtures ----------
  const rnd = random();
  const now = new Date();
  const student = randomUUID();
  await db.insert(schema.users).values({ id: student, role: 'student', email: `slots-student-${student}@example.test`, passwordHash: 'x', displayName: 'Bench Student', createdAt: now, passwordChangedAt: now });
  const tutors: { id: string; policy: AvailabilityPolicy }[] = [];
  let bookingsInserted = 0;
  for (let i = 0; i < nTutors; i++) {
    const id = randomUUID();
    const today = time.instantToZoned(now, zones[i % zones.length]!).date;
    const p = policyFor(i, rnd, today);
    await db.insert(schema.users).values({ id, role: 'tutor', email: `slots-tutor-${id}@example.test`, passwordHash: 'x', displayName: `Bench Tutor ${i}`, timeZone: p.timeZone, createdAt: now, passwordChangedAt: now });
    await db.insert(schema.tutorProfiles).values({ userId: id, timeZone: p.timeZone, approvalStatus: 'approved' });
    await db.insert(schema.availabilityPolicies).values({
      tutorId: id,
      timeZone: p.timeZone,
      rules: p.rules,
      overrides: p.overrides,
      durations: p.durationsMinutes,
      bufferMinutes: p.bufferMinutes,
      minNoticeMinutes: p.minNoticeMinutes,
      maxPerDay: p.maxPerDay,
      horizonDays: p.horizonDays,
      cancelFreeHours: p.cancelFreeHours,
      updatedAt: now,
    });
    // Book about a third of the free hours, on real slots, each rechecked against the bookings before it.
    const busy: Busy[] = [];
    const to = new Date(now.getTime() + days * DAY_MS);
    const candidates = computeSlots(p, [], { from: now, to, now, durationMinutes: 60 > Math.max(...p.durationsMinutes) ? p.durationsMinutes[0]! : 60 }, time);
    const rows: (typeof schema.bookings.$inferInsert)[] = [];
    for (const s of candidates) {
      if (rnd() > 0.09) continue;
      const len = p.durationsMinutes[Math.floor(rnd() * p.durationsMinutes.length)]!;
      if (!slotIsBookable(p, busy, s.start, len, now, time)) continue;
      const end = new Date(s.start.getTime() + len * MINUTE_MS);
      busy.push({ start: s.start, end, kind: 'booking' });
      rows.push({ tutorId: id, studentId: student, startsAt: s.start, endsAt: end, status: 'confirmed', idempotencyKey: randomUUID(), createdAt: now });
    }
    // A few cancelled ones on top (the read filters them out).
    for (const s of candidates.filter((_, k) => k % 37 === 5)) rows.push({ tutorId: id, studentId: student, startsAt: s.start, endsAt: new Date(s.start.getTime() + 30 * MINUTE_MS), status: 'cancelled', idempotencyKey: randomUUID(), createdAt: now });
    if (rows.length) await db.insert(schema.bookings).values(rows);
    bookingsInserted += rows.length;
    tutors.push({ id, policy: p });
  }

  // ---------- the service, as the app builds it (no channels: slots send nothing) ----------
  const logger = createLogger('silent');
  const service = createSchedulingService({
    repo: createSchedulingRepo(db),
    clock: systemClock,
    logger,
    inbox: createInbox({ db, logger }),
    notifications: createNotifications({ channels: [], clock: systemClock, logger }),
  });
  const { readSlotRows, computeSlotsView } = service.slotSearch;

  // ---------- measurement ----------
  const from = now;
  const to = new Date(now.getTime() + days * DAY_MS);
  const read: number[] = [];
  const compute: number[] = [];
  let slotsFound = 0;
  let mismatches = 0;
  for (let round = 0; round <= rounds; round++) {
    const counted = round > 0;
    for (const t of tutors) {
      const q = { from, to, durationMinutes: Math.min(...t.policy.durationsMinutes), learnerZone: 'Europe/London' };
      // (a) read: step 1 of the service's slots().
      const r0 = performance.now();
      const rows = await readSlotRows(t.id, q);
      const r1 = performance.now();
      // (b) compute: step 2, from those rows in memory.
      const view = computeSlotsView(t.id, rows, q);
      const c1 = performance.now();
      if (counted) {
        read.push(r1 - r0);
        compute.push(c1 - r1);
        slotsFound += view.slots.length;
      } else if (!isDeepStrictEqual(view, await service.slots(t.id, q))) {
        // The two steps must be the route's call exactly (warm-up only: the clock moves between calls).
        mismatches++;
      }
    }
  }
  return { read, compute, slotsFound, mismatches, bookingsInserted };
}

async function main() {
  const machine = machineInfo();
  const nTutors = envInt('BENCH_TUTORS', 50);
  const rounds = envInt('BENCH_ROUNDS', 20);
  const days = envInt('BENCH_DAYS', 30);
  const backend: 'postgres' | 'pglite' = process.env.DATABASE_URL ? 'postgres' : 'pglite';
  console.log(`slots: ${machine.cpus} × ${machine.cpuModel}, ${machine.node}, load ${machine.loadAvg.join(' ')}; headline ${backend}, ${nTutors} tutors, ${days} days, ${rounds} rounds`);

  const pglite = await openDatabase({ kind: 'pglite-memory' });
  onCleanup(() => pglite.close());
  let head: Awaited<ReturnType<typeof measure>>;
  let extra: Awaited<ReturnType<typeof measure>> | null = null;
  if (backend === 'postgres') {
    const pgdb = await createPostgresDatabase();
    onCleanup(() => pgdb.drop());
    const database = await openDatabase({ kind: 'postgres', url: pgdb.url, poolMax: 4 });
    onCleanup(() => database.close());
    head = await measure(database.db, nTutors, rounds, days);
    extra = await measure(pglite.db, nTutors, rounds, days);
  } else {
    head = await measure(pglite.db, nTutors, rounds, days);
  }

  const headline = ratio(p95(head.compute), p95(head.read));
  const readL = latencies(head.read);
  const computeL = latencies(head.compute);
  console.log(`[${backend}] seeded ${nTutors} tutors and ${head.bookingsInserted} bookings; read p50 ${readL.p50Ms} ms p95 ${round(p95(head.read))} ms; compute p50 ${computeL.p50Ms} ms p95 ${round(p95(head.compute))} ms (${round(head.slotsFound / (head.read.length || 1), 1)} slots per tutor)`);
  if (extra) console.log(`[pglite] read p95 ${round(p95(extra.read))} ms; compute p95 ${round(p95(extra.compute))} ms → ratio ${ratio(p95(extra.compute), p95(extra.read))}`);
  console.log(`ratio p95(compute)/p95(read) = ${headline} (target ${TARGET}, lower is better); steps ≠ slots(): ${head.mismatches + (extra?.mismatches ?? 0)}`);

  report({
    bench: NAME,
    ratio: headline,
    better: 'lower',
    target: TARGET,
    // Fails closed: the two timed steps must be exactly what the route's slots() returns.
    ok: headline <= TARGET && head.mismatches === 0 && (extra?.mismatches ?? 0) === 0 && head.read.length > 0,
    backend,
    tutors: nTutors,
    days,
    rounds,
    bookings: head.bookingsInserted,
    slotsPerTutor: round(head.slotsFound / (head.read.length || 1), 1),
    readP50Ms: round(p50(head.read)),
    readP95Ms: round(p95(head.read)),
    computeP50Ms: round(p50(head.compute)),
    computeP95Ms: round(p95(head.compute)),
    ...(extra
      ? {
          pgliteReadP50Ms: round(p50(extra.read)),
          pgliteReadP95Ms: round(p95(extra.read)),
          pgliteComputeP50Ms: round(p50(extra.compute)),
          pgliteComputeP95Ms: round(p95(extra.compute)),
          pgliteRatio: ratio(p95(extra.compute), p95(extra.read)),
        }
      : {}),
    machine,
  });
}

await runBench(NAME, main);
