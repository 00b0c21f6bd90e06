import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, signUpTutor, startTestApp, type TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { helpConfig, jpegBytes, listFiles, makeDataDir, makeStudent, removeDir, uploadPhoto } from '../../../test/help';
import { schema } from '../../../test/schema';
import { PHOTO_CLEANUP_QUEUE } from '../help';

const { questionPhotos, uploadCounters, tutoringSessions, jobs } = schema;

/** A clock the test sets by hand: the quota's windows and the cleanup's cut-off read it. */
class SetClock {
  constructor(private t: number) {}
  now = () => new Date(this.t);
  set(at: Date) {
    this.t = at.getTime();
  }
  add(ms: number) {
    this.t += ms;
  }
}
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** POSTs one file to an upload route as multipart field `file`. */
async function upload(baseUrl: string, cookie: string, route: string, method = 'POST') {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(await jpegBytes())], { type: 'image/jpeg' }), 'photo.jpg');
  const res = await fetch(`${baseUrl}${route}`, { method, body: form, headers: { cookie } });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined, retryAfter: res.headers.get('retry-after') };
}

/**
 * Every upload route counts against one per-user rate (a minute) and daily quota (a UTC day), kept in the database
 * so that every node sees the same counts; photos never attached to a question are deleted after a day.
 */
describeEachBackend('media: upload rate, daily quota and the cleanup of unattached photos', ({ db, backend }) => {
  let t: TestApp;
  let other: TestApp;
  let dataDir: string;
  // Ten seconds into a minute, early in a UTC day.
  const clock = new SetClock(Date.parse('2026-12-07T06:00:10.000Z'));
  const limits = { perMinute: 3, perDay: 5, unattachedKeptMs: 24 * HOUR };

  beforeAll(async () => {
    dataDir = makeDataDir();
    const config = { ...helpConfig(dataDir), uploads: limits };
    t = await startTestApp(db().database, config, clock, { manualJobs: true });
    // A second node on the same database.
    other = await startTestApp(db().database, config, clock, { manualJobs: true });
  });
  afterAll(async () => {
    await other?.close();
    await t?.close();
    removeDir(dataDir);
  });

  const photoFiles = () => listFiles(path.join(dataDir, 'files'));

  it('refuses the 4th upload in a minute with a clear 429 and Retry-After, stores nothing, and counts on every node', async () => {
    const student = await makeStudent(t);
    clock.set(new Date('2026-12-07T06:00:10.000Z'));
    expect((await upload(t.baseUrl, student.client.cookie, '/api/help/photos')).status).toBe(201);
    expect((await upload(other.baseUrl, student.client.cookie, '/api/help/photos')).status).toBe(201);
    expect((await upload(t.baseUrl, student.client.cookie, '/api/help/photos')).status).toBe(201);
    const files = photoFiles().length;
    const rows = (await db().database.db.select().from(questionPhotos).where(eq(questionPhotos.ownerId, student.id))).length;

    // The other node knows the three uploads made through both.
    const refused = await upload(other.baseUrl, student.client.cookie, '/api/help/photos');
    expect(refused.status).toBe(429);
    expect(refused.json.error).toMatchObject({ code: 'rate_limited', message: 'You are sending photos too fast: at most 3 a minute. Please wait 50 seconds and try again.', details: { reason: 'upload_rate', retryAfterSeconds: 50 } });
    expect(refused.retryAfter).toBe('50');
    expect(photoFiles().length).toBe(files);
    expect((await db().database.db.select().from(questionPhotos).where(eq(questionPhotos.ownerId, student.id))).length).toBe(rows);
    expect(t.logs() + other.logs()).toContain('"event":"upload_refused"');

    // The next minute lets two more through, then the day's quota of 5 is used up until midnight UTC.
    clock.set(new Date('2026-12-07T06:01:00.000Z'));
    expect((await upload(t.baseUrl, student.client.cookie, '/api/help/photos')).status).toBe(201);
    expect((await upload(other.baseUrl, student.client.cookie, '/api/help/photos')).status).toBe(201);
    clock.set(new Date('2026-12-07T06:02:00.000Z'));
    const daily = await upload(t.baseUrl, student.client.cookie, '/api/help/photos');
    expect(daily.status).toBe(429);
    expect(daily.json.error).toMatchObject({ code: 'rate_limited', details: { reason: 'upload_quota', retryAfterSeconds: 18 * 3600 - 120 } });
    expect(daily.json.error.message).toBe('You have sent 5 photos today, the most allowed in a day. You can send more in about 18 hours (at midnight UTC).');
    expect(daily.retryAfter).toBe(String(18 * 3600 - 120));

    // A new UTC day starts a new quota.
    clock.set(new Date('2026-12-08T00:00:05.000Z'));
    expect((await upload(t.baseUrl, student.client.cookie, '/api/help/photos')).status).toBe(201);
  });

  it('counts chat photos and tutor profile photos against the same per-user limits', async () => {
    clock.set(new Date('2026-12-08T10:00:00.000Z'));
    const student = await makeStudent(t);
    const tutorClient = new Client(t.baseUrl);
    const { user: tutor } = await signUpTutor(tutorClient);
    const [session] = await db()
      .database.db.insert(tutoringSessions)
      .values({ kind: 'instant', studentId: student.id, tutorId: tutor.id, startedAt: clock.now() })
      .returning();
    expect((await upload(t.baseUrl, student.client.cookie, '/api/help/photos')).status).toBe(201);
    expect((await upload(t.baseUrl, student.client.cookie, `/api/sessions/${session!.id}/photos`)).status).toBe(201);
    expect((await upload(t.baseUrl, student.client.cookie, '/api/help/photos')).status).toBe(201);
    expect((await upload(t.baseUrl, student.client.cookie, `/api/sessions/${session!.id}/photos`)).status).toBe(429);

    for (let i = 0; i < 3; i++) expect((await upload(t.baseUrl, tutorClient.cookie, '/api/tutors/me/photo', 'PUT')).status).toBe(200);
    const tooMany = await upload(t.baseUrl, tutorClient.cookie, '/api/tutors/me/photo', 'PUT');
    expect(tooMany.status).toBe(429);
    expect(tooMany.json.error.code).toBe('rate_limited');
    await db().database.db.update(tutoringSessions).set({ status: 'ended', endedAt: clock.now() }).where(eq(tutoringSessions.id, session!.id));
  });

  // PGlite runs one transaction at a time; only PostgreSQL shows that the count holds when uploads race.
  if (backend === 'postgres') {
    it('lets exactly 3 of 12 uploads sent at once through (PostgreSQL)', async () => {
      clock.set(new Date('2026-12-08T11:00:00.000Z'));
      const student = await makeStudent(t);
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => upload(i % 2 ? other.baseUrl : t.baseUrl, student.client.cookie, '/api/help/photos')));
      expect(results.map((r) => r.status).sort()).toEqual([201, 201, 201, ...Array(9).fill(429)]);
      const [counter] = await db().database.db.select().from(uploadCounters).where(eq(uploadCounters.userId, student.id)).limit(1);
      expect(counter!.count).toBe(3);
    });
  }

  it('deletes photos never attached to a question after a day, row and files, and keeps attached and recent ones', async () => {
    clock.set(new Date('2026-12-09T08:00:00.000Z'));
    const student = await makeStudent(t);
    const stale = await uploadPhoto(t, student.client);
    const attached = await uploadPhoto(t, student.client);
    const asked = await student.client.post('/api/help/questions', { requestId: crypto.randomUUID(), subjectId: 'maths', level: 'grade-9-10', photoIds: [attached] });
    expect(asked.status, asked.text).toBe(201);
    clock.set(new Date('2026-12-10T07:00:00.000Z'));
    const recent = await uploadPhoto(t, student.client);
    const rowOf = async (id: string) => (await db().database.db.select().from(questionPhotos).where(eq(questionPhotos.id, id)))[0];
    const filesOf = async (id: string) => {
      const row = (await rowOf(id))!;
      return [row.storageKey, row.thumbKey].map((k) => path.join(dataDir, 'files', k));
    };
    const staleFiles = await filesOf(stale);
    const keptFiles = [...(await filesOf(attached)), ...(await filesOf(recent))];
    expect([...staleFiles, ...keptFiles].every((f) => fs.existsSync(f))).toBe(true);
    // The cleanup is a periodic durable job.
    expect(await db().database.db.select().from(jobs).where(eq(jobs.queue, PHOTO_CLEANUP_QUEUE.queue))).not.toEqual([]);

    // 23 h 59 min after the stale upload: not yet.
    clock.set(new Date('2026-12-10T07:59:00.000Z'));
    expect(await rowOf(stale)).toBeDefined();
    await t.app.photoCleanup.sweep();
    expect(await rowOf(stale)).toBeDefined();

    clock.set(new Date('2026-12-10T08:01:00.000Z'));
    await t.app.photoCleanup.sweep();
    expect(await rowOf(stale)).toBeUndefined();
    expect(staleFiles.some((f) => fs.existsSync(f))).toBe(false);
    expect(await rowOf(attached)).toMatchObject({ questionId: asked.json.id });
    expect(await rowOf(recent)).toMatchObject({ questionId: null });
    expect(keptFiles.every((f) => fs.existsSync(f))).toBe(true);
    expect(t.logs()).toContain('"event":"unattached_photos_deleted"');
    // The stale photo can no longer be attached, and running the cleanup again changes nothing.
    const late = await student.client.post('/api/help/questions', { requestId: crypto.randomUUID(), subjectId: 'maths', level: 'grade-9-10', photoIds: [stale] });
    expect(late.status).toBe(400);
    expect((await t.app.photoCleanup.sweep()).deleted).toBe(0);
    // Counters of windows that ended two days before are pruned with it.
    expect(await db().database.db.select().from(uploadCounters).where(eq(uploadCounters.startsAt, new Date('2026-12-07T06:00:00.000Z')))).toEqual([]);
  });
});
