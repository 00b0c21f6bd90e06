import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { schema } from '../../../test/schema';
import { classBody, classTutor, learners, SetClock, startClassesApp } from './classes.test-support';

describeEachBackend('class capacity under concurrent enrolment', ({ db }) => {
  let t: TestApp;
  const clock = new SetClock(Date.parse('2026-12-07T09:00:00.000Z'));
  let crowd: Awaited<ReturnType<typeof learners>>;

  beforeAll(async () => {
    t = await startClassesApp(db().database, clock);
    crowd = await learners(t, 40);
  });
  afterAll(async () => {
    await t?.close();
  });

  const seats = async (classId: string) => {
    const [c] = await db().database.db.select().from(schema.classes).where(eq(schema.classes.id, classId));
    const [{ n }] = (await db()
      .database.db.select({ n: sql<number>`count(*)::int` })
      .from(schema.classEnrolments)
      .where(sql`${schema.classEnrolments.classId} = ${classId} and ${schema.classEnrolments.status} = 'enrolled'`)) as [{ n: number }];
    return { counter: c!.enrolledCount, rows: n };
  };

  it('40 learners enrolling at once in a class of 30: exactly 30 get a seat, the other 10 a clear 409 class_full', async () => {
    const tutor = await classTutor(t);
    const made = await tutor.client.post('/api/classes', classBody({ capacity: 30 }));
    expect(made.status, made.text).toBe(201);
    const classId = made.json.classes[0].id as string;
    const results = await Promise.all(crowd.map((l) => l.client.post(`/api/classes/${classId}/enrol`)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(30);
    expect(statuses.filter((s) => s === 409)).toHaveLength(10);
    for (const r of results.filter((x) => x.status === 409)) expect(r.json.error).toMatchObject({ code: 'class_full', message: 'This class is full.' });
    expect(await seats(classId)).toEqual({ counter: 30, rows: 30 });
    const view = await crowd[0]!.client.get(`/api/classes/${classId}`);
    expect(view.json).toMatchObject({ capacity: 30, enrolled: 30, seatsLeft: 0 });
    // The database itself refuses a 31st seat, whatever the code asks.
    await expect(db().database.db.update(schema.classes).set({ enrolledCount: 31 }).where(eq(schema.classes.id, classId))).rejects.toThrow();
  });

  it('one learner enrolling twice at once gets one enrolment (both answers show the same seat)', async () => {
    const tutor = await classTutor(t);
    const made = await tutor.client.post('/api/classes', classBody({ capacity: 5 }));
    const classId = made.json.classes[0].id as string;
    const me = crowd[0]!;
    const both = await Promise.all([1, 2, 3, 4].map(() => me.client.post(`/api/classes/${classId}/enrol`)));
    expect(both.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(new Set(both.map((r) => r.json.enrolledAt)).size).toBe(1);
    expect(await seats(classId)).toEqual({ counter: 1, rows: 1 });
  });

  it('a seat given back is free again, and a full class stays full to a newcomer', async () => {
    const tutor = await classTutor(t);
    const classId = (await tutor.client.post('/api/classes', classBody({ capacity: 2 }))).json.classes[0].id as string;
    const [a, b, c] = crowd;
    expect((await a!.client.post(`/api/classes/${classId}/enrol`)).status).toBe(200);
    expect((await b!.client.post(`/api/classes/${classId}/enrol`)).status).toBe(200);
    expect((await c!.client.post(`/api/classes/${classId}/enrol`)).status).toBe(409);
    expect((await a!.client.post(`/api/classes/${classId}/leave`)).json).toMatchObject({ status: 'left' });
    expect((await c!.client.post(`/api/classes/${classId}/enrol`)).status).toBe(200);
    expect(await seats(classId)).toEqual({ counter: 2, rows: 2 });
  });
});
