import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminClient, type TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { schema } from '../../../test/schema';
import { CLASS_SETTLED } from './classes.events';
import { classBody, classTutor, learners, plus, SetClock, startClassesApp } from './classes.test-support';

describeEachBackend('classes: reminders, attendance and settlement', ({ db }) => {
  let t: TestApp;
  const clock = new SetClock(Date.parse('2026-12-07T09:00:00.000Z'));
  let tutor: Awaited<ReturnType<typeof classTutor>>;
  let people: Awaited<ReturnType<typeof learners>>;
  const made: Record<string, { id: string; start: string; end: string }> = {};
  const settledEvents: { classId: string; outcome: string; attendedBy: string[] }[] = [];

  beforeAll(async () => {
    t = await startClassesApp(db().database, clock);
    t.app.fastify.platform.events.on(CLASS_SETTLED, async (e) => void settledEvents.push({ classId: e.classId, outcome: e.outcome, attendedBy: e.attendedBy }));
    tutor = await classTutor(t, 'Asia/Kolkata');
    people = await learners(t, 3);
    // Three classes on one afternoon (13:00Z to 14:00Z): taught, not taught (paid), cancelled.
    for (const [name, over] of [
      ['taught', { title: 'Taught class' }],
      ['absent', { title: 'Absent tutor class', priceMinor: 30_000 }],
      ['cancelled', { title: 'Cancelled class' }],
    ] as const) {
      const r = await tutor.client.post('/api/classes', classBody({ ...over, date: '2026-12-09', time: '18:30', durationMinutes: 60 }));
      made[name] = r.json.classes[0];
      for (const p of people.slice(0, 2)) expect((await p.client.post(`/api/classes/${made[name]!.id}/enrol`)).status).toBe(200);
    }
    expect((await tutor.client.post(`/api/classes/${made.cancelled!.id}/cancel`)).status).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  const at = async (iso: Date) => {
    clock.set(iso);
    await t.app.jobs.drain();
  };
  const noticesOf = async (userId: string, kind: string) =>
    (await db().database.db.select().from(schema.userNotifications).where(eq(schema.userNotifications.userId, userId))).filter((n) => n.kind === kind);
  const statusOf = async (id: string) => (await db().database.db.select().from(schema.classes).where(eq(schema.classes.id, id)))[0]!.status;
  const start = () => new Date(made.taught!.start);

  it('reminders reach the tutor and every enrolled learner 24 hours and 15 minutes before, once; a cancelled class reminds nobody', async () => {
    await at(plus(start(), -24 * 60));
    await at(plus(start(), -15));
    for (const id of [tutor.id, people[0]!.id, people[1]!.id]) {
      const texts = (await noticesOf(id, 'class_reminder')).map((n) => `${(n.data as { classId: string }).classId}:${n.text}`);
      expect(texts.filter((x) => x.startsWith(made.taught!.id))).toHaveLength(2);
      expect(texts.filter((x) => x.startsWith(made.cancelled!.id))).toHaveLength(0);
    }
    const taught = (await noticesOf(people[0]!.id, 'class_reminder')).filter((n) => (n.data as { classId: string }).classId === made.taught!.id).map((n) => n.text);
    expect(taught.sort()).toEqual([
      'Reminder: "Taught class" starts in 15 minutes (Wed 9 Dec, 08:00 (America/New_York)). The room opens 10 minutes before.',
      'Reminder: "Taught class" starts tomorrow (Wed 9 Dec, 08:00 (America/New_York)). The room opens 10 minutes before.',
    ]);
    expect(await noticesOf(people[2]!.id, 'class_reminder')).toHaveLength(0);
    await at(plus(start(), -14));
    expect((await noticesOf(tutor.id, 'class_reminder')).length).toBe(4);
  });

  it('attendance: joins and leaves per learner, for the tutor (and admins) once the class has started, as JSON and CSV', async () => {
    const classes = t.app.fastify.classes;
    const id = made.taught!.id;
    const s = start();
    const [a, b, c] = people;
    expect(await classes.recordAttendance({ classId: id, userId: c!.id, kind: 'join', at: s })).toEqual({ ok: false, reason: 'not_a_participant' });
    expect((await tutor.client.get(`/api/classes/${id}/attendance`)).json.error.code).toBe('too_early');
    expect((await classes.recordAttendance({ classId: id, userId: tutor.id, kind: 'join', at: plus(s, -5) })).ok).toBe(true);
    await classes.recordAttendance({ classId: id, userId: a!.id, kind: 'join', at: plus(s, -2) });
    await classes.recordAttendance({ classId: id, userId: a!.id, kind: 'leave', at: plus(s, 20) });
    await classes.recordAttendance({ classId: id, userId: a!.id, kind: 'join', at: plus(s, 30) });
    await classes.recordAttendance({ classId: id, userId: a!.id, kind: 'leave', at: plus(s, 50) });
    clock.set(plus(s, 70));
    const list = await tutor.client.get(`/api/classes/${id}/attendance`);
    expect(list.status, list.text).toBe(200);
    const mine = list.json.learners.find((l: { userId: string }) => l.userId === a!.id);
    expect(mine).toEqual({
      userId: a!.id,
      name: 'Learner 1',
      intervals: [
        { joinedAt: plus(s, -2).toISOString(), leftAt: plus(s, 20).toISOString() },
        { joinedAt: plus(s, 30).toISOString(), leftAt: plus(s, 50).toISOString() },
      ],
      // 20 + 20: the two minutes before the start are not class time.
      minutesPresent: 40,
    });
    expect(list.json.learners.find((l: { userId: string }) => l.userId === b!.id)).toMatchObject({ intervals: [], minutesPresent: 0 });
    expect(list.json.learners.some((l: { userId: string }) => l.userId === tutor.id)).toBe(false);
    const csv = await tutor.client.get(`/api/classes/${id}/attendance?format=csv`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('learner,user_id,joined_at,left_at,minutes_present_total');
    expect(lines).toContain(`Learner 1,${a!.id},${plus(s, 30).toISOString()},${plus(s, 50).toISOString()},40`);
    expect(lines).toContain(`Learner 2,${b!.id},,,0`);
    expect((await a!.client.get(`/api/classes/${id}/attendance`)).status).toBe(403);
    expect((await (await classTutor(t)).client.get(`/api/classes/${id}/attendance`)).status).toBe(404);
    expect((await (await adminClient(t)).client.get(`/api/classes/${id}/attendance`)).status).toBe(200);
  });

  it('the sweep settles ended classes: taught → completed, never joined → tutor no-show (paid seats refunded), cancelled stays cancelled', async () => {
    await at(plus(new Date(made.taught!.end), 1));
    expect(await statusOf(made.taught!.id)).toBe('completed');
    expect(await statusOf(made.absent!.id)).toBe('tutor_no_show');
    expect(await statusOf(made.cancelled!.id)).toBe('cancelled');
    expect((await noticesOf(people[0]!.id, 'class_completed')).length).toBe(1);
    const noShow = await noticesOf(people[0]!.id, 'class_tutor_no_show');
    expect(noShow.map((n) => n.text)).toEqual(['The tutor did not come to "Absent tutor class" on Wed 9 Dec, 08:00 (America/New_York). Your payment is refunded in full.']);
    expect((await noticesOf(tutor.id, 'class_tutor_no_show')).length).toBe(1);
    const logs = t.logs().split('\n');
    expect(logs.filter((l) => l.includes('"event":"class_settled"')).map((l) => JSON.parse(l).outcome).sort()).toEqual(['completed', 'tutor_no_show']);
    // Payments are off in this suite, so no seat was paid for and nothing is refunded (classes.paid.int.test.ts pays).
    expect(logs.filter((l) => l.includes('"event":"class_refund_queued"'))).toHaveLength(0);
    // CLASS_SETTLED says who of the enrolled learners came (LTI grades it): only the first learner joined the taught class.
    expect(settledEvents.sort((x, y) => x.outcome.localeCompare(y.outcome))).toEqual([
      { classId: made.taught!.id, outcome: 'completed', attendedBy: [people[0]!.id] },
      { classId: made.absent!.id, outcome: 'tutor_no_show', attendedBy: [] },
    ]);
    // Once settled, a class stays settled: a later sweep changes nothing, and its room is closed.
    expect(await t.app.fastify.classes.sweep()).toEqual({ settled: 0 });
    expect(await t.app.fastify.classes.access(made.taught!.id, people[0]!.id, clock.now())).toEqual({ ok: false, reason: 'class_over' });
  });
});
