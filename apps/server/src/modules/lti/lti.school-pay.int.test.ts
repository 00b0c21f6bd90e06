import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PlatformSim } from '../../integrations/lms/simulator';
import { adminClient, Client, relaxedLogin, signUpTutor, startTestApp, type TestApp } from '../../../test/app';
import { testConfig } from '../../config';
import { everyDay } from '../../../test/availability';
import { describeEachBackend } from '../../../test/db';
import { freePort } from '../../../test/net';
import { schema } from '../../../test/schema';
import { createIdentityRepo } from '../identity';
import { offsetClock, runLaunch, simulatorOf } from './lti.testkit';

const MINUTE = 60_000;
const PRICE = 60_000;

/**
 * Issue #16, decision 075: a lesson the course's allowance paid for earns the tutor, on its outcome, exactly as a paid
 * lesson does (price less the platform's commission), and the school's course receivable is billed the price; a tutor
 * no-show or a cancellation in time bills nothing. The ledger stays balanced. Course staff see the month's statement
 * (lessons, minutes, amount owed) and its CSV.
 */
describeEachBackend('LTI: school-paid lessons pay the tutor and bill the school', ({ db }) => {
  let t: TestApp;
  let admin: Client;
  const clock = offsetClock();
  let tutorId: string;
  let keys = 0;

  const startAt = (days: number, hour: number) => {
    const d = new Date(clock.now().getTime());
    d.setUTCDate(1 + days);
    d.setUTCHours(hour, 0, 0, 0);
    return d;
  };
  const moveTo = (at: Date) => clock.advance(at.getTime() - clock.now().getTime());
  const accountBalance = async (code: string) =>
    Number((await db().database.db.execute(sql`select coalesce(sum(e.amount_minor), 0)::int as n from ledger_entries e join ledger_accounts a on a.id = e.account_id where a.code = ${code}`) as unknown as { rows: { n: number }[] }).rows[0]!.n);
  const unbalanced = async () =>
    (await db().database.db.execute(sql`select currency, sum(amount_minor)::int as n from ledger_entries group by currency having sum(amount_minor) <> 0`) as unknown as { rows: unknown[] }).rows;
  /** Opens the lesson's room and records who joined (the call timeline the lessons sweep reads). */
  const attend = async (c: Client, bookingId: string, who: string[]) => {
    const opened = await c.post(`/api/bookings/${bookingId}/room`);
    expect(opened.status, opened.text).toBe(200);
    for (const userId of who) await db().database.db.insert(schema.callEvents).values({ sessionId: opened.json.sessionId, userId, type: 'joined', at: clock.now() });
  };

  beforeAll(async () => {
    const next = new Date();
    next.setUTCMonth(next.getUTCMonth() + 1, 1);
    next.setUTCHours(2, 0, 0, 0);
    clock.advance(next.getTime() - Date.now());
    const port = await freePort();
    t = await startTestApp(
      db().database,
      {
        port,
        publicUrl: `http://127.0.0.1:${port}`,
        allowedOrigins: [`http://127.0.0.1:${port}`],
        login: relaxedLogin,
        lti: { simulator: true },
        payments: { provider: 'fake', stripe: null, razorpay: null },
        billing: { ...testConfig().billing, commissionBps: 2000 },
      },
      clock,
      { manualJobs: true },
    );
    admin = (await adminClient(t)).client;
    const tutor = new Client(t.baseUrl);
    tutorId = (await signUpTutor(tutor, { timeZone: 'UTC' })).user.id;
    expect((await tutor.put('/api/tutors/me/availability', everyDay('UTC', '06:00', '20:00'))).status).toBe(200);
    await db().database.db.update(schema.tutorProfiles).set({ hourlyRateMinor: PRICE, currency: 'INR' }).where(eq(schema.tutorProfiles.userId, tutorId));
    await createIdentityRepo(db().database.db).setApproval(tutorId, 'approved', tutorId, clock.now());
  });
  afterAll(async () => {
    await t?.close();
  });

  it('completed and student no-show lessons earn the tutor and bill the course; a tutor no-show and a cancellation bill nothing; the statement and its CSV show it', async () => {
    const p: PlatformSim = await simulatorOf(t).add({ slug: 'sp1', dialect: 'moodle', clientId: 'sp-client-1', deploymentId: 'sp-dep-1' });
    expect((await admin.post('/api/admin/lti/registrations', p.registrationBody())).status).toBe(201);
    const as = async (person: string) => {
      const res = await runLaunch(t, p, person);
      expect(res.status, res.body).toBe(302);
      const c = new Client(t.baseUrl);
      c.cookie = res.sessionCookie!;
      return { client: c, id: (await c.get('/api/me')).json.id as string, courseId: res.location!.split('/').pop()! };
    };
    const teacher = await as('teacher-1');
    const courseId = teacher.courseId;
    const asha = await as('student-1');
    expect((await teacher.client.put(`/api/lti/courses/${courseId}/allowance`, { unit: 'lessons', perLearnerMonthly: 5 })).status).toBe(200);
    const book = async (hour: number, day = 0) => {
      const r = await asha.client.post('/api/bookings', { tutorId, start: startAt(day, hour).toISOString(), durationMinutes: 60, idempotencyKey: `school-${++keys}-${Date.now()}`, course: courseId });
      expect(r.json.status, r.text).toBe('confirmed');
      return r.json.id as string;
    };
    const [completed, tutorAbsent, studentAbsent, cancelled] = [await book(7), await book(9), await book(11), await book(13, 5)];
    // Days ahead: a cancellation in time (a late one would be billed, as a paid lesson's price is kept).
    expect((await asha.client.post(`/api/bookings/${cancelled}/cancel`)).status).toBe(200);

    moveTo(new Date(startAt(0, 7).getTime() - 5 * MINUTE));
    await attend(asha.client, completed, [asha.id, tutorId]);
    moveTo(new Date(startAt(0, 9).getTime() - 5 * MINUTE));
    await attend(asha.client, tutorAbsent, [asha.id]);
    moveTo(new Date(startAt(0, 11).getTime() - 5 * MINUTE));
    await attend(asha.client, studentAbsent, [tutorId]);
    moveTo(startAt(0, 15));
    await t.app.jobs.drain();
    await t.app.jobs.drain();
    const outcomes = await db().database.db.select({ id: schema.bookings.id, outcome: schema.bookings.outcome }).from(schema.bookings).where(eq(schema.bookings.studentId, asha.id));
    expect(Object.fromEntries(outcomes.map((o) => [o.id, o.outcome]))).toMatchObject({ [completed]: 'completed', [tutorAbsent]: 'tutor_no_show', [studentAbsent]: 'student_no_show' });

    // Two lessons earned: the tutor is owed 80% of each, the platform keeps 20%, the school owes the whole price.
    expect(await accountBalance(`tutor_payable:${tutorId}`)).toBe(-2 * PRICE * 0.8);
    expect(await accountBalance(`school_receivable:${courseId}`)).toBe(2 * PRICE);
    expect(await unbalanced()).toEqual([]);
    const earnings = await db().database.db.select().from(schema.ledgerTransactions).where(sql`${schema.ledgerTransactions.idempotencyKey} like 'earning:lesson:%'`);
    expect(earnings.map((e) => e.bookingId).sort()).toEqual([completed, studentAbsent].sort());
    expect(t.logs()).toContain('"event":"school_lesson_earning_posted"');
    expect(t.logs()).toContain('"event":"school_lesson_not_billed"');
    // Settling again (a repeated sweep) posts nothing more.
    await t.app.jobs.drain();
    expect(await accountBalance(`school_receivable:${courseId}`)).toBe(2 * PRICE);

    const month = startAt(0, 7).toISOString().slice(0, 7);
    const s = await teacher.client.get(`/api/lti/courses/${courseId}/statement?month=${month}`);
    expect(s.status, s.text).toBe(200);
    expect(s.json.month).toBe(month);
    const status = Object.fromEntries(s.json.lessons.map((l: { bookingId: string; status: string; amountMinor: number }) => [l.bookingId, [l.status, l.amountMinor]]));
    expect(status).toEqual({ [completed]: ['billed', PRICE], [studentAbsent]: ['billed', PRICE], [tutorAbsent]: ['not_billed', 0], [cancelled]: ['not_billed', 0] });
    expect(s.json.totals).toEqual([{ currency: 'INR', lessons: 2, minutes: 120, amountMinor: 2 * PRICE }]);
    expect((await admin.get(`/api/lti/courses/${courseId}/statement?month=${month}`)).status).toBe(200);

    const csv = await teacher.client.get(`/api/lti/courses/${courseId}/statement?month=${month}&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('course,month,start,learner,tutor,minutes,status,outcome,amount,currency,booking_id');
    expect(lines).toHaveLength(1 + 4 + 1);
    expect(lines.at(-1)).toContain(',total,2 lessons,,120,owed,,1200.00,INR,');

    // Another month is empty; a bad month is refused; learners and other courses' staff see nothing.
    expect((await teacher.client.get(`/api/lti/courses/${courseId}/statement?month=2020-01`)).json).toMatchObject({ lessons: [], totals: [] });
    const bad = await teacher.client.get(`/api/lti/courses/${courseId}/statement?month=2027-13`);
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toContain('YYYY-MM');
    expect((await asha.client.get(`/api/lti/courses/${courseId}/statement?month=${month}`)).status).toBe(403);
    const p2 = await simulatorOf(t).add({ slug: 'sp2', dialect: 'moodle', clientId: 'sp-client-2', deploymentId: 'sp-dep-2' });
    expect((await admin.post('/api/admin/lti/registrations', p2.registrationBody())).status).toBe(201);
    const otherTeacher = await runLaunch(t, p2, 'teacher-1');
    const other = new Client(t.baseUrl);
    other.cookie = otherTeacher.sessionCookie!;
    expect((await other.get(`/api/lti/courses/${courseId}/statement?month=${month}`)).status).toBe(404);
  });
});
