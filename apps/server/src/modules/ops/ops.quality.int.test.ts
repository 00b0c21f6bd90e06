import { randomUUID } from 'node:crypto';
import { count, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, staffClient, type TestApp, startTestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { askQuestion, helpConfig, makeDataDir, makeStudent, makeTutor, removeDir } from '../../../test/help';
import { schema } from '../../../test/schema';
import { kolkataEvenings, settableClock } from '../billing/payments/providers.testkit';
import { NO_SHOW_AFTER_MINUTES } from '../scheduling/scheduling.lessons.rules';

const PRICE = 80_000;
const MINUTE = 60_000;
const maths = { subjectId: 'maths', level: 'grade-9-10' };

/**
 * Issue #18: one tutor's quality page. Real activity (offers, accepts, a rating, a ticket, a late cancellation, a
 * no-show, an answered question's earning) is made through the API, and every figure the endpoint gives equals a count
 * made directly from the owning module's rows; money only for finance and admin.
 */
describeEachBackend('ops: a tutor’s quality figures', ({ db }) => {
  let t: TestApp;
  let dataDir: string;
  const clock = settableClock(new Date('2026-11-30T00:00:00.000Z'));
  let keys = 0;
  const key = () => `quality-${++keys}-${randomUUID()}`;
  const drain = () => t.app.jobs.drain();

  beforeAll(async () => {
    dataDir = makeDataDir();
    t = await startTestApp(db().database, { ...helpConfig(dataDir), payments: { provider: 'fake', stripe: null, razorpay: null } }, clock, { manualJobs: true });
  });
  afterAll(async () => {
    await t?.close();
    removeDir(dataDir);
  });

  const pay = async (student: { client: Client }, bookingId: string) => {
    const c = await student.client.post('/api/billing/checkout', { bookingId, idempotencyKey: key() });
    expect(c.status, c.text).toBe(201);
    expect((await new Client(t.baseUrl).request('POST', `/dev/fake-pay/${c.json.id}/succeed`, undefined, { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(200);
    await drain();
  };

  it('gives offers, accepts, ratings, complaints, no-shows, late cancellations, sessions and earnings equal to direct counts', async () => {
    const tutor = await makeTutor(t, { subjects: [maths], online: false, notifyWhenOffline: true });
    const other = await makeTutor(t, { subjects: [maths], online: false, notifyWhenOffline: true });
    await db().database.db.update(schema.tutorProfiles).set({ hourlyRateMinor: PRICE, currency: 'INR' }).where(eq(schema.tutorProfiles.userId, tutor.id));
    expect((await tutor.client.put('/api/tutors/me/availability', kolkataEvenings)).status).toBe(200);
    const student = await makeStudent(t);

    // Three offers; the tutor accepts one after 20 s and answers it; the student rates it and reports a problem.
    const [q1, q2] = [await askQuestion(t, student, maths.subjectId, maths.level), await askQuestion(t, student, maths.subjectId, maths.level)];
    await askQuestion(t, student, maths.subjectId, maths.level);
    await drain();
    clock.advance(20_000);
    const won = await tutor.client.post(`/api/help/questions/${q1.id}/accept`);
    expect(won.status, won.text).toBe(200);
    // Another tutor takes the second offer (before it expires); the third expires unaccepted.
    expect((await other.client.post(`/api/help/questions/${q2.id}/accept`)).status).toBe(200);
    clock.advance(5 * MINUTE);
    expect((await tutor.client.post(`/api/help/questions/${q1.id}/answered`)).status).toBe(200);
    await drain();
    expect((await student.client.post(`/api/help/questions/${q1.id}/rating`, { stars: 5 })).status).toBe(200);
    const ticket = await student.client.post('/api/support/tickets', { sessionId: won.json.sessionId, areas: ['sound'], device: 'phone', network: 'wifi', workedBefore: 'yes', description: 'The tutor could not hear me' });
    expect(ticket.status, ticket.text).toBe(201);

    // Two paid lessons: the tutor cancels one inside the free-cancellation window; they miss the other.
    const late = await student.client.post('/api/bookings', { tutorId: tutor.id, start: '2026-12-01T12:30:00.000Z', durationMinutes: 60, idempotencyKey: key() });
    expect(late.status, late.text).toBe(201);
    await pay(student, late.json.id);
    const missed = await student.client.post('/api/bookings', { tutorId: tutor.id, start: '2026-12-02T12:30:00.000Z', durationMinutes: 60, idempotencyKey: key() });
    await pay(student, missed.json.id);
    clock.set(new Date('2026-11-30T14:00:00.000Z'));
    expect((await tutor.client.post(`/api/bookings/${late.json.id}/cancel`)).json.outcome).toBe('late_cancellation');
    await drain();
    clock.set(new Date(new Date('2026-12-02T12:30:00.000Z').getTime() + NO_SHOW_AFTER_MINUTES * MINUTE));
    await drain();
    expect((await db().database.db.select().from(schema.bookings).where(eq(schema.bookings.id, missed.json.id)))[0]!.status).toBe('no_show');

    // Direct counts from each module's rows.
    const d = db().database.db;
    const n = async (q: Promise<{ n: number }[]>) => Number((await q)[0]!.n);
    const offered = await n(d.select({ n: count() }).from(schema.questionNotifications).where(eq(schema.questionNotifications.tutorId, tutor.id)));
    const accepted = await n(d.select({ n: count() }).from(schema.questions).where(eq(schema.questions.claimedBy, tutor.id)));
    const sessionRows = await d.select().from(schema.tutoringSessions).where(eq(schema.tutoringSessions.tutorId, tutor.id));
    const minutes = Math.round(sessionRows.reduce((s, r) => s + (r.endedAt ? r.endedAt.getTime() - r.startedAt.getTime() : 0), 0) / MINUTE);
    const ticketRows = (await d.execute(sql`select count(*)::int as n from support_tickets where session_id = any(${sql.param(sessionRows.map((r) => r.id))}::uuid[])`)) as unknown as { rows: { n: number }[] };
    const tickets = Number(ticketRows.rows[0]!.n);
    const bookings = await d.select().from(schema.bookings).where(eq(schema.bookings.tutorId, tutor.id));
    const ledger = (await d.execute(sql`
      select e.currency, -sum(e.amount_minor)::bigint as amount from ledger_entries e join ledger_accounts a on a.id = e.account_id join ledger_transactions x on x.id = e.transaction_id
      where a.code = ${`tutor_payable:${tutor.id}`} and x.kind <> 'payout' group by e.currency order by e.currency`)) as unknown as { rows: { currency: string; amount: string }[] };
    const earned = ledger.rows.map((r) => ({ currency: r.currency, amountMinor: Number(r.amount) }));
    expect(earned.length).toBeGreaterThan(0);
    expect(earned[0]!.amountMinor).toBeGreaterThan(0);

    const ops = (await staffClient(t, ['ops'])).client;
    const res = await ops.get(`/api/admin/tutors/${tutor.id}/quality?days=30`);
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({
      tutorId: tutor.id,
      approvalStatus: 'approved',
      onProbation: false,
      offers: { offered, accepted, acceptanceRate: accepted / offered, acceptSecondsMedian: 20, acceptSecondsMean: 20 },
      ratings: { count: 1, average: 5, weeks: [{ week: '2026-11-30', count: 1, average: 5 }] },
      complaints: { tickets, open: tickets },
      lessons: {
        booked: bookings.filter((b) => b.outcome !== 'hold_expired').length,
        completed: 0,
        noShows: bookings.filter((b) => b.outcome === 'tutor_no_show' || b.outcome === 'both_no_show').length,
        lateCancellations: bookings.filter((b) => b.outcome === 'late_cancellation' && b.cancelledBy === tutor.id).length,
        cancelledByTutor: 0,
      },
      sessions: { count: sessionRows.length, minutes },
      earnings: null,
    });
    // The literal figures this scenario made, so a wrong direct count cannot agree with a wrong endpoint.
    expect(res.json.offers).toMatchObject({ offered: 3, accepted: 1 });
    expect(res.json.lessons).toMatchObject({ booked: 2, noShows: 1, lateCancellations: 1 });
    expect(res.json.complaints).toEqual({ tickets: 1, open: 1 });
    expect(res.json.sessions).toEqual({ count: 1, minutes: 5 });

    const finance = (await staffClient(t, ['finance'])).client;
    expect((await finance.get(`/api/admin/tutors/${tutor.id}/quality?days=30`)).json.earnings).toEqual(earned);
    const support = (await staffClient(t, ['support'])).client;
    expect((await support.get(`/api/admin/tutors/${tutor.id}/quality`)).status).toBe(403);
    expect((await ops.get(`/api/admin/tutors/${randomUUID()}/quality`)).status).toBe(404);
    expect((await ops.get(`/api/admin/tutors/${tutor.id}/quality?days=3`)).status).toBe(400);
  });
});
