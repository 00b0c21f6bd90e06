import path from 'node:path';
import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, type TestApp, startTestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import {
  askQuestion,
  countRows,
  helpConfig,
  type HelpUser,
  jpegBytes,
  listFiles,
  makeDataDir,
  makeStudent,
  makeTutor,
  postPhoto,
  removeDir,
  uploadPhoto,
} from '../../../test/help';
import { SocketPool } from '../../../test/sockets';
import { schema } from '../../../test/schema';

const { questionPhotos, questions } = schema;

describeEachBackend('help: asking a question', ({ db }) => {
  let t: TestApp;
  let dataDir: string;
  let student: HelpUser;
  const sockets = new SocketPool();
  const photoFiles = () => listFiles(path.join(dataDir, 'files'));
  const photoRows = (ownerId: string) => countRows(db().database, questionPhotos, eq(questionPhotos.ownerId, ownerId));
  const questionRows = (studentId: string) => countRows(db().database, questions, eq(questions.studentId, studentId));

  beforeAll(async () => {
    dataDir = makeDataDir();
    t = await startTestApp(db().database, helpConfig(dataDir));
    student = await makeStudent(t);
  });
  afterAll(async () => {
    sockets.closeAll();
    await t?.close();
    removeDir(dataDir);
  });

  describe('photos', () => {
    it('stores an uploaded JPEG under the data dir, re-encoded, and answers 201', async () => {
      const filesBefore = photoFiles().length;
      const res = await postPhoto(t.baseUrl, student.client.cookie, await jpegBytes(400, 300));
      expect(res.status, res.text).toBe(201);
      expect(res.json).toMatchObject({ photoId: expect.any(String), width: 400, height: 300, thumbUrl: `/api/help/photos/${res.json.photoId}?size=thumb` });
      // The full photo and its thumbnail.
      expect(photoFiles().length).toBe(filesBefore + 2);
      const [row] = await db().database.db.select().from(questionPhotos).where(eq(questionPhotos.id, res.json.photoId));
      expect(row).toMatchObject({ ownerId: student.id, questionId: null, width: 400, height: 300 });
    });

    const noisyJpeg = () =>
      sharp({ create: { width: 800, height: 600, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
        .jpeg({ quality: 95 })
        .toBuffer();

    const badFiles: { name: string; make: () => Promise<{ data: Buffer | string; filename: string; type: string }>; status: number[]; message: RegExp }[] = [
      {
        name: 'a text file named .jpg',
        make: async () => ({ data: 'this is not a photo, just some text\n'.repeat(20), filename: 'homework.jpg', type: 'image/jpeg' }),
        status: [400],
        message: /not a photo we can read/,
      },
      {
        name: 'an SVG drawing',
        make: async () => ({
          data: '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><rect width="200" height="100" fill="red"/></svg>',
          filename: 'drawing.svg',
          type: 'image/svg+xml',
        }),
        status: [400],
        message: /SVG drawings are not accepted/,
      },
      {
        name: 'a file over 10 MB',
        make: async () => ({ data: Buffer.alloc(10 * 1024 * 1024 + 200 * 1024, 0xab), filename: 'huge.jpg', type: 'image/jpeg' }),
        status: [413],
        message: /larger than 10 MB/,
      },
      {
        name: 'a truncated JPEG',
        make: async () => {
          const whole = await noisyJpeg();
          return { data: whole.subarray(0, Math.floor(whole.length * 0.6)), filename: 'cut.jpg', type: 'image/jpeg' };
        },
        status: [400],
        message: /damaged or incomplete/,
      },
    ];

    for (const bad of badFiles) {
      it(`refuses ${bad.name} with a clear message and stores nothing`, async () => {
        const uploader = await makeStudent(t);
        const filesBefore = photoFiles();
        const { data, filename, type } = await bad.make();
        const res = await postPhoto(t.baseUrl, uploader.client.cookie, data, filename, type);
        expect(bad.status, res.text).toContain(res.status);
        expect(res.json?.error?.message).toMatch(bad.message);
        expect(await photoRows(uploader.id)).toBe(0);
        expect(photoFiles()).toEqual(filesBefore);
      });
    }

    it('serves a photo as a nosniff, inline JPEG to its student, a notified tutor and an admin; 404 to anyone else', async () => {
      const asker = await makeStudent(t);
      const notified = await makeTutor(t, { subjects: [{ subjectId: 'biology', level: 'grade-11-12' }], sockets });
      const unnotified = await makeTutor(t, { subjects: [{ subjectId: 'biology', level: 'university' }], sockets });
      const stranger = await makeStudent(t);
      const { client: admin } = await adminClient(t);

      const q = await askQuestion(t, asker, 'biology', 'grade-11-12');
      await notified.events!.first('help:question', q.id);
      const photo = q.photos[0] as { id: string; url: string; thumbUrl: string };

      for (const [who, client] of [
        ['the student', asker.client],
        ['a notified tutor', notified.client],
        ['an admin', admin],
      ] as const) {
        for (const url of [photo.url, photo.thumbUrl]) {
          const res = await client.get(url);
          expect(res.status, `${who} ${url}`).toBe(200);
          expect(res.headers.get('content-type')).toBe('image/jpeg');
          expect(res.headers.get('x-content-type-options')).toBe('nosniff');
          expect(res.headers.get('content-disposition')).toBe(`inline; filename="photo-${photo.id}.jpg"`);
        }
      }
      for (const [who, client] of [
        ['a stranger student', stranger.client],
        ['a tutor who was not notified', unnotified.client],
      ] as const) {
        for (const url of [photo.url, photo.thumbUrl]) {
          const res = await client.get(url);
          expect(res.status, `${who} ${url}`).toBe(404);
          expect(res.headers.get('content-type')).not.toBe('image/jpeg');
        }
      }
      expect(unnotified.events!.questions(q.id)).toEqual([]);
    });
  });

  describe('questions', () => {
    const body = (photoId: string, requestId = crypto.randomUUID()) => ({ requestId, subjectId: 'maths', level: 'grade-9-10', text: 'Solve x² − 5x + 6 = 0', photoIds: [photoId] });

    it('creates one question for a request retried one after another: 201, then 200 with the same question', async () => {
      const asker = await makeStudent(t);
      const request = body(await uploadPhoto(t, asker.client));
      const first = await asker.client.post('/api/help/questions', request);
      expect(first.status, first.text).toBe(201);
      expect(first.json).toMatchObject({ status: 'open', subjectId: 'maths', level: 'grade-9-10', photos: [expect.any(Object)] });
      for (let i = 0; i < 2; i++) {
        const again = await asker.client.post('/api/help/questions', request);
        expect(again.status, again.text).toBe(200);
        expect(again.json.id).toBe(first.json.id);
      }
      expect(await questionRows(asker.id)).toBe(1);
    });

    it('creates one question for ten identical requests sent at once: one 201, nine 200s', async () => {
      const asker = await makeStudent(t);
      const request = body(await uploadPhoto(t, asker.client));
      const results = await Promise.all(Array.from({ length: 10 }, () => asker.client.post('/api/help/questions', request)));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses, results.map((r) => r.text).join('\n')).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
      expect(new Set(results.map((r) => r.json.id)).size).toBe(1);
      expect(await questionRows(asker.id)).toBe(1);
      const photos = await db().database.db.select().from(questionPhotos).where(eq(questionPhotos.ownerId, asker.id));
      expect(photos.map((p) => p.questionId)).toEqual([results[0]!.json.id]);
    });

    it('refuses a student under 13 without guardian consent (403 consent_required)', async () => {
      const tenYearsAgo = new Date().getUTCFullYear() - 10;
      const kid = await makeStudent(t, undefined, { birthDate: `${tenYearsAgo}-01-01`, guardianContact: 'parent@example.test' });
      // Uploading is gated like asking (whatsapp.gate.int.test.ts): the kid has no photo of their own to ask with.
      const upload = await postPhoto(t.baseUrl, kid.client.cookie, await jpegBytes());
      expect(upload.status).toBe(403);
      expect(upload.json.error.code).toBe('consent_required');
      const photoId = crypto.randomUUID();
      const res = await kid.client.post('/api/help/questions', body(photoId));
      expect(res.status).toBe(403);
      expect(res.json.error.code).toBe('consent_required');
      expect(res.json.error.message).toMatch(/guardian/);
      expect(await questionRows(kid.id)).toBe(0);
    });

    it('refuses a subject or level that is not in the catalogue (400)', async () => {
      const asker = await makeStudent(t);
      const photoId = await uploadPhoto(t, asker.client);
      for (const [subjectId, level] of [
        ['astrology', 'grade-9-10'],
        ['maths', 'grade-13'],
        ['history', 'university'],
      ]) {
        const res = await asker.client.post('/api/help/questions', { ...body(photoId), subjectId, level });
        expect(res.status, `${subjectId}/${level}`).toBe(400);
        expect(res.json.error.message).toMatch(/not in the catalogue/);
      }
      expect(await questionRows(asker.id)).toBe(0);
    });

    it("refuses someone else's photo (400) and creates no question, leaving the photo with its owner", async () => {
      const owner = await makeStudent(t);
      const thief = await makeStudent(t);
      const photoId = await uploadPhoto(t, owner.client);
      const ownPhotoId = await uploadPhoto(t, thief.client);
      for (const photoIds of [[photoId], [ownPhotoId, photoId]]) {
        const res = await thief.client.post('/api/help/questions', { ...body(photoId), photoIds });
        expect(res.status, res.text).toBe(400);
        expect(res.json.error.message).toMatch(/photos was not found/);
      }
      expect(await questionRows(thief.id)).toBe(0);
      const rows = await db().database.db.select().from(questionPhotos).where(eq(questionPhotos.id, photoId));
      expect(rows[0]).toMatchObject({ ownerId: owner.id, questionId: null });
      // The thief's own photo was not left attached to a rolled-back question either.
      const own = await db().database.db.select().from(questionPhotos).where(eq(questionPhotos.id, ownPhotoId));
      expect(own[0]?.questionId).toBeNull();
    });
  });
});
