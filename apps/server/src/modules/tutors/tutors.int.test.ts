import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, relaxedLogin, signUpStudent, signUpTutor, type TestApp, startTestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { jpegBytes, listFiles, makeDataDir, removeDir } from '../../../test/help';
import { schema } from '../../../test/schema';
import { createIdentityRepo } from '../identity';
import { sendFile } from '../../../test/uploads';

/** Monday 30 November 2026, 00:00 UTC. */
const NOW = new Date('2026-11-30T00:00:00.000Z');
const { bookings, bookingReviews, tutorProfiles, tutorHelpStats } = schema;

async function putPhoto(baseUrl: string, cookie: string, data: Buffer | string, filename = 'me.jpg', type = 'image/jpeg') {
  return sendFile(`${baseUrl}/api/tutors/me/photo`, cookie, data, filename, type, 'PUT');
}

describeEachBackend('tutors: public profile, photo, favourites and reviews', ({ db, backend }) => {
  let t: TestApp;
  let dataDir: string;
  const photoFiles = () => listFiles(dataDir).filter((f) => f.startsWith('files/tutor-photos'));
  let tutor: { client: Client; id: string };
  let student: { client: Client; id: string };

  const newTutor = async (opts: { approved?: boolean; profile?: Record<string, unknown> } = {}) => {
    const client = new Client(t.baseUrl);
    const { user } = await signUpTutor(client, { timeZone: 'Asia/Kolkata', displayName: 'Meera Iyer' });
    if (opts.approved ?? true) await createIdentityRepo(t.app.database.db).setApproval(user.id, 'approved', user.id, NOW);
    const res = await client.put('/api/tutors/me/profile', {
      bio: 'I have taught physics for nine years and love making hard ideas simple.',
      subjects: [
        { subjectId: 'physics', level: 'grade-11-12' },
        { subjectId: 'maths', level: 'grade-9-10' },
      ],
      languages: ['English', 'Tamil'],
      hourlyRateMinor: 60_000,
      currency: 'INR',
      ...opts.profile,
    });
    expect(res.status, res.text).toBe(200);
    return { client, id: user.id };
  };
  const newStudent = async (displayName = 'Aarav Sharma') => {
    const client = new Client(t.baseUrl);
    const { user } = await signUpStudent(client, { displayName });
    return { client, id: user.id };
  };
  let n = 0;
  /** A booked lesson written straight into the table (completing lessons belongs to the scheduling module). */
  const booking = async (tutorId: string, studentId: string, status: 'confirmed' | 'completed' | 'cancelled' = 'completed') => {
    const start = new Date(NOW.getTime() - (++n + 1) * 3_600_000 * 2);
    const [row] = await db()
      .database.db.insert(bookings)
      .values({ tutorId, studentId, startsAt: start, endsAt: new Date(start.getTime() + 3_600_000), status, idempotencyKey: `k-${randomUUID()}`, createdAt: NOW })
      .returning();
    return row!.id;
  };
  const figures = async (tutorId: string) => {
    const [row] = await db().database.db.select({ sum: tutorProfiles.reviewSum, count: tutorProfiles.reviewCount }).from(tutorProfiles).where(eq(tutorProfiles.userId, tutorId));
    return row!;
  };

  beforeAll(async () => {
    dataDir = makeDataDir();
    t = await startTestApp(db().database, { login: relaxedLogin, dataDir }, { now: () => NOW });
    tutor = await newTutor();
    student = await newStudent();
  });
  afterAll(async () => {
    await t?.close();
    removeDir(dataDir);
  });

  it('shows an approved tutor’s public profile to anyone; 404 for unapproved or unknown tutors', async () => {
    const anon = new Client(t.baseUrl);
    const res = await anon.get(`/api/tutors/${tutor.id}`);
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual({
      id: tutor.id,
      displayName: 'Meera Iyer',
      photoUrl: null,
      headline: 'I have taught physics for nine years and love making hard ideas simple.',
      bio: 'I have taught physics for nine years and love making hard ideas simple.',
      subjects: [
        { subjectId: 'maths', subjectName: 'Mathematics', level: 'grade-9-10' },
        { subjectId: 'physics', subjectName: 'Physics', level: 'grade-11-12' },
      ],
      languages: ['English', 'Tamil'],
      hourlyRateMinor: 60_000,
      currency: 'INR',
      rating: { average: null, count: 0 },
      sessions: 0,
      timeZone: 'Asia/Kolkata',
      favourite: false,
      latestReviews: [],
      reviewsNextCursor: null,
      durationsMinutes: [],
      cancelFreeHours: null,
      availabilityTimeZone: null,
      lessonPrices: [],
    });
    const pending = await newTutor({ approved: false });
    expect((await anon.get(`/api/tutors/${pending.id}`)).status).toBe(404);
    expect((await anon.get(`/api/tutors/${randomUUID()}`)).status).toBe(404);
    expect((await anon.get(`/api/tutors/${student.id}`)).status).toBe(404);
    expect((await anon.get('/api/tutors/not-an-id')).status).toBe(400);
    // Suspended tutors disappear.
    const suspended = await newTutor();
    await createIdentityRepo(t.app.database.db).setApproval(suspended.id, 'suspended', suspended.id, NOW);
    expect((await anon.get(`/api/tutors/${suspended.id}`)).status).toBe(404);
  });

  it('says on the public profile which lesson lengths the tutor offers, the free-cancellation hours and the availability zone', async () => {
    const offering = await newTutor();
    const policy = { timeZone: 'Europe/Berlin', rules: [{ weekday: 1, start: '09:00', end: '12:00' }], overrides: [], durationsMinutes: [60, 30], bufferMinutes: 0, minNoticeMinutes: 60, maxPerDay: null, horizonDays: 30, cancelFreeHours: 12 };
    const put = await offering.client.put('/api/tutors/me/availability', policy);
    expect(put.status, put.text).toBe(200);
    const res = await new Client(t.baseUrl).get(`/api/tutors/${offering.id}`);
    expect(res.status, res.text).toBe(200);
    // The profile's own zone stays the tutor's home zone; the availability zone is what their slots are written in.
    expect(res.json).toMatchObject({ timeZone: 'Asia/Kolkata', durationsMinutes: [30, 60], cancelFreeHours: 12, availabilityTimeZone: 'Europe/Berlin' });
  });

  it('documents the tutor endpoints in the OpenAPI document', async () => {
    const doc = await new Client(t.baseUrl).get('/api/docs');
    expect(doc.status, doc.text.slice(0, 300)).toBe(200);
    expect(Object.keys(doc.json.paths)).toEqual(
      expect.arrayContaining(['/api/tutors', '/api/tutors/{id}', '/api/tutors/{id}/reviews', '/api/tutors/me/photo', '/api/tutors/{id}/photo', '/api/tutors/{id}/favourite', '/api/me/favourites', '/api/bookings/{id}/review']),
    );
  });

  it('counts instant-help ratings and answered questions in the rating and sessions', async () => {
    const other = await newTutor();
    await db().database.db.insert(tutorHelpStats).values({ tutorId: other.id, ratingSum: 9, ratingCount: 2, acceptedCount: 7 });
    await db().database.db.update(tutorProfiles).set({ reviewSum: 5, reviewCount: 1, completedSessions: 3 }).where(eq(tutorProfiles.userId, other.id));
    const res = await new Client(t.baseUrl).get(`/api/tutors/${other.id}`);
    expect(res.json).toMatchObject({ rating: { average: 4.7, count: 3 }, sessions: 10 });
  });

  it('lets a student favourite and unfavourite a tutor, shows it on the profile and in their list', async () => {
    const s = await newStudent();
    expect((await s.client.get('/api/me/favourites')).json).toEqual({ tutors: [] });
    const put = await s.client.put(`/api/tutors/${tutor.id}/favourite`);
    expect(put.status, put.text).toBe(200);
    expect(put.json).toEqual({ tutorId: tutor.id, favourite: true });
    expect((await s.client.put(`/api/tutors/${tutor.id}/favourite`)).status).toBe(200);
    expect((await s.client.get(`/api/tutors/${tutor.id}`)).json.favourite).toBe(true);
    // Only this student sees it as a favourite.
    expect((await student.client.get(`/api/tutors/${tutor.id}`)).json.favourite).toBe(false);
    expect((await new Client(t.baseUrl).get(`/api/tutors/${tutor.id}`)).json.favourite).toBe(false);
    const list = await s.client.get('/api/me/favourites');
    expect(list.json.tutors.map((x: { id: string }) => x.id)).toEqual([tutor.id]);
    expect(list.json.tutors[0].favourite).toBe(true);
    expect(t.logs()).toContain('"event":"tutor_favourited"');

    const del = await s.client.request('DELETE', `/api/tutors/${tutor.id}/favourite`);
    expect(del.status, del.text).toBe(200);
    expect(del.json).toEqual({ tutorId: tutor.id, favourite: false });
    expect((await s.client.get('/api/me/favourites')).json.tutors).toEqual([]);

    // Only students, only public tutors.
    const pending = await newTutor({ approved: false });
    expect((await s.client.put(`/api/tutors/${pending.id}/favourite`)).status).toBe(404);
    expect((await s.client.put(`/api/tutors/${randomUUID()}/favourite`)).status).toBe(404);
    expect((await tutor.client.put(`/api/tutors/${tutor.id}/favourite`)).status).toBe(403);
    expect((await new Client(t.baseUrl).put(`/api/tutors/${tutor.id}/favourite`)).status).toBe(401);
    expect((await new Client(t.baseUrl).get('/api/me/favourites')).status).toBe(401);
  });

  it('takes a review of a completed lesson from its student, once, and updates the tutor’s figures', async () => {
    const before = await figures(tutor.id);
    const id = await booking(tutor.id, student.id);
    const res = await student.client.post(`/api/bookings/${id}/review`, { rating: 4, comment: '  Clear explanations of circular motion.  ' });
    expect(res.status, res.text).toBe(201);
    expect(res.json).toEqual({ bookingId: id, tutorId: tutor.id, rating: 4, comment: 'Clear explanations of circular motion.', createdAt: NOW.toISOString() });
    expect(await figures(tutor.id)).toEqual({ sum: before.sum + 4, count: before.count + 1 });
    expect(t.logs()).toContain('"event":"booking_reviewed"');

    const again = await student.client.post(`/api/bookings/${id}/review`, { rating: 1 });
    expect(again.status).toBe(409);
    expect(again.json.error.message).toBe('You have already reviewed this lesson.');
    expect(await figures(tutor.id)).toEqual({ sum: before.sum + 4, count: before.count + 1 });

    const profile = await new Client(t.baseUrl).get(`/api/tutors/${tutor.id}`);
    expect(profile.json.rating).toEqual({ average: 4, count: 1 });
    expect(profile.json.latestReviews).toEqual([{ bookingId: id, rating: 4, comment: 'Clear explanations of circular motion.', studentName: 'Aarav', createdAt: NOW.toISOString() }]);
  });

  it('refuses reviews of unfinished lessons, of other people’s bookings, and bad ratings, changing nothing', async () => {
    const before = await figures(tutor.id);
    const confirmed = await booking(tutor.id, student.id, 'confirmed');
    const notYet = await student.client.post(`/api/bookings/${confirmed}/review`, { rating: 5 });
    expect(notYet.status).toBe(409);
    expect(notYet.json.error.message).toMatch(/only after it has taken place/);
    const cancelled = await booking(tutor.id, student.id, 'cancelled');
    expect((await student.client.post(`/api/bookings/${cancelled}/review`, { rating: 5 })).status).toBe(409);

    const mine = await booking(tutor.id, student.id);
    const stranger = await newStudent();
    expect((await stranger.client.post(`/api/bookings/${mine}/review`, { rating: 5 })).status).toBe(404);
    expect((await stranger.client.post(`/api/bookings/${randomUUID()}/review`, { rating: 5 })).status).toBe(404);
    expect((await tutor.client.post(`/api/bookings/${mine}/review`, { rating: 5 })).status).toBe(403);
    for (const bad of [{ rating: 0 }, { rating: 6 }, { rating: 4.5 }, {}, { rating: 5, comment: 'x'.repeat(2001) }, { rating: 5, extra: 1 }]) {
      const res = await student.client.post(`/api/bookings/${mine}/review`, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    expect(await figures(tutor.id)).toEqual(before);
    const rows = await db().database.db.select().from(bookingReviews).where(eq(bookingReviews.bookingId, mine));
    expect(rows).toEqual([]);
  });

  it('pages reviews newest first with a cursor', async () => {
    const other = await newTutor();
    const ids: string[] = [];
    for (let i = 0; i < 13; i++) {
      const s = await newStudent(`Kavya ${i}`);
      const id = await booking(other.id, s.id);
      // Distinct times: the clock is fixed, so write created_at directly after the review.
      expect((await s.client.post(`/api/bookings/${id}/review`, { rating: 1 + (i % 5) })).status).toBe(201);
      await db().database.db.update(bookingReviews).set({ createdAt: new Date(NOW.getTime() - (13 - i) * 60_000) }).where(eq(bookingReviews.bookingId, id));
      ids.push(id);
    }
    // Two reviews at the same instant: the booking id breaks the tie, and neither is skipped or repeated.
    await db().database.db.update(bookingReviews).set({ createdAt: new Date(NOW.getTime() - 5 * 60_000) }).where(eq(bookingReviews.bookingId, ids[7]!));
    const anon = new Client(t.baseUrl);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await anon.get(`/api/tutors/${other.id}/reviews?limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status, res.text).toBe(200);
      seen.push(...res.json.reviews.map((r: { bookingId: string }) => r.bookingId));
      cursor = res.json.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(13);
    expect(seen.slice(0, 2)).toEqual([ids[12], ids[11]]);
    const profile = await anon.get(`/api/tutors/${other.id}`);
    expect(profile.json.latestReviews).toHaveLength(10);
    expect(profile.json.reviewsNextCursor).toEqual(expect.any(String));
    expect(profile.json.rating.count).toBe(13);
    expect((await anon.get(`/api/tutors/${other.id}/reviews?cursor=garbage`)).status).toBe(400);
  });

  it(`gives exactly one review for a concurrent double submit [${backend}]`, async () => {
    const before = await figures(tutor.id);
    const id = await booking(tutor.id, student.id);
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => student.client.post(`/api/bookings/${id}/review`, { rating: 1 + (i % 5) })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    const rows = await db().database.db.select().from(bookingReviews).where(eq(bookingReviews.bookingId, id));
    expect(rows).toHaveLength(1);
    const winner = results.find((r) => r.status === 201)!.json;
    expect(await figures(tutor.id)).toEqual({ sum: before.sum + winner.rating, count: before.count + 1 });
  });

  it('takes a tutor’s photo through the media checks and serves it on the public profile', async () => {
    const t2 = await newTutor();
    const before = photoFiles().length;
    const res = await putPhoto(t.baseUrl, t2.client.cookie, await jpegBytes(640, 480));
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ photoUrl: expect.stringMatching(new RegExp(`^/api/tutors/${t2.id}/photo`)), width: 640, height: 480 });
    expect(photoFiles().length).toBe(before + 2);
    const profile = await new Client(t.baseUrl).get(`/api/tutors/${t2.id}`);
    expect(profile.json.photoUrl).toBe(res.json.photoUrl);
    for (const url of [profile.json.photoUrl as string, `/api/tutors/${t2.id}/photo?size=thumb`]) {
      const img = await fetch(t.baseUrl + url);
      expect(img.status).toBe(200);
      expect(img.headers.get('content-type')).toBe('image/jpeg');
      expect(img.headers.get('x-content-type-options')).toBe('nosniff');
      const meta = await sharp(Buffer.from(await img.arrayBuffer())).metadata();
      expect(meta.format).toBe('jpeg');
    }
    // A new photo replaces the old one's files.
    const second = await putPhoto(t.baseUrl, t2.client.cookie, await jpegBytes(300, 300));
    expect(second.status).toBe(200);
    expect(photoFiles().length).toBe(before + 2);
    expect(t.logs()).toContain('"event":"tutor_photo_updated"');

    // Fake and oversized files are refused, and nothing changes.
    const fake = await putPhoto(t.baseUrl, t2.client.cookie, 'this is not a photo, just some text\n'.repeat(20), 'me.jpg');
    expect(fake.status).toBe(400);
    expect(fake.json.error.message).toMatch(/not a photo we can read/);
    const huge = await putPhoto(t.baseUrl, t2.client.cookie, Buffer.alloc(10 * 1024 * 1024 + 200 * 1024, 0xab));
    expect(huge.status).toBe(413);
    expect(photoFiles().length).toBe(before + 2);
    expect((await new Client(t.baseUrl).get(`/api/tutors/${t2.id}`)).json.photoUrl).toBe(second.json.photoUrl);

    // Students cannot upload; photos of unapproved tutors and of tutors without one are 404 to the public.
    expect((await putPhoto(t.baseUrl, student.client.cookie, await jpegBytes())).status).toBe(403);
    expect((await fetch(`${t.baseUrl}/api/tutors/${tutor.id}/photo`)).status).toBe(404);
    const pending = await newTutor({ approved: false });
    expect((await putPhoto(t.baseUrl, pending.client.cookie, await jpegBytes())).status).toBe(200);
    expect((await fetch(`${t.baseUrl}/api/tutors/${pending.id}/photo`)).status).toBe(404);
    expect((await pending.client.get(`/api/tutors/${pending.id}/photo`)).status).toBe(200);
  });
});
