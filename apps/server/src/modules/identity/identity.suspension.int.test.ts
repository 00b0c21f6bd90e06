import { randomUUID } from 'node:crypto';
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, staffClient, type TestApp, startTestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { askQuestion, helpConfig, type HelpUser, makeDataDir, makeStudent, makeTutor, notificationRows, removeDir } from '../../../test/help';
import { schema } from '../../../test/schema';
import { kolkataEvenings, settableClock } from '../billing/payments/providers.testkit';
import { classBody } from '../classes/classes.test-support';
import { TUTOR_SUSPENDED_QUEUE } from './identity.events';

const PRICE = 80_000;
const maths = { subjectId: 'maths', level: 'grade-9-10' };
const physics = { subjectId: 'physics', level: 'grade-11-12' };

/**
 * Issue #18: a suspension takes effect at once (no offers, no claims, future lessons and classes cancelled with
 * refunds, a live session left to finish), refuses to happen twice, and is audited; probation keeps a tutor out of
 * the first waves only. Every effect is read back from the database.
 */
describeEachBackend('tutor suspension, reinstatement and probation', ({ db }) => {
  let t: TestApp;
  let dataDir: string;
  const clock = settableClock(new Date('2026-11-30T00:00:00.000Z'));
  let ops: Client;
  let admin: Client;
  let keys = 0;
  const key = () => `suspension-${++keys}-${randomUUID()}`;
  const auditCount = async () => Number(((await db().database.db.execute(sql`select count(*)::int as n from audit_log`)) as unknown as { rows: { n: number }[] }).rows[0]!.n);
  const drain = () => t.app.jobs.drain();

  beforeAll(async () => {
    dataDir = makeDataDir();
    t = await startTestApp(
      db().database,
      {
        ...helpConfig(dataDir, { waveSeconds: 0.5, probationWaves: 2 }),
        payments: { provider: 'fake', stripe: null, razorpay: null },
      },
      clock,
      { manualJobs: true },
    );
    ops = (await staffClient(t, ['ops'])).client;
    admin = (await staffClient(t, ['admin'])).client;
  });
  afterAll(async () => {
    await t?.close();
    removeDir(dataDir);
  });

  const tutor = (subjects = [maths]) => makeTutor(t, { subjects, online: false, notifyWhenOffline: true });
  const offeredTo = async (questionId: string) => (await notificationRows(db().database, questionId)).map((r) => r.tutorId);
  const questionRow = async (id: string) => (await db().database.db.select().from(schema.questions).where(eq(schema.questions.id, id)))[0]!;
  const bookingRow = async (id: string) => (await db().database.db.select().from(schema.bookings).where(eq(schema.bookings.id, id)))[0]!;
  const notices = async (c: Client) => (await c.get('/api/notifications')).json.notices as { kind: string; text: string }[];

  it('refuses offers and claims at once, also of a question offered before; a second suspension is a 409 that changes nothing; audited', async () => {
    const [a, b, c] = [await tutor(), await tutor(), await tutor()];
    const student = await makeStudent(t);
    const q1 = await askQuestion(t, student, maths.subjectId, maths.level);
    await drain();
    expect(await offeredTo(q1.id)).toEqual(expect.arrayContaining([a.id, b.id, c.id]));

    expect((await ops.post(`/api/admin/tutors/${a.id}/suspend`, {})).status).toBe(400);
    const before = await auditCount();
    const suspended = await ops.post(`/api/admin/tutors/${a.id}/suspend`, { reason: 'Three complaints about rudeness' });
    expect(suspended.status, suspended.text).toBe(200);
    expect(suspended.json).toMatchObject({ tutorId: a.id, approvalStatus: 'suspended', onProbation: false });
    expect(await auditCount()).toBe(before + 1);

    const again = await ops.post(`/api/admin/tutors/${a.id}/suspend`, { reason: 'Clicked twice' });
    expect(again.status).toBe(409);
    expect(again.json.error.message).toBe('That tutor is already suspended: nothing was changed.');
    // The older approval route refuses it too, and neither writes an audit row or a second effects job.
    expect((await ops.post(`/api/admin/tutors/${a.id}/approval`, { status: 'suspended' })).status).toBe(409);
    expect(await auditCount()).toBe(before + 1);
    const jobs = await db().database.db.select().from(schema.jobs).where(eq(schema.jobs.queue, TUTOR_SUSPENDED_QUEUE.queue));
    expect(jobs.filter((j) => (j.payload as { tutorId: string }).tutorId === a.id)).toHaveLength(1);
    await drain();

    // The offer sent before the suspension cannot be accepted; the question stays open for the others.
    const claim = await a.client.post(`/api/help/questions/${q1.id}/accept`);
    expect(claim.status).toBe(403);
    expect(await questionRow(q1.id)).toMatchObject({ status: 'open', claimedBy: null });
    // No new offers: a new question reaches the others and not the suspended tutor.
    const q2 = await askQuestion(t, student, maths.subjectId, maths.level);
    await drain();
    const offered = await offeredTo(q2.id);
    expect(offered).toEqual(expect.arrayContaining([b.id, c.id]));
    expect(offered).not.toContain(a.id);
    // Another tutor still wins the old question.
    expect((await b.client.post(`/api/help/questions/${q1.id}/accept`)).status).toBe(200);

    const log = await admin.get(`/api/admin/audit?action=tutor.suspend&objectId=${a.id}`);
    expect(log.json.entries).toHaveLength(1);
    expect(log.json.entries[0]).toMatchObject({ actorRole: 'ops', objectType: 'tutor', reason: 'Three complaints about rudeness', before: { approvalStatus: 'approved' }, after: { approvalStatus: 'suspended' } });
    expect(t.logs()).toContain('"event":"tutor_suspended"');
  });

  it('cancels future lessons and classes with refunds and notices, leaves the live session running, and does it once', async () => {
    clock.set(new Date('2026-11-30T00:00:00.000Z'));
    const l = await tutor();
    await db().database.db.update(schema.tutorProfiles).set({ hourlyRateMinor: PRICE, currency: 'INR' }).where(eq(schema.tutorProfiles.userId, l.id));
    expect((await l.client.put('/api/tutors/me/availability', kolkataEvenings)).status).toBe(200);
    const student = await makeStudent(t);
    const other = await makeStudent(t);

    // A paid lesson (confirmed), a lesson held for payment, and a free class with a learner.
    const booked = await student.client.post('/api/bookings', { tutorId: l.id, start: '2026-12-03T12:30:00.000Z', durationMinutes: 60, idempotencyKey: key() });
    expect(booked.status, booked.text).toBe(201);
    const checkout = await student.client.post('/api/billing/checkout', { bookingId: booked.json.id, idempotencyKey: key() });
    expect(checkout.status, checkout.text).toBe(201);
    expect((await new Client(t.baseUrl).request('POST', `/dev/fake-pay/${checkout.json.id}/succeed`, undefined, { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(200);
    await drain();
    expect((await bookingRow(booked.json.id)).status).toBe('confirmed');
    const held = await other.client.post('/api/bookings', { tutorId: l.id, start: '2026-12-04T12:30:00.000Z', durationMinutes: 60, idempotencyKey: key() });
    expect(held.json.status).toBe('held');
    const created = await l.client.post('/api/classes', classBody({ title: 'Suspended algebra', date: '2026-12-10' }));
    expect(created.status, created.text).toBe(201);
    const classId = created.json.classes[0].id as string;
    expect((await other.client.post(`/api/classes/${classId}/enrol`)).json.status).toBe('enrolled');

    // A live instant session in progress.
    const asker = await makeStudent(t);
    await l.client.put('/api/tutors/me/profile', { subjects: [maths, physics] });
    const live = await askQuestion(t, asker, physics.subjectId, physics.level);
    await drain();
    const won = await l.client.post(`/api/help/questions/${live.id}/accept`);
    expect(won.status, won.text).toBe(200);
    const sessionId = won.json.sessionId as string;

    // A minute later: well inside the abandoned-room sweep's wait, so only the suspension could end the session.
    clock.set(new Date('2026-11-30T00:01:00.000Z'));
    expect((await ops.post(`/api/admin/tutors/${l.id}/suspend`, { reason: 'Identity document was forged' })).status).toBe(200);
    await drain();

    const lesson = await bookingRow(booked.json.id);
    expect(lesson).toMatchObject({ status: 'cancelled', outcome: 'cancelled', cancelledBy: l.id });
    expect((await bookingRow(held.json.id)).status).toBe('cancelled');
    const [payment] = await db().database.db.select().from(schema.payments).where(eq(schema.payments.checkoutId, checkout.json.id));
    const refunds = await db().database.db.select().from(schema.refunds).where(eq(schema.refunds.paymentId, payment!.id));
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ status: 'succeeded', amountMinor: PRICE });
    const ledgerRefunds = await db().database.db.select().from(schema.ledgerTransactions).where(and(eq(schema.ledgerTransactions.kind, 'refund'), eq(schema.ledgerTransactions.paymentId, payment!.id)));
    expect(ledgerRefunds).toHaveLength(1);
    expect((await notices(student.client)).filter((n) => n.kind === 'booking_cancelled')).toHaveLength(1);
    const cls = (await db().database.db.select().from(schema.classes).where(eq(schema.classes.id, classId)))[0]!;
    expect(cls.status).toBe('cancelled');
    expect((await notices(other.client)).filter((n) => n.kind === 'class_cancelled')).toHaveLength(1);

    // The live session is left to finish: still open, its room still answers, and the tutor can mark it answered.
    const session = await l.client.get(`/api/sessions/${sessionId}`);
    expect(session.status, session.text).toBe(200);
    expect((await db().database.db.select().from(schema.tutoringSessions).where(and(eq(schema.tutoringSessions.id, sessionId), isNotNull(schema.tutoringSessions.endedAt)))).length).toBe(0);
    expect((await l.client.get(`/api/sessions/${sessionId}/ice-servers`)).status).toBe(200);
    expect((await l.client.post(`/api/help/questions/${live.id}/answered`)).status).toBe(200);

    // The job running again (a retry after a crash) cancels, refunds and tells nothing twice.
    await TUTOR_SUSPENDED_QUEUE.enqueue(db().database.db, { tutorId: l.id, at: new Date('2026-11-30T00:01:00.000Z').toISOString() }, { now: clock.now(), dedupeKey: `rerun-${l.id}` });
    await drain();
    expect(await db().database.db.select().from(schema.refunds).where(eq(schema.refunds.paymentId, payment!.id))).toHaveLength(1);
    expect((await notices(student.client)).filter((n) => n.kind === 'booking_cancelled')).toHaveLength(1);
    expect((await notices(other.client)).filter((n) => n.kind === 'class_cancelled')).toHaveLength(1);

    // A suspended tutor cannot be booked; reinstating them is audited, and a second reinstatement is a 409.
    const refused = await student.client.post('/api/bookings', { tutorId: l.id, start: '2026-12-05T12:30:00.000Z', durationMinutes: 60, idempotencyKey: key() });
    expect(refused.status).toBe(404);
    clock.advance(60_000);
    const back = await ops.post(`/api/admin/tutors/${l.id}/reinstate`, { reason: 'The document was checked again' });
    expect(back.json).toMatchObject({ approvalStatus: 'approved' });
    const twice = await ops.post(`/api/admin/tutors/${l.id}/reinstate`, { reason: 'again' });
    expect(twice.status).toBe(409);
    expect(twice.json.error.message).toBe('That tutor is not suspended: nothing was changed.');
    const log = await admin.get(`/api/admin/audit?objectType=tutor&objectId=${l.id}`);
    expect(log.json.entries.filter((e: { actorRole: string }) => e.actorRole === 'ops')).toMatchObject([
      { action: 'tutor.reinstate', reason: 'The document was checked again', before: { approvalStatus: 'suspended' }, after: { approvalStatus: 'approved' } },
      { action: 'tutor.suspend', reason: 'Identity document was forged', before: { approvalStatus: 'approved' }, after: { approvalStatus: 'suspended' } },
    ]);
  });

  it('keeps a tutor on probation out of the first waves and asks them in a later one; probation is audited and refuses a no-op', async () => {
    clock.set(new Date('2026-12-01T00:00:00.000Z'));
    const subject = { subjectId: 'chemistry', level: 'grade-11-12' };
    const [onProbation, regular] = [await tutor([subject]), await tutor([subject])];
    const put = await ops.post(`/api/admin/tutors/${onProbation.id}/probation`, { onProbation: true, reason: 'Two no-shows this month' });
    expect(put.status, put.text).toBe(200);
    expect(put.json).toMatchObject({ onProbation: true, approvalStatus: 'approved' });
    const twice = await ops.post(`/api/admin/tutors/${onProbation.id}/probation`, { onProbation: true, reason: 'again' });
    expect(twice.status).toBe(409);

    const student: HelpUser = await makeStudent(t);
    const q = await askQuestion(t, student, subject.subjectId, subject.level);
    await drain();
    expect(await notificationRows(db().database, q.id)).toEqual([{ tutorId: regular.id, wave: 1 }]);
    clock.advance(500);
    await drain();
    expect(await offeredTo(q.id)).toEqual([regular.id]);
    clock.advance(500);
    await drain();
    const rows = await notificationRows(db().database, q.id);
    expect(rows).toHaveLength(2);
    expect(rows).toContainEqual({ tutorId: onProbation.id, wave: 2 });

    const off = await ops.post(`/api/admin/tutors/${onProbation.id}/probation`, { onProbation: false, reason: 'A good month' });
    expect(off.json.onProbation).toBe(false);
    const log = await admin.get(`/api/admin/audit?objectType=tutor&objectId=${onProbation.id}`);
    expect(log.json.entries.filter((e: { action: string }) => e.action.startsWith('tutor.probation'))).toMatchObject([
      { action: 'tutor.probation_end', reason: 'A good month', before: { onProbation: true }, after: { onProbation: false } },
      { action: 'tutor.probation_start', reason: 'Two no-shows this month', before: { onProbation: false }, after: { onProbation: true } },
    ]);
  });
});
