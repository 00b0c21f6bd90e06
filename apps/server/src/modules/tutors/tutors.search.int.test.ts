/**
 * Search over 1,000 approved tutors (plus a few that must never show): database filters, availability filters,
 * sorts and pages checked against an oracle computed here from the seeded rows; timings logged.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, relaxedLogin, signUpStudent, type TestApp, startTestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { schema } from '../../../test/schema';
import * as time from '../../platform/time';
import { type AvailabilityPolicy, type Busy, computeSlots, type SessionLength } from '../scheduling/scheduling.rules';
import { memoZoneOps, partOfDay, publicRating, relevanceScore } from './tutors.rules';

/** Monday 30 November 2026, 00:00 UTC. */
const NOW = new Date('2026-11-30T00:00:00.000Z');
const DAY_MS = 86_400_000;
const N = 1000;
const zones = ['Asia/Kolkata', 'Europe/London', 'America/New_York', 'Australia/Sydney'];
const subjectIds = ['maths', 'physics', 'chemistry', 'english'];
const levels = ['grade-9-10', 'grade-11-12'];
const every = [1, 2, 3, 4, 5, 6, 7] as const;

interface Seeded {
  id: string;
  displayName: string;
  bio: string;
  languages: string[];
  currency: string;
  rate: number;
  subject: string;
  level: string;
  reviewSum: number;
  reviewCount: number;
  completed: number;
  helpSum: number;
  helpCount: number;
  accepted: number;
  policy: AvailabilityPolicy | null;
  busy: Busy[];
}

/** A seeded generator (mulberry32), so every run builds the same tutors. */
function random(seed = 7) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Seven kinds of availability, wall-clock in the tutor's zone; some free soon, some only later, some never. */
function policyFor(i: number, zone: string): { policy: AvailabilityPolicy | null; busy: Busy[] } {
  const base = { timeZone: zone, overrides: [], durationsMinutes: [30, 60] as SessionLength[], bufferMinutes: 0, minNoticeMinutes: 60, maxPerDay: null, horizonDays: 60 };
  const localDay = (d: number) => time.addDaysLocal(time.instantToZoned(NOW, zone).date, d);
  switch (i % 7) {
    case 0:
      return { policy: { ...base, rules: every.map((weekday) => ({ weekday, start: '09:00', end: '12:00' })) }, busy: [] };
    case 1:
      return { policy: { ...base, rules: ([1, 2, 3, 4, 5] as const).map((weekday) => ({ weekday, start: '18:00', end: '21:00' })) }, busy: [] };
    case 2:
      return { policy: { ...base, rules: [{ weekday: 6, start: '10:00', end: '14:00' }] }, busy: [] };
    case 3: {
      // One lesson a day at most, and the next ten days already have one: free from day 10 on.
      const busy: Busy[] = Array.from({ length: 11 }, (_, d) => {
        const start = time.zonedToInstant(localDay(d), '21:00', zone, 'compatible');
        return { start, end: new Date(start.getTime() + 30 * 60_000), kind: 'booking' as const };
      });
      return { policy: { ...base, maxPerDay: 1, rules: every.map((weekday) => ({ weekday, start: '21:00', end: '23:00' })) }, busy };
    }
    case 4:
      // A week off, then afternoons.
      return { policy: { ...base, rules: every.map((weekday) => ({ weekday, start: '13:00', end: '17:00' })), overrides: Array.from({ length: 8 }, (_, d) => ({ date: localDay(d), ranges: [] })) }, busy: [] };
    case 5:
      return { policy: null, busy: [] };
    default: {
      // Sunday mornings, 45/60 minutes with a 15-minute buffer; the first Sunday fully booked.
      const sunday = [0, 1, 2, 3, 4, 5, 6, 7].map(localDay).find((d) => time.weekdayOf(d) === 7)!;
      const start = time.zonedToInstant(sunday, '07:00', zone, 'compatible');
      return {
        policy: { ...base, durationsMinutes: [45, 60], bufferMinutes: 15, rules: [{ weekday: 7, start: '07:00', end: '09:00' }] },
        busy: [{ start, end: new Date(start.getTime() + 2 * 3_600_000), kind: 'booking' }],
      };
    }
  }
}

describeEachBackend('tutors: search over 1,000 tutors', ({ db, backend }) => {
  let t: TestApp;
  let favStudent: { client: Client; id: string };
  const tutors: Seeded[] = [];
  const favourites = new Set<string>();

  beforeAll(async () => {
    t = await startTestApp(db().database, { login: relaxedLogin, logLevel: 'debug' }, { now: () => NOW });
    const client = new Client(t.baseUrl);
    const { user } = await signUpStudent(client, { timeZone: 'America/New_York' });
    favStudent = { client, id: user.id };
    const d = db().database.db;
    const rnd = random();
    const firstNames = ['Asha', 'Ravi', 'Meera', 'Karan', 'Priya', 'Arjun', 'Sara', 'Dev', 'Emma', 'Liam', 'Olivia', 'Noah'];
    const lastNames = ['Sharma', 'Iyer', 'Khan', 'Patel', 'Brown', 'Lee', 'Okafor', 'Smith'];
    for (let i = 0; i < N; i++) {
      const zone = zones[i % zones.length]!;
      const usd = i % 3 === 0;
      const reviewCount = Math.floor(rnd() * 6) * (i % 4 === 0 ? 0 : 1);
      const helpCount = Math.floor(rnd() * 4);
      const { policy, busy } = policyFor(i, zone);
      tutors.push({
        id: randomUUID(),
        displayName: `${firstNames[i % firstNames.length]} ${lastNames[Math.floor(i / 12) % lastNames.length]} ${i}`,
        bio: i % 97 === 0 ? 'Olympiad coach: I teach problem solving through puzzles.' : `I teach ${subjectIds[i % 4]} with worked examples.`,
        languages: i % 5 === 0 ? ['English', 'Hindi'] : i % 5 === 1 ? ['English', 'Spanish'] : ['English'],
        currency: usd ? 'USD' : 'INR',
        rate: usd ? 1_000 + 100 * Math.floor(rnd() * 40) : 30_000 + 2_500 * Math.floor(rnd() * 40),
        subject: subjectIds[Math.floor(i / 4) % 4]!,
        level: levels[Math.floor(i / 16) % 2]!,
        reviewSum: 0,
        reviewCount,
        completed: Math.floor(rnd() * 50),
        helpSum: 0,
        helpCount,
        accepted: Math.floor(rnd() * 30),
        policy,
        busy,
      });
      const last = tutors.at(-1)!;
      last.reviewSum = Array.from({ length: reviewCount }, () => 1 + Math.floor(rnd() * 5)).reduce((a, b) => a + b, 0);
      last.helpSum = Array.from({ length: helpCount }, () => 3 + Math.floor(rnd() * 3)).reduce((a, b) => a + b, 0);
      if (i % 13 === 0) favourites.add(last.id);
    }
    // Tutors who must never appear: pending, suspended, disabled.
    const hidden = [
      { id: randomUUID(), status: 'pending' as const, disabled: false },
      { id: randomUUID(), status: 'suspended' as const, disabled: false },
      { id: randomUUID(), status: 'approved' as const, disabled: true },
    ];
    const chunk = <T>(xs: T[], size = 250) => Array.from({ length: Math.ceil(xs.length / size) }, (_, k) => xs.slice(k * size, (k + 1) * size));
    const allUsers = [
      ...tutors.map((x, i) => ({ id: x.id, role: 'tutor' as const, email: `search-tutor-${i}-${x.id}@example.test`, passwordHash: 'x', displayName: x.displayName, disabled: false, createdAt: NOW, passwordChangedAt: NOW })),
      ...hidden.map((h) => ({ id: h.id, role: 'tutor' as const, email: `hidden-${h.id}@example.test`, passwordHash: 'x', displayName: 'Hidden Olympiad Tutor', disabled: h.disabled, createdAt: NOW, passwordChangedAt: NOW })),
    ];
    for (const c of chunk(allUsers)) await d.insert(schema.users).values(c);
    for (const c of chunk(tutors))
      await d.insert(schema.tutorProfiles).values(
        c.map((x) => ({ userId: x.id, bio: x.bio, languages: x.languages, timeZone: x.policy?.timeZone ?? 'UTC', hourlyRateMinor: x.rate, currency: x.currency, approvalStatus: 'approved' as const, reviewSum: x.reviewSum, reviewCount: x.reviewCount, completedSessions: x.completed })),
      );
    await d.insert(schema.tutorProfiles).values(hidden.map((h) => ({ userId: h.id, bio: 'Olympiad coach', timeZone: 'UTC', approvalStatus: h.status, currency: 'INR', hourlyRateMinor: 40_000 })));
    for (const c of chunk([...tutors.map((x) => ({ tutorId: x.id, subjectId: x.subject, level: x.level })), ...hidden.map((h) => ({ tutorId: h.id, subjectId: 'maths', level: 'grade-9-10' }))]))
      await d.insert(schema.tutorSubjects).values(c);
    for (const c of chunk(tutors.filter((x) => x.helpCount || x.accepted)))
      await d.insert(schema.tutorHelpStats).values(c.map((x) => ({ tutorId: x.id, ratingSum: x.helpSum, ratingCount: x.helpCount, acceptedCount: x.accepted })));
    const withPolicy = tutors.filter((x) => x.policy);
    for (const c of chunk(withPolicy))
      await d.insert(schema.availabilityPolicies).values(
        c.map((x) => {
          const p = x.policy!;
          return { tutorId: x.id, timeZone: p.timeZone, rules: p.rules, overrides: p.overrides, durations: p.durationsMinutes, bufferMinutes: p.bufferMinutes, minNoticeMinutes: p.minNoticeMinutes, maxPerDay: p.maxPerDay, horizonDays: p.horizonDays, cancelFreeHours: 24, updatedAt: NOW };
        }),
      );
    await d.insert(schema.availabilityPolicies).values(hidden.map((h) => ({ tutorId: h.id, timeZone: 'UTC', rules: every.map((weekday) => ({ weekday, start: '00:00', end: '24:00' })), overrides: [], durations: [30], bufferMinutes: 0, minNoticeMinutes: 0, maxPerDay: null, horizonDays: 60, cancelFreeHours: 24, updatedAt: NOW })));
    const bookingRows = tutors.flatMap((x) => x.busy.map((b) => ({ tutorId: x.id, studentId: favStudent.id, startsAt: b.start, endsAt: b.end, status: 'confirmed' as const, idempotencyKey: randomUUID(), createdAt: NOW })));
    // A cancelled booking never blocks: one on every case-0 tutor's first morning.
    const cancelled = tutors
      .filter((_, i) => i % 7 === 0)
      .map((x) => {
        const start = time.zonedToInstant(time.instantToZoned(NOW, x.policy!.timeZone).date, '09:00', x.policy!.timeZone, 'compatible');
        return { tutorId: x.id, studentId: favStudent.id, startsAt: start, endsAt: new Date(start.getTime() + 3 * 3_600_000), status: 'cancelled' as const, idempotencyKey: randomUUID(), createdAt: NOW };
      });
    for (const c of chunk([...bookingRows, ...cancelled])) await d.insert(schema.bookings).values(c);
    for (const c of chunk([...favourites])) await d.insert(schema.studentTutorPrefs).values(c.map((tutorId) => ({ studentId: favStudent.id, tutorId, favourite: true })));
  });
  afterAll(async () => {
    await t?.close();
  });

  // ---------- the oracle ----------
  const rating = (x: Seeded) => publicRating({ reviewSum: x.reviewSum, reviewCount: x.reviewCount, helpRatingSum: x.helpSum, helpRatingCount: x.helpCount });
  const exactAverage = (x: Seeded) => (x.reviewCount + x.helpCount ? (x.reviewSum + x.helpSum) / (x.reviewCount + x.helpCount) : null);
  const sessions = (x: Seeded) => x.completed + x.accepted;
  const byId = (a: Seeded, b: Seeded) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const sorts = {
    rating: () => (a: Seeded, b: Seeded) => {
      const ra = exactAverage(a);
      const rb = exactAverage(b);
      if (ra === null || rb === null) return ra === rb ? byId(a, b) : ra === null ? 1 : -1;
      return rb - ra || b.reviewCount + b.helpCount - (a.reviewCount + a.helpCount) || byId(a, b);
    },
    price_asc: () => (a: Seeded, b: Seeded) => a.rate - b.rate || byId(a, b),
    price_desc: () => (a: Seeded, b: Seeded) => b.rate - a.rate || byId(a, b),
  };
  const zonesMemo = memoZoneOps(time);
  /** Every slot (no early exit) of the shortest length in [now, now + days), each read in the learner's zone. */
  const available = (x: Seeded, days: number, parts?: string[], zone?: string) => {
    if (!x.policy) return false;
    const slots = computeSlots(x.policy, x.busy, { from: NOW, to: new Date(NOW.getTime() + days * DAY_MS), now: NOW, durationMinutes: Math.min(...x.policy.durationsMinutes) }, zonesMemo);
    return slots.some((s) => !parts || parts.includes(partOfDay(time.instantToZoned(s.start, zone!).time)));
  };

  /**
   * Relevance order: the same tutors as the oracle, each score ≥ the next one's (within 1e-9: PostgreSQL's ln and
   * JavaScript's Math.log may differ in the last bit), and equal scores by id.
   */
  const expectRelevanceOrder = (ids: string[], expected: Seeded[], favs: Set<string>) => {
    expect([...ids].sort()).toEqual(expected.map((x) => x.id).sort());
    const byIdMap = new Map(tutors.map((x) => [x.id, x]));
    const score = (id: string) => {
      const x = byIdMap.get(id)!;
      return relevanceScore({ ratingSum: x.reviewSum + x.helpSum, ratingCount: x.reviewCount + x.helpCount, sessions: sessions(x), favourite: favs.has(x.id) });
    };
    for (let i = 1; i < ids.length; i++) {
      const a = score(ids[i - 1]!);
      const b = score(ids[i]!);
      expect(a - b, `${i}`).toBeGreaterThan(-1e-9);
      if (a === b) expect(ids[i - 1]! < ids[i]!).toBe(true);
    }
  };

  const search = async (qs: string, client = new Client(t.baseUrl)) => {
    const started = performance.now();
    const res = await client.get(`/api/tutors?${qs}`);
    const ms = performance.now() - started;
    expect(res.status, res.text).toBe(200);
    return { ...(res.json as { tutors: any[]; total: number; page: number; pageSize: number; nextPage: number | null }), ms };
  };
  /** All pages of a query, checking the page arithmetic on the way. */
  const allPages = async (qs: string, client?: Client) => {
    const ids: string[] = [];
    let page: number | null = 1;
    let total = -1;
    while (page) {
      const r = await search(`${qs}&pageSize=50&page=${page}`, client);
      if (total === -1) total = r.total;
      expect(r.total).toBe(total);
      expect(r.tutors.length).toBeLessThanOrEqual(50);
      ids.push(...r.tutors.map((x) => x.id as string));
      page = r.nextPage;
    }
    expect(ids.length).toBe(total);
    return ids;
  };

  it('pages through every approved tutor in relevance order, each once, with the total', async () => {
    const ids = await allPages('sort=relevance');
    expect(ids.length).toBe(N);
    expectRelevanceOrder(ids, tutors, new Set());
    // Beyond the last page: empty, same total.
    const beyond = await search('page=30&pageSize=50');
    expect(beyond).toMatchObject({ tutors: [], total: N, nextPage: null });
  });

  it('filters by subject, level, language, price and rating in SQL, and sorts by price and rating', async () => {
    const want = tutors.filter((x) => x.subject === 'physics' && x.level === 'grade-11-12' && x.languages.includes('Hindi') === false && x.currency === 'INR' && x.rate >= 40_000 && x.rate <= 100_000);
    const ids = await allPages('subject=physics&level=grade-11-12&currency=INR&minPrice=40000&maxPrice=100000&sort=price_asc');
    const expected = tutors.filter((x) => x.subject === 'physics' && x.level === 'grade-11-12' && x.currency === 'INR' && x.rate >= 40_000 && x.rate <= 100_000).sort(sorts.price_asc());
    expect(ids).toEqual(expected.map((x) => x.id));
    expect(want.length).toBeLessThan(expected.length);

    const hindi = await allPages('language=hindi&minRating=4&sort=rating');
    const hindiExpected = tutors.filter((x) => x.languages.includes('Hindi') && (exactAverage(x) ?? 0) >= 4).sort(sorts.rating());
    expect(hindiExpected.length).toBeGreaterThan(10);
    expect(hindi).toEqual(hindiExpected.map((x) => x.id));

    const desc = await allPages('currency=USD&sort=price_desc');
    expect(desc).toEqual(tutors.filter((x) => x.currency === 'USD').sort(sorts.price_desc()).map((x) => x.id));

    const r = await search('subject=maths&pageSize=3');
    const first = tutors.find((x) => x.id === r.tutors[0].id)!;
    expect(r.tutors[0]).toMatchObject({ displayName: first.displayName, hourlyRateMinor: first.rate, currency: first.currency, rating: rating(first), sessions: sessions(first), favourite: false });
    expect(r.tutors[0].subjects).toEqual([{ subjectId: 'maths', subjectName: 'Mathematics', level: first.level }]);
  });

  it('matches free text over name and bio, and never shows unapproved or disabled tutors', async () => {
    const ids = await allPages('q=olympiad');
    expect(ids.sort()).toEqual(tutors.filter((x) => /olympiad/i.test(x.bio)).map((x) => x.id).sort());
    const byName = await search('q=Meera%20Iyer');
    expect(byName.total).toBe(tutors.filter((x) => x.displayName.includes('Meera Iyer')).length);
    expect((await search('q=%25')).total).toBe(0);
  });

  it('bad queries are 400 with the reason', async () => {
    for (const qs of ['pageSize=51', 'timesOfDay=morning', 'minPrice=100', 'sort=cheapest', 'timesOfDay=brunch&zone=UTC', 'zone=Mars/Base&timesOfDay=night', 'minPrice=10&maxPrice=5&currency=INR']) {
      const res = await new Client(t.baseUrl).get(`/api/tutors?${qs}`);
      expect(res.status, qs).toBe(400);
      expect(res.json.error.code).toBe('validation_failed');
    }
  });

  it('keeps only tutors with a bookable slot soon, and within parts of the learner’s day (timings printed, not asserted)', async () => {
    const cases: { qs: string; days: number; parts?: string[]; zone?: string }[] = [
      { qs: 'availableWithinDays=3', days: 3 },
      { qs: 'availableWithinDays=12', days: 12 },
      { qs: 'timesOfDay=morning&zone=America%2FNew_York', days: 14, parts: ['morning'], zone: 'America/New_York' },
      { qs: 'timesOfDay=evening,night&zone=Asia%2FKolkata&availableWithinDays=7', days: 7, parts: ['evening', 'night'], zone: 'Asia/Kolkata' },
      { qs: 'timesOfDay=afternoon&zone=Australia%2FSydney&availableWithinDays=5', days: 5, parts: ['afternoon'], zone: 'Australia/Sydney' },
    ];
    const timings: Record<string, number> = {};
    for (const c of cases) {
      const ids = await allPages(`${c.qs}&sort=price_asc`);
      const expected = tutors.filter((x) => available(x, c.days, c.parts, c.zone)).sort(sorts.price_asc());
      expect(ids, c.qs).toEqual(expected.map((x) => x.id));
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(N);
      // The whole 1,000 tutors through the availability filter, one page out: the median of three.
      const runs: number[] = [];
      for (let k = 0; k < 3; k++) runs.push((await search(`${c.qs}&pageSize=20`)).ms);
      timings[c.qs] = Math.round(runs.sort((a, b) => a - b)[1]!);
    }
    // Combined with database filters: the availability work runs on the candidates only.
    const combined = await allPages('subject=maths&availableWithinDays=4&sort=rating');
    expect(combined).toEqual(tutors.filter((x) => x.subject === 'maths' && available(x, 4)).sort(sorts.rating()).map((x) => x.id));
    console.log(`[${backend}] search over ${N} tutors with availability filters, ms per request (median of 3):`, JSON.stringify(timings));
    // The service's own breakdown of the last requests (candidates query, policy and busy reads, slot computation).
    const breakdown = t
      .logs()
      .split('\n')
      .filter((l) => l.includes('"tutor_search_availability"'))
      .slice(-5)
      .map((l) => JSON.parse(l) as Record<string, number>)
      .map(({ candidates, kept, readMs, computeMs, totalMs }) => ({ candidates, kept, readMs, computeMs, totalMs }));
    console.log(`[${backend}] breakdown:`, JSON.stringify(breakdown));
    // Speed is the benchmarks' business (bench slots): a per-request limit here failed only on a loaded machine (stop 27).
  });

  it('agrees with the slots endpoint for a sample of tutors', async () => {
    const anon = new Client(t.baseUrl);
    const { tutors: found } = await search('availableWithinDays=3&pageSize=50');
    const foundIds = new Set(found.map((x) => x.id as string));
    const all = new Set(await allPages('availableWithinDays=3'));
    for (const x of tutors.filter((_, i) => i % 71 === 0)) {
      if (!x.policy) continue;
      const to = new Date(NOW.getTime() + 3 * DAY_MS).toISOString();
      const res = await anon.get(`/api/tutors/${x.id}/slots?from=${NOW.toISOString()}&to=${to}&duration=${Math.min(...x.policy.durationsMinutes)}&zone=UTC`);
      expect(res.status, res.text).toBe(200);
      expect(all.has(x.id), x.displayName).toBe(res.json.slots.length > 0);
    }
    expect(foundIds.size).toBeGreaterThan(0);
  });

  it('shows a student their favourites first among equals, and only them with favouritesOnly', async () => {
    const ids = await allPages('favouritesOnly=true', favStudent.client);
    expectRelevanceOrder(ids, tutors.filter((x) => favourites.has(x.id)), favourites);
    const mine = await allPages('sort=relevance', favStudent.client);
    expectRelevanceOrder(mine, tutors, favourites);
    // The bonus lifts favourites: they sit higher on average than without it.
    const anonymous = await allPages('sort=relevance');
    const meanRank = (list: string[]) => list.reduce((acc, id, i) => acc + (favourites.has(id) ? i : 0), 0) / favourites.size;
    expect(meanRank(mine)).toBeLessThan(meanRank(anonymous));
    const page = await search('favouritesOnly=true&pageSize=5', favStudent.client);
    expect(page.tutors.every((x) => x.favourite === true)).toBe(true);
    expect((await new Client(t.baseUrl).get('/api/tutors?favouritesOnly=true')).status).toBe(401);
    const withAvailability = await allPages('favouritesOnly=true&availableWithinDays=5', favStudent.client);
    expectRelevanceOrder(withAvailability, tutors.filter((x) => favourites.has(x.id) && available(x, 5)), favourites);
  });
});
