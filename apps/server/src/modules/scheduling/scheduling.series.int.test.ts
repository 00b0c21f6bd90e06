import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, relaxedLogin, signUpStudent, signUpTutor, type TestApp, startTestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { schema } from '../../../test/schema';
import { hashFeedToken } from './scheduling.ics';

/** A New York tutor's Monday afternoons, 16:00–20:00, bookable up to 30 days ahead. */
const newYorkMondays = {
  timeZone: 'America/New_York',
  rules: [{ weekday: 1, start: '16:00', end: '20:00' }],
  overrides: [],
  durationsMinutes: [60],
  bufferMinutes: 0,
  minNoticeMinutes: 60,
  maxPerDay: null,
  horizonDays: 30,
  cancelFreeHours: 24,
};

/** The properties of each VEVENT, lines unfolded (RFC 5545 §3.1). */
function events(ics: string): Record<string, string>[] {
  const lines = ics.replace(/\r\n[ \t]/g, '').split('\r\n');
  const out: Record<string, string>[] = [];
  let cur: Record<string, string> | null = null;
  let depth = 0;
  for (const line of lines) {
    if (line === 'BEGIN:VEVENT') {
      cur = {};
      depth = 0;
    } else if (line === 'END:VEVENT' && cur) {
      out.push(cur);
      cur = null;
    } else if (cur && line.startsWith('BEGIN:')) {
      depth++;
      cur[line] = 'yes';
    } else if (cur && line.startsWith('END:')) {
      depth--;
    } else if (cur) {
      const i = line.indexOf(':');
      const name = line.slice(0, i).split(';')[0]!;
      cur[depth ? `VALARM.${name}` : name] = line.slice(i + 1);
    }
  }
  return out;
}

/** Weekly series across the March daylight-saving changes (US 14 Mar 2027, UK 28 Mar 2027), and calendars. */
describeEachBackend('scheduling: weekly series and calendars', ({ db }) => {
  let t: TestApp;
  let nowMs = Date.parse('2027-03-01T00:00:00.000Z');
  const clock = { now: () => new Date(nowMs) };
  let tutor: { client: Client; id: string };
  let learner: { client: Client; id: string };
  let rival: { client: Client; id: string };
  let seriesId = '';
  let bookedIds: string[] = [];

  const newUser = async (kind: 'student' | 'tutor', timeZone: string) => {
    const client = new Client(t.baseUrl);
    const { user } = kind === 'student' ? await signUpStudent(client, { timeZone }) : await signUpTutor(client, { timeZone });
    return { client, id: user.id };
  };
  const preview = (q: string) => new Client(t.baseUrl).get(`/api/tutors/${tutor.id}/series-preview?${q}`);
  const bookSeries = (weeks: number, key: string) => learner.client.post('/api/bookings/series', { tutorId: tutor.id, start: '2027-03-08T21:00:00.000Z', durationMinutes: 60, weeks, idempotencyKey: key });

  beforeAll(async () => {
    t = await startTestApp(db().database, { login: relaxedLogin, publicUrl: 'https://tutorline.test' }, clock, { manualJobs: true });
    tutor = await newUser('tutor', 'America/New_York');
    expect((await tutor.client.put('/api/tutors/me/availability', newYorkMondays)).status).toBe(200);
    learner = await newUser('student', 'Europe/London');
    rival = await newUser('student', 'Europe/London');
  });
  afterAll(async () => {
    await t?.close();
  });

  it("previews weekly lessons on both clocks and warns about the weeks the learner's clock reads differently", async () => {
    const res = await preview('start=2027-03-08T21:00:00.000Z&duration=60&weeks=5&zone=Europe/London');
    expect(res.status, res.text).toBe(200);
    const occ = res.json.occurrences as { start: string; learnerLocal: { time: string }; tutorLocal: { time: string }; bookable: boolean; problem: string | null }[];
    // The tutor's 16:00 every week; London reads 21:00, then 20:00 while only the US has changed, then 21:00 again.
    expect(occ.map((o) => [o.start, o.tutorLocal.time, o.learnerLocal.time, o.problem])).toEqual([
      ['2027-03-08T21:00:00.000Z', '16:00', '21:00', null],
      ['2027-03-15T20:00:00.000Z', '16:00', '20:00', null],
      ['2027-03-22T20:00:00.000Z', '16:00', '20:00', null],
      ['2027-03-29T20:00:00.000Z', '16:00', '21:00', null],
      ['2027-04-05T20:00:00.000Z', '16:00', '21:00', 'beyond_horizon'],
    ]);
    expect(res.json.warnings.map((w: { start: string; shiftMinutes: number }) => [w.start, w.shiftMinutes])).toEqual([
      ['2027-03-15T20:00:00.000Z', -60],
      ['2027-03-22T20:00:00.000Z', -60],
    ]);
    expect(res.json.warnings[0].message).toContain('Mon 15 Mar, 20:00 (Europe/London)');

    for (const q of ['start=2027-03-08T21:00:00.000Z&duration=60&weeks=13&zone=Europe/London', 'start=2027-03-08T21:00:00.000Z&duration=60&weeks=1&zone=Europe/London', 'start=2027-03-08T21:00:00.000Z&duration=60&weeks=4&zone=Nowhere', 'start=soon&duration=60&weeks=4&zone=UTC']) {
      const bad = await preview(q);
      expect(bad.status, q).toBe(400);
    }
    expect((await new Client(t.baseUrl).get(`/api/tutors/${learner.id}/series-preview?start=2027-03-08T21:00:00.000Z&duration=60&weeks=4&zone=UTC`)).status).toBe(404);
  });

  it('books each week on its own: taken and too-far weeks are skipped with reasons, and a retry books nothing twice', async () => {
    const taken = await rival.client.post('/api/bookings', { tutorId: tutor.id, start: '2027-03-22T20:00:00.000Z', durationMinutes: 60, idempotencyKey: 'rival-0001' });
    expect(taken.status, taken.text).toBe(201);
    const first = await bookSeries(5, 'series-key-1');
    expect(first.status, first.text).toBe(200);
    seriesId = first.json.seriesId;
    bookedIds = first.json.booked.map((b: { id: string }) => b.id);
    expect(first.json.booked.map((b: { start: string; seriesId: string; status: string }) => [b.start, b.seriesId, b.status])).toEqual([
      ['2027-03-08T21:00:00.000Z', seriesId, 'confirmed'],
      ['2027-03-15T20:00:00.000Z', seriesId, 'confirmed'],
      ['2027-03-29T20:00:00.000Z', seriesId, 'confirmed'],
    ]);
    expect(first.json.skipped.map((s: { start: string; reason: string }) => [s.start, s.reason])).toEqual([
      ['2027-03-22T20:00:00.000Z', 'conflict'],
      ['2027-04-05T20:00:00.000Z', 'beyond_horizon'],
    ]);

    const retry = await bookSeries(5, 'series-key-1');
    expect(retry.json).toEqual(first.json);
    const rows = await db().database.db.select().from(schema.bookings).where(eq(schema.bookings.studentId, learner.id));
    expect(rows).toHaveLength(3);
    // Each week has its own confirmation notice.
    const notices = (await learner.client.get('/api/notifications')).json.notices as { kind: string; text: string }[];
    expect(notices.filter((n) => n.kind === 'booking_confirmed').map((n) => n.text)).toContain('Booked: your lesson with Test Tutor on Mon 15 Mar, 20:00 (Europe/London).');

    const bad = await learner.client.post('/api/bookings/series', { tutorId: tutor.id, start: '2027-03-08T21:00:00.000Z', durationMinutes: 60, weeks: 13, idempotencyKey: 'series-key-2' });
    expect(bad.status).toBe(400);
    expect((await tutor.client.post('/api/bookings/series', { tutorId: tutor.id, start: '2027-03-08T21:00:00.000Z', durationMinutes: 60, weeks: 2, idempotencyKey: 'series-key-3' })).status).toBe(403);
  });

  it('serves a lesson invitation to its parties only, with a stable UID, the sequence bumped by a move, and a reminder alarm', async () => {
    const [firstId] = bookedIds;
    const inv = await learner.client.get(`/api/bookings/${firstId}/invite.ics`);
    expect(inv.status).toBe(200);
    expect(inv.headers.get('content-type')).toContain('text/calendar');
    const [ev] = events(inv.text);
    expect(ev).toMatchObject({ UID: `${firstId}@tutorline`, DTSTART: '20270308T210000Z', DTEND: '20270308T220000Z', SEQUENCE: '0', STATUS: 'CONFIRMED', SUMMARY: 'Tutorline lesson with Test Tutor', 'VALARM.TRIGGER': '-PT15M' });
    expect(ev!.URL).toBe(`https://tutorline.test/bookings/${firstId}`);
    expect((await tutor.client.get(`/api/bookings/${firstId}/invite.ics`)).status).toBe(200);
    expect((await rival.client.get(`/api/bookings/${firstId}/invite.ics`)).status).toBe(404);
    expect((await new Client(t.baseUrl).get(`/api/bookings/${firstId}/invite.ics`)).status).toBe(401);

    const moved = await learner.client.post(`/api/bookings/${firstId}/reschedule`, { start: '2027-03-08T22:00:00.000Z', idempotencyKey: 'move-series-1' });
    expect(moved.status, moved.text).toBe(201);
    expect(moved.json.seriesId).toBe(seriesId);
    const [now] = events((await learner.client.get(`/api/bookings/${moved.json.id}/invite.ics`)).text);
    expect(now).toMatchObject({ UID: `${firstId}@tutorline`, DTSTART: '20270308T220000Z', SEQUENCE: '2', STATUS: 'CONFIRMED' });
    const [was] = events((await learner.client.get(`/api/bookings/${firstId}/invite.ics`)).text);
    expect(was).toMatchObject({ UID: `${firstId}@tutorline`, SEQUENCE: '1', STATUS: 'CANCELLED' });
    bookedIds[0] = moved.json.id;
  });

  it('keeps a personal feed behind a secret token (only its hash stored), listing live lessons; rotating it kills the old address', async () => {
    const created = await learner.client.post('/api/me/calendar-feed');
    expect(created.status, created.text).toBe(200);
    const url = new URL(created.json.url);
    expect(url.origin).toBe('https://tutorline.test');
    const token = /^\/cal\/([A-Za-z0-9_-]{43})\.ics$/.exec(url.pathname)![1]!;
    const [stored] = await db().database.db.select().from(schema.calendarFeeds).where(eq(schema.calendarFeeds.userId, learner.id));
    expect(stored!.tokenHash).toBe(hashFeedToken(token));
    expect(stored!.tokenHash).not.toContain(token);

    const feed = await new Client(t.baseUrl).get(url.pathname);
    expect(feed.status).toBe(200);
    const evs = events(feed.text);
    // The three live weeks (one of them moved); the moved-away booking is not listed on its own.
    expect(evs.map((e) => e.DTSTART).sort()).toEqual(['20270308T220000Z', '20270315T200000Z', '20270329T200000Z']);
    expect(evs.every((e) => e.STATUS === 'CONFIRMED')).toBe(true);

    const rotated = await learner.client.post('/api/me/calendar-feed');
    expect(rotated.json.url).not.toBe(created.json.url);
    expect((await new Client(t.baseUrl).get(url.pathname)).status).toBe(404);
    expect((await new Client(t.baseUrl).get(new URL(rotated.json.url).pathname)).status).toBe(200);
    expect((await new Client(t.baseUrl).get('/cal/not-a-token.ics')).status).toBe(404);
    expect((await new Client(t.baseUrl).get(`/cal/${'A'.repeat(43)}.ics`)).status).toBe(404);
  });

  it("cancels a series' lessons that have not started, telling both once; strangers get 404", async () => {
    expect((await rival.client.post(`/api/bookings/series/${seriesId}/cancel`)).status).toBe(404);
    expect((await learner.client.post('/api/bookings/series/not-an-id/cancel')).status).toBe(400);
    nowMs = Date.parse('2027-03-10T00:00:00.000Z');
    const res = await tutor.client.post(`/api/bookings/series/${seriesId}/cancel`);
    expect(res.status, res.text).toBe(200);
    expect(res.json.cancelled.map((b: { start: string; outcome: string }) => [b.start, b.outcome])).toEqual([
      ['2027-03-15T20:00:00.000Z', 'cancelled'],
      ['2027-03-29T20:00:00.000Z', 'cancelled'],
    ]);
    const left = (await learner.client.get('/api/bookings')).json.bookings.filter((b: { status: string }) => b.status !== 'cancelled');
    expect(left.map((b: { start: string }) => b.start)).toEqual(['2027-03-08T22:00:00.000Z']);
    const told = (await learner.client.get('/api/notifications')).json.notices.filter((n: { kind: string }) => n.kind === 'series_cancelled');
    expect(told.map((n: { text: string }) => n.text)).toEqual(['Test Tutor cancelled 2 weekly lessons, from Mon 15 Mar, 20:00 (Europe/London).']);
    expect((await tutor.client.post(`/api/bookings/series/${seriesId}/cancel`)).json.cancelled).toEqual([]);
  });
});
