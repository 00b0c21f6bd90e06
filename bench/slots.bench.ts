/**
 * Slot computation against reading the same rows: "Tutorline's slot search should stay within a small multiple of
 * reading the same rows" (DESIGN.md; Cal.com users report 10–47 s for a month of team availability).
 *
 * Database: a fresh PostgreSQL database next to DATABASE_URL when it is set (dropped afterwards), else an in-memory
 * PGlite. Fixtures go straight into it: 50 tutors in eight zones (Kolkata, London, New York, Sydney, Singapore,
 * Nairobi, São Paulo, Los Angeles) with realistic policies: weekday and weekend rules (some split around lunch),
 * date overrides (a day off, a day of extra hours), buffers of 0–15 minutes, daily caps, 30/45/60-minute lengths,
 * notice of 1–12 hours; and over the next 30 days, bookings placed on real slots (about a third of the free hours),
 * each checked bookable against the ones before it (so the exclusion constraint never fires), plus a few cancelled.
 *
 * For each tutor, every round:
 *   (a) read: the rows the scheduling service reads for slots(): its policy (findPolicy), its non-cancelled bookings
 *       in the window widened by a day each side (activeBookings) and its instant sessions in progress
 *       (activeInstantSessions), through the scheduling repo itself;
 *   (b) compute: from those rows in memory, the policy and busy intervals as the service builds them, then
 *       computeSlots over the 30 days for the tutor's shortest length, with the platform time module.
 * Rounds: one warm-up (not counted), then BENCH_ROUNDS (20). Headline ratio = p95(compute) / p95(read), better
 * 'lower', target 2. Also reported: the same computation with memoZoneOps (tutors.rules.ts: memoised calendar and
 * wall-clock answers, as search uses them) and where computeSlots spends its time (a timing ZoneOps wrapper).
 *
 * Knobs: BENCH_TUTORS (50), BENCH_ROUNDS (20), BENCH_DAYS (30), BENCH_TIMEOUT_S (600).
 */
import { randomUUID } from 'node:crypto';
import { type Database, openDatabase } from '../apps/server/src/platform/db';
import { schema } from '../apps/server/test/schema';
import * as time from '../apps/server/src/platform/time';
import { createSchedulingRepo, INSTANT_SESSION_BUSY_MINUTES } from '../apps/server/src/modules/scheduling';
import { type AvailabilityPolicy, type Busy, computeSlots, type SessionLength, slotIsBookable, type ZoneOps } from '../apps/server/src/modules/scheduling/scheduling.rules';
import { memoZoneOps } from '../apps/server/src/modules/tutors/tutors.rules';
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

/** Timing wrapper: where computeSlots' time goes, by zone function (the rest is its own arithmetic). */
function timingZones(base: ZoneOps) {
  const spent: Record<string, { calls: number; ms: number }> = {};
  const wrap =
    <A extends unknown[], R>(name: string, fn: (...args: A) => R) =>
    (...args: A): R => {
      const s = performance.now();
      try {
        return fn(...args);
      } finally {
        const e = (spent[name] ??= { calls: 0, ms: 0 });
        e.calls++;
        e.ms += performance.now() - s;
      }
    };
  const zonesOut: ZoneOps = {
    instantToZoned: wrap('instantToZoned', base.instantToZoned),
    zonedToInstant: wrap('zonedToInstant', base.zonedToInstant),
    wallClockIntervals: wrap('wallClockIntervals', base.wallClockIntervals),
    addDaysLocal: wrap('addDaysLocal', base.addDaysLocal),
    weekdayOf: wrap('weekdayOf', base.weekdayOf),
    localDatesBetween: wrap('localDatesBetween', base.localDatesBetween),
  };
  return { zones: zonesOut, spent };
}

async function main() {
  const machine = machineInfo();
  const nTutors = envInt('BENCH_TUTORS', 50);
  const rounds = envInt('BENCH_ROUNDS', 20);
  const days = envInt('BENCH_DAYS', 30);
  let database: Database;
  let backend: 'postgres' | 'pglite';
  if (process.env.DATABASE_URL) {
    const pgdb = await createPostgresDatabase();
    onCleanup(() => pgdb.drop());
    database = await openDatabase({ kind: 'postgres', url: pgdb.url, poolMax: 4 });
    backend = 'postgres';
  } else {
    database = await openDatabase({ kind: 'pglite-memory' });
    backend = 'pglite';
  }
  onCleanup(() => database.close());
  const db = database.db;
  console.log(`slots: ${machine.cpus} × ${machine.cpuModel}, ${machine.node}, load ${machine.loadAvg.join(' ')}; ${backend}, ${nTutors} tutors, ${days} days, ${rounds} rounds`);

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
    // A few cancelled ones on top (the read filters them out, as the service does).
    for (const s of candidates.filter((_, k) => k % 37 === 5)) rows.push({ tutorId: id, studentId: student, startsAt: s.start, endsAt: new Date(s.start.getTime() + 30 * MINUTE_MS), status: 'cancelled', idempotencyKey: randomUUID(), createdAt: now });
    if (rows.length) await db.insert(schema.bookings).values(rows);
    bookingsInserted += rows.length;
    tutors.push({ id, policy: p });
  }
  console.log(`seeded ${nTutors} tutors with policies and ${bookingsInserted} bookings over ${days} days`);

  // ---------- measurement ----------
  const repo = createSchedulingRepo(db);
  const from = now;
  const to = new Date(now.getTime() + days * DAY_MS);
  const pad = DAY_MS + (60 + 15) * MINUTE_MS;
  const read: number[] = [];
  const compute: number[] = [];
  const computeMemo: number[] = [];
  let slotsFound = 0;
  const profile = timingZones(time);
  for (let round = 0; round <= rounds; round++) {
    const counted = round > 0;
    for (const t of tutors) {
      // (a) read the rows, as scheduling.service slots() does.
      const r0 = performance.now();
      const row = await repo.findPolicy(t.id);
      const [booked, instant] = [await repo.activeBookings(t.id, new Date(from.getTime() - pad), new Date(to.getTime() + pad)), await repo.activeInstantSessions(t.id)];
      const r1 = performance.now();
      // (b) from those rows in memory: policy and busy intervals, then the slots.
      const c0 = performance.now();
      const policy: AvailabilityPolicy = {
        timeZone: row!.timeZone,
        rules: row!.rules,
        overrides: row!.overrides,
        durationsMinutes: row!.durations as SessionLength[],
        bufferMinutes: row!.bufferMinutes,
        minNoticeMinutes: row!.minNoticeMinutes,
        maxPerDay: row!.maxPerDay,
        horizonDays: row!.horizonDays,
      };
      const busy: Busy[] = [
        ...booked.filter((b) => b.status !== 'held' || !b.heldUntil || b.heldUntil > now).map((b): Busy => ({ start: b.startsAt, end: b.endsAt, kind: 'booking' })),
        ...instant.map((start): Busy => ({ start, end: new Date(start.getTime() + INSTANT_SESSION_BUSY_MINUTES * MINUTE_MS), kind: 'instant' })),
      ];
      const q = { from, to, now, durationMinutes: Math.min(...policy.durationsMinutes) };
      const found = computeSlots(policy, busy, q, time);
      const c1 = performance.now();
      // The same with memoised zone answers (a fresh memo per tutor: no sharing across tutors here).
      const m0 = performance.now();
      computeSlots(policy, busy, q, memoZoneOps(time));
      const m1 = performance.now();
      if (counted) {
        read.push(r1 - r0);
        compute.push(c1 - c0);
        computeMemo.push(m1 - m0);
        slotsFound += found.length;
      } else {
        // The profile: one pass, outside the timed work.
        computeSlots(policy, busy, q, profile.zones);
      }
    }
  }

  const p95 = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 95);
  const p50 = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);
  const readL = latencies(read);
  const computeL = latencies(compute);
  const memoL = latencies(computeMemo);
  const headline = ratio(p95(compute), p95(read));
  const profileMs = Object.fromEntries(Object.entries(profile.spent).map(([k, v]) => [k, { calls: v.calls, ms: round(v.ms, 2), usPerCall: round((v.ms / v.calls) * 1000, 1) }]));
  const totalProfiled = Object.values(profile.spent).reduce((a, v) => a + v.ms, 0);
  console.log(`read    p50 ${readL.p50Ms} ms  p95 ${round(p95(read))} ms  (${read.length} samples)`);
  console.log(`compute p50 ${computeL.p50Ms} ms  p95 ${round(p95(compute))} ms  (${round(slotsFound / read.length, 1)} slots per tutor on average)`);
  console.log(`compute with memoZoneOps p50 ${memoL.p50Ms} ms  p95 ${round(p95(computeMemo))} ms  → ratio ${ratio(p95(computeMemo), p95(read))}`);
  console.log(`where computeSlots spends its time (one pass over ${nTutors} tutors, zone functions ${round(totalProfiled, 1)} ms in all):`);
  for (const [k, v] of Object.entries(profileMs).sort((a, b) => b[1].ms - a[1].ms)) console.log(`  ${k.padEnd(20)} ${String(v.calls).padStart(7)} calls  ${String(v.ms).padStart(8)} ms  ${v.usPerCall} µs/call`);
  console.log(`ratio p95(compute)/p95(read) = ${headline} (target ${TARGET}, lower is better)`);

  report({
    bench: NAME,
    ratio: headline,
    better: 'lower',
    target: TARGET,
    ok: headline <= TARGET,
    backend,
    tutors: nTutors,
    days,
    rounds,
    bookings: bookingsInserted,
    slotsPerTutor: round(slotsFound / (read.length || 1), 1),
    readP50Ms: round(p50(read)),
    readP95Ms: round(p95(read)),
    computeP50Ms: round(p50(compute)),
    computeP95Ms: round(p95(compute)),
    memoComputeP50Ms: round(p50(computeMemo)),
    memoComputeP95Ms: round(p95(computeMemo)),
    memoRatio: ratio(p95(computeMemo), p95(read)),
    profile: profileMs,
    machine,
  });
}

await runBench(NAME, main);
