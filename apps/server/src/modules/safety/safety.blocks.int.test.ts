import { afterAll, beforeAll, expect, it } from 'vitest';
import { everyDay } from '../../../test/availability';
import { staffClient, startTestApp, type TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { askQuestion, FakeChannel, helpConfig, type HelpUser, makeDataDir, makeStudent, makeTutor, notificationRows, removeDir, waitUntil } from '../../../test/help';
import { SocketPool } from '../../../test/sockets';
import { schema } from '../../../test/schema';

const maths = [{ subjectId: 'maths', level: 'grade-9-10' }];

/** Blocks and severe reports reach help's dispatch and scheduling's booking through their ports (#20). */
describeEachBackend('safety: blocks and severe reports stop alerts and bookings', ({ db }) => {
  let t: TestApp;
  let dataDir: string;
  const sockets = new SocketPool();
  let a: HelpUser;
  let b: HelpUser;
  let tutors: HelpUser[];
  let keys = 0;

  /** Asks, waits for the first wave (every eligible tutor fits in it), and returns who was notified. */
  const notifiedFor = async (student: HelpUser, expected: number) => {
    const q = await askQuestion(t, student, 'maths', 'grade-9-10');
    const rows = await waitUntil(async () => {
      const r = await notificationRows(t.app.database, q.id);
      return r.length >= expected && r;
    }, `${expected} tutors notified`);
    return { id: q.id, tutorIds: new Set(rows.map((r) => r.tutorId)) };
  };
  const book = (student: HelpUser, tutor: HelpUser, hour = 12) => {
    const start = new Date(Date.now() + 2 * 86_400_000);
    start.setUTCHours(hour, 0, 0, 0);
    return student.client.post('/api/bookings', { tutorId: tutor.id, start: start.toISOString(), durationMinutes: 60, idempotencyKey: `safety-block-${++keys}` });
  };

  beforeAll(async () => {
    dataDir = makeDataDir();
    t = await startTestApp(db().database, helpConfig(dataDir, { firstWave: 10, waveSeconds: 30, expiryMinutes: 5, cooldownSeconds: 0 }), undefined, { channels: [new FakeChannel()] });
    a = await makeStudent(t, sockets);
    b = await makeStudent(t, sockets);
    tutors = [];
    for (let i = 0; i < 3; i++) tutors.push(await makeTutor(t, { subjects: maths, sockets }));
    const put = await tutors[0]!.client.put('/api/tutors/me/availability', everyDay('UTC', '08:00', '20:00'));
    expect(put.status, put.text).toBe(200);
  });
  afterAll(async () => {
    sockets.closeAll();
    await t?.close();
    removeDir(dataDir);
  });

  it('refuses a block of someone who is not a tutor, or by a tutor, and changes nothing', async () => {
    expect((await a.client.post('/api/safety/blocks', { tutorId: b.id })).status).toBe(404);
    expect((await tutors[1]!.client.post('/api/safety/blocks', { tutorId: tutors[0]!.id })).status).toBe(403);
    expect((await a.client.post('/api/safety/blocks', { tutorId: 'nope' })).status).toBe(400);
    expect(await db().database.db.select().from(schema.safetyBlocks)).toEqual([]);
  });

  it('keeps a blocked tutor from being alerted for that student’s questions, and from claiming them; other students still reach them', async () => {
    const blocked = await a.client.post('/api/safety/blocks', { tutorId: tutors[0]!.id });
    expect(blocked.status, blocked.text).toBe(200);
    // The list names the tutor, so the student's settings can say whom they unblock.
    const name = (await tutors[0]!.client.get('/api/me')).json.displayName as string;
    expect((await a.client.get('/api/safety/blocks')).json.blocks).toEqual([{ tutorId: tutors[0]!.id, displayName: name, createdAt: expect.any(String) }]);

    const q = await notifiedFor(a, 2);
    expect(q.tutorIds).toEqual(new Set([tutors[1]!.id, tutors[2]!.id]));
    expect((await tutors[0]!.client.post(`/api/help/questions/${q.id}/accept`)).status).toBe(404);
    expect(t.logs()).toContain('"event":"tutor_blocked"');

    const other = await notifiedFor(b, 3);
    expect(other.tutorIds.has(tutors[0]!.id)).toBe(true);
  });

  it('keeps the student from booking a tutor they blocked, with a clear message, until they unblock', async () => {
    const refused = await book(a, tutors[0]!);
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toBe('You blocked this tutor, so you cannot book lessons with them. Unblock them first if you want to.');
    expect((await book(b, tutors[0]!)).status).toBe(201);
    expect((await a.client.request('DELETE', `/api/safety/blocks/${tutors[0]!.id}`)).status).toBe(200);
    expect((await book(a, tutors[0]!, 14)).status).toBe(201);
  });

  it('holds a tutor’s alerts for every student while a severe report is open, and releases them when it is closed', async () => {
    const ended = new Date();
    const [session] = await db()
      .database.db.insert(schema.tutoringSessions)
      .values({ kind: 'instant', studentId: b.id, tutorId: tutors[1]!.id, startedAt: new Date(ended.getTime() - 600_000), status: 'ended', endedAt: ended })
      .returning();
    const report = await b.client.post('/api/safety/reports', { sessionId: session!.id, category: 'threats', text: 'He threatened me' });
    expect(report.status, report.text).toBe(201);

    const held = await notifiedFor(a, 2);
    expect(held.tutorIds).toEqual(new Set([tutors[0]!.id, tutors[2]!.id]));

    const { client: ops } = await staffClient(t, ['ops']);
    expect((await ops.post(`/api/admin/safety/reports/${report.json.id}/close`, { resolution: 'Reviewed: no threat' })).status).toBe(200);
    const released = await notifiedFor(a, 3);
    expect(released.tutorIds.has(tutors[1]!.id)).toBe(true);
  });
});
