import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, relaxedLogin, signUpStudent, signUpTutor, type TestApp, startTestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { schema } from '../../../test/schema';
import { createSchedulingRepo } from './scheduling.repo';
import { everyDay } from '../../../test/availability';

const takenMessage = 'That slot was just taken. Please choose another time.';
/** A fixed "now": Monday 30 November 2026, 00:00 UTC (05:30 in Kolkata, 19:00 the day before in New York). */
const NOW = new Date('2026-11-30T00:00:00.000Z');

/** Kolkata evenings, 18:00–21:00 every day: 12:30–15:30 UTC, 07:30–10:30 in New York (EST, −05:00). */
const kolkataEvenings = everyDay('Asia/Kolkata', '18:00', '21:00', [{ date: '2026-12-25', ranges: [] }]);

describeEachBackend('scheduling: availability, slots and bookings', ({ db }) => {
  let t: TestApp;
  let tutor: { client: Client; id: string };
  const students: { client: Client; id: string }[] = [];

  const newStudent = async () => {
    const client = new Client(t.baseUrl);
    const { user } = await signUpStudent(client, { timeZone: 'America/New_York' });
    return { client, id: user.id };
  };
  const newTutor = async (policy: Record<string, unknown> = kolkataEvenings) => {
    const client = new Client(t.baseUrl);
    const { user } = await signUpTutor(client, { timeZone: 'Asia/Kolkata' });
    const res = await client.put('/api/tutors/me/availability', policy);
    expect(res.status, res.text).toBe(200);
    return { client, id: user.id };
  };
  const slotsOf = async (tutorId: string, from: string, to: string, duration = 60, zone = 'America/New_York') => {
    const res = await new Client(t.baseUrl).get(`/api/tutors/${tutorId}/slots?from=${from}&to=${to}&duration=${duration}&zone=${encodeURIComponent(zone)}`);
    expect(res.status, res.text).toBe(200);
    return res.json.slots as { start: string; end: string; learnerLocal: Record<string, unknown>; tutorLocal: Record<string, unknown>; dayDifference: number }[];
  };
  let keys = 0;
  const book = (s: { client: Client }, tutorId: string, start: string, durationMinutes = 60, idempotencyKey = `key-${++keys}-${Date.now()}`) =>
    s.client.post('/api/bookings', { tutorId, start, durationMinutes, idempotencyKey });

  beforeAll(async () => {
    t = await startTestApp(db().database, { login: relaxedLogin }, { now: () => NOW });
    tutor = await newTutor();
    for (let i = 0; i < 20; i++) students.push(await newStudent());
  });
  afterAll(async () => {
    await t?.close();
  });

  it('keeps a tutor policy (a default until set) and refuses a bad one with the reasons', async () => {
    const client = new Client(t.baseUrl);
    await signUpTutor(client, { timeZone: 'Europe/London' });
    const fresh = await client.get('/api/tutors/me/availability');
    expect(fresh.status).toBe(200);
    expect(fresh.json).toMatchObject({ timeZone: 'Europe/London', rules: [], updatedAt: null });

    const put = await client.put('/api/tutors/me/availability', kolkataEvenings);
    expect(put.status, put.text).toBe(200);
    const got = await client.get('/api/tutors/me/availability');
    expect(got.json).toEqual({ ...kolkataEvenings, updatedAt: NOW.toISOString() });

    const bad = await client.put('/api/tutors/me/availability', {
      ...kolkataEvenings,
      timeZone: 'Mars/Olympus_Mons',
      rules: [{ weekday: 1, start: '20:00', end: '18:00' }],
      durationsMinutes: [50],
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('validation_failed');
    const paths = (bad.json.error.details.fields as { path: string }[]).map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['timeZone', 'rules[0]', 'durationsMinutes']));
    // Unchanged after the refusal.
    expect((await client.get('/api/tutors/me/availability')).json.timeZone).toBe('Asia/Kolkata');

    expect((await students[0]!.client.put('/api/tutors/me/availability', kolkataEvenings)).status).toBe(403);
    expect((await new Client(t.baseUrl).get('/api/tutors/me/availability')).status).toBe(401);
  });

  it("shows a Kolkata tutor's evenings at the New York learner's local times", async () => {
    const slots = await slotsOf(tutor.id, '2026-12-07T00:00:00Z', '2026-12-08T00:00:00Z');
    // 18:00–21:00 IST with 60-minute lessons on a 15-minute grid: starts 18:00 … 20:00, nine of them.
    expect(slots).toHaveLength(9);
    expect(slots[0]).toEqual({
      start: '2026-12-07T12:30:00.000Z',
      end: '2026-12-07T13:30:00.000Z',
      learnerLocal: { date: '2026-12-07', weekday: 1, start: '07:30', end: '08:30', offset: '-05:00' },
      tutorLocal: { date: '2026-12-07', weekday: 1, start: '18:00', end: '19:00', offset: '+05:30' },
      dayDifference: 0,
    });
    expect(slots.at(-1)!.learnerLocal).toMatchObject({ start: '09:30', end: '10:30' });
    // A day off by override, a length not offered, a bad zone.
    expect(await slotsOf(tutor.id, '2026-12-25T00:00:00Z', '2026-12-26T00:00:00Z')).toEqual([]);
    expect(await slotsOf(tutor.id, '2026-12-07T00:00:00Z', '2026-12-08T00:00:00Z', 45)).toEqual([]);
    const badZone = await new Client(t.baseUrl).get(`/api/tutors/${tutor.id}/slots?from=2026-12-07T00:00:00Z&to=2026-12-08T00:00:00Z&duration=60&zone=Nowhere`);
    expect(badZone.status).toBe(400);
  });

  it('books a slot, returns the same booking for a repeat, and lists it for both parties', async () => {
    const s = students[0]!;
    const first = await book(s, tutor.id, '2026-12-07T12:30:00.000Z', 60, 'same-key-0001');
    expect(first.status, first.text).toBe(201);
    expect(first.json).toMatchObject({ tutorId: tutor.id, studentId: s.id, start: '2026-12-07T12:30:00.000Z', end: '2026-12-07T13:30:00.000Z', status: 'confirmed', outcome: null });
    const repeat = await book(s, tutor.id, '2026-12-07T12:30:00.000Z', 60, 'same-key-0001');
    expect(repeat.status).toBe(200);
    expect(repeat.json.id).toBe(first.json.id);

    for (const party of [s, tutor]) {
      const mine = await party.client.get('/api/bookings');
      expect(mine.json.bookings.filter((b: { id: string }) => b.id === first.json.id)).toHaveLength(1);
    }
    expect((await students[1]!.client.get('/api/bookings')).json.bookings).toEqual([]);
    // The slot and the ones overlapping it are gone: 13:30 UTC is the first start left.
    expect((await slotsOf(tutor.id, '2026-12-07T00:00:00Z', '2026-12-08T00:00:00Z')).map((x) => x.start)).toEqual([
      '2026-12-07T13:30:00.000Z',
      '2026-12-07T13:45:00.000Z',
      '2026-12-07T14:00:00.000Z',
      '2026-12-07T14:15:00.000Z',
      '2026-12-07T14:30:00.000Z',
    ]);
    expect(t.logs()).toContain('"event":"booking_confirmed"');
  });

  it("lists each booking with both parties' names and zones (the tutor's availability zone), for student and tutor alike", async () => {
    const client = new Client(t.baseUrl);
    const { user } = await signUpTutor(client, { timeZone: 'Europe/London', displayName: 'Meera Iyer' });
    expect((await client.put('/api/tutors/me/availability', kolkataEvenings)).status).toBe(200);
    const studentClient = new Client(t.baseUrl);
    const { user: student } = await signUpStudent(studentClient, { timeZone: 'America/New_York', displayName: 'Ishaan Das' });
    const made = await book({ client: studentClient }, user.id, '2026-12-08T12:30:00.000Z');
    expect(made.status, made.text).toBe(201);
    const parties = { tutor: { id: user.id, displayName: 'Meera Iyer', timeZone: 'Asia/Kolkata' }, student: { id: student.id, displayName: 'Ishaan Das', timeZone: 'America/New_York' } };
    for (const c of [studentClient, client]) {
      const mine = await c.get('/api/bookings');
      expect(mine.status, mine.text).toBe(200);
      expect(mine.json.bookings).toEqual([{ ...made.json, ...parties }]);
    }
  });

  it('gives a slot to exactly one of 20 students booking it at once; the others get 409 with fresh slots', async () => {
    const start = '2026-12-08T13:00:00.000Z';
    const results = await Promise.all(students.map((s) => book(s, tutor.id, start)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses, results.map((r) => r.text).join('\n')).toEqual([201, ...Array(19).fill(409)]);
    for (const r of results.filter((x) => x.status === 409)) {
      expect(r.json.error).toMatchObject({ code: 'conflict', message: takenMessage });
      const fresh = r.json.error.details.slots as { start: string; learnerLocal: { date: string } }[];
      expect(fresh.length).toBeGreaterThan(0);
      expect(fresh.map((x) => x.start)).not.toContain(start);
      for (const x of fresh) expect(x.start.startsWith('2026-12-08')).toBe(true);
    }
    const conflicts = t.logs().split('\n').filter((l) => l.includes('"event":"booking_conflict"') && l.includes(start));
    expect(conflicts).toHaveLength(19);
    const rows = await db().database.db.select().from(schema.bookings);
    expect(rows.filter((b) => b.startsAt.toISOString() === start && b.status !== 'cancelled')).toHaveLength(1);
  });

  it('refuses overlapping but different slots, whether checked first or racing, and so does the database itself', async () => {
    // Checked first: 13:00–14:00 overlaps the 12:30–13:30 booking of the 7th.
    const later = await book(students[1]!, tutor.id, '2026-12-07T13:00:00.000Z');
    expect(later.status).toBe(409);
    expect(later.json.error.message).toBe(takenMessage);

    // Racing: 12:30–13:30 and 13:00–14:00 on the 9th, at once, many times each.
    const racers = students.slice(0, 10).map((s, i) => book(s, tutor.id, i % 2 ? '2026-12-09T13:00:00.000Z' : '2026-12-09T12:30:00.000Z'));
    const results = await Promise.all(racers);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(9);

    // The exclusion constraint, without the service's check in front of it.
    const repo = createSchedulingRepo(db().database.db);
    const values = { tutorId: tutor.id, studentId: students[2]!.id, startsAt: new Date('2026-12-09T12:45:00Z'), endsAt: new Date('2026-12-09T13:15:00Z'), status: 'confirmed' as const, idempotencyKey: 'raw-insert-1', createdAt: new Date() };
    const err = await db()
      .database.db.transaction((tx) => repo.insertBooking(tx, values))
      .then(() => null, (e: unknown) => e);
    expect(err).not.toBeNull();
    let code: unknown;
    for (let e: any = err; e && !code; e = e.cause) code = e.code === '23P01' ? e.code : undefined;
    expect(code).toBe('23P01');
    // A cancelled booking does not block.
    await db().database.db.transaction((tx) => repo.insertBooking(tx, { ...values, status: 'cancelled', idempotencyKey: 'raw-insert-2' }));
  });

  it('frees the slot when a booking is cancelled, records who and when, and hides bookings from others (404)', async () => {
    const s = students[3]!;
    const made = await book(s, tutor.id, '2026-12-10T12:30:00.000Z');
    expect(made.status).toBe(201);
    const id = made.json.id as string;

    expect((await students[4]!.client.post(`/api/bookings/${id}/cancel`)).status).toBe(404);
    const otherTutor = await newTutor();
    expect((await otherTutor.client.post(`/api/bookings/${id}/cancel`)).status).toBe(404);
    expect((await s.client.post('/api/bookings/00000000-0000-4000-8000-000000000000/cancel')).status).toBe(404);

    const cancelled = await s.client.post(`/api/bookings/${id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.json).toMatchObject({ id, status: 'cancelled', cancelledBy: s.id, cancelledAt: NOW.toISOString(), outcome: 'cancelled' });
    expect((await slotsOf(tutor.id, '2026-12-10T00:00:00Z', '2026-12-11T00:00:00Z')).map((x) => x.start)).toContain('2026-12-10T12:30:00.000Z');
    const again = await book(students[4]!, tutor.id, '2026-12-10T12:30:00.000Z');
    expect(again.status).toBe(201);

    // Within cancelFreeHours (24) of the start, by the tutor: a late cancellation.
    const soon = await book(s, tutor.id, '2026-11-30T13:00:00.000Z');
    expect(soon.status, soon.text).toBe(201);
    const late = await tutor.client.post(`/api/bookings/${soon.json.id}/cancel`);
    expect(late.json).toMatchObject({ status: 'cancelled', cancelledBy: tutor.id, outcome: 'late_cancellation' });
    expect(t.logs()).toContain('"event":"booking_cancelled"');
  });

  it('refuses slots that break the rules with 400 and the reason', async () => {
    const s = students[5]!;
    const cases: [string, number, string][] = [
      ['2026-11-30T00:30:00.000Z', 60, 'too_soon'],
      ['2027-01-05T12:30:00.000Z', 60, 'beyond_horizon'],
      ['2026-12-11T03:00:00.000Z', 60, 'outside_availability'],
      ['2026-12-11T12:40:00.000Z', 60, 'outside_availability'],
      ['2026-12-25T12:30:00.000Z', 60, 'outside_availability'],
      ['2026-12-11T12:30:00.000Z', 45, 'duration_not_offered'],
    ];
    for (const [start, duration, reason] of cases) {
      const res = await book(s, tutor.id, start, duration);
      expect(res.status, `${start} ${res.text}`).toBe(400);
      expect(res.json.error.details).toEqual({ reason });
      expect(res.json.error.message.length).toBeGreaterThan(10);
    }
    const capped = await newTutor({ ...kolkataEvenings, maxPerDay: 1 });
    expect((await book(s, capped.id, '2026-12-11T12:30:00.000Z')).status).toBe(201);
    const full = await book(students[6]!, capped.id, '2026-12-11T14:30:00.000Z');
    expect(full.status).toBe(400);
    expect(full.json.error.details).toEqual({ reason: 'day_full' });
    expect((await tutor.client.post('/api/bookings', { tutorId: tutor.id, start: '2026-12-11T12:30:00.000Z', durationMinutes: 60, idempotencyKey: 'tutor-key-1' })).status).toBe(403);
  });

  it('treats an instant-help session in progress as busy for an hour from its start', async () => {
    const other = await newTutor();
    await db().database.db.insert(schema.tutoringSessions).values({ kind: 'instant', status: 'active', studentId: students[7]!.id, tutorId: other.id, startedAt: new Date('2026-11-30T13:00:00Z') });
    const starts = (await slotsOf(other.id, '2026-11-30T00:00:00Z', '2026-12-01T00:00:00Z')).map((x) => x.start);
    expect(starts).toEqual(['2026-11-30T14:00:00.000Z', '2026-11-30T14:15:00.000Z', '2026-11-30T14:30:00.000Z']);
  });
});
