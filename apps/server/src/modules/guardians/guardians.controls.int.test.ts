import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { everyDay } from '../../../test/availability';
import { waitUntil } from '../../../test/help';
import { Client, signUpTutor } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { schema } from '../../../test/schema';
import { createIdentityRepo, usersLeftOutOfRecordings } from '../identity';
import { consentByCode, guardianFromInvite, type GuardianWorld, inviteTokenSentTo, newWaNumber, signUpChild, startGuardianWorld } from './guardians.testkit';

/** 2026-06-01 is a Monday; 06:30 UTC is 12:00 in Kolkata. */
let now = new Date('2026-06-01T06:30:00.000Z');
const clock = { now: () => now };
const TWELVE = '2014-03-10';
const PRICE = 50_000;

/** Issue #20: what a guardian sees and sets: activity, spending limit, allowed hours, recording, the weekly summary. */
describeEachBackend('guardians: controls, activity and the weekly summary', ({ db }) => {
  let w: GuardianWorld;
  let tutorId: string;
  let child: { client: Client; id: string };
  let guardian: { client: Client; id: string };
  let guardianWa: string;
  beforeAll(async () => {
    w = await startGuardianWorld(db().database, clock);
    const tutor = new Client(w.t.baseUrl);
    tutorId = (await signUpTutor(tutor, { timeZone: 'Asia/Kolkata' })).user.id;
    await createIdentityRepo(db().database.db).setApproval(tutorId, 'approved', tutorId, now);
    expect((await tutor.put('/api/tutors/me/availability', everyDay('Asia/Kolkata', '08:00', '23:00'))).status).toBe(200);
    await db().database.db.update(schema.tutorProfiles).set({ hourlyRateMinor: PRICE, currency: 'INR' }).where(eq(schema.tutorProfiles.userId, tutorId));
    guardianWa = newWaNumber();
    child = await signUpChild(w, { birthDate: TWELVE, country: 'IN', guardianContact: `+${guardianWa}` });
    const token = await inviteTokenSentTo(w, guardianWa);
    guardian = await guardianFromInvite(w, token);
    expect((await consentByCode(w, guardian.client, child.id, guardianWa, token)).status).toBe(200);
  });
  afterAll(async () => {
    await w?.close();
  });

  /** A booking at a Kolkata wall-clock time on Wednesday 3 June (UTC+05:30). */
  const book = (kolkata: string) => {
    const [h, m] = kolkata.split(':').map(Number) as [number, number];
    const start = new Date(Date.UTC(2026, 5, 3, h, m) - 330 * 60_000).toISOString();
    return child.client.post('/api/bookings', { tutorId, start, durationMinutes: 60, idempotencyKey: crypto.randomUUID() });
  };
  const ask = () => child.client.post('/api/help/questions', { requestId: crypto.randomUUID(), subjectId: 'maths', level: 'grade-1-5', photoIds: [crypto.randomUUID()] });
  const setControls = (body: Record<string, unknown>) => guardian.client.put(`/api/guardian/children/${child.id}/controls`, { monthlyLimitMinor: null, allowedFrom: null, allowedTo: null, recordingAllowed: true, ...body });

  it('a monthly spending limit refuses the booking that would pass it, with a clear message, and books nothing', async () => {
    expect((await setControls({ monthlyLimitMinor: 80_000 })).json).toMatchObject({ monthlyLimitMinor: 80_000 });
    const first = await book('10:00');
    expect(first.status, first.text).toBe(201);
    const over = await book('12:00');
    expect(over.status).toBe(403);
    expect(over.json.error).toMatchObject({ code: 'guardian_limit', message: expect.stringMatching(/monthly spending limit/), details: { kind: 'spending_limit' } });
    const rows = await db().database.db.select().from(schema.bookings).where(eq(schema.bookings.studentId, child.id));
    expect(rows).toHaveLength(1);
    const [mine] = (await guardian.client.get('/api/guardian/children')).json.children;
    expect(mine).toMatchObject({ id: child.id, status: 'consented', spentThisMonthMinor: PRICE, controls: { monthlyLimitMinor: 80_000 } });
    // Raised: the same booking goes through.
    await setControls({ monthlyLimitMinor: 200_000 });
    expect((await book('12:00')).status).toBe(201);
  });

  it('allowed hours in the student’s zone refuse a late booking and an ask outside them', async () => {
    await setControls({ allowedFrom: '08:00', allowedTo: '21:00' });
    const late = await book('21:30');
    expect(late.status).toBe(403);
    expect(late.json.error).toMatchObject({ code: 'guardian_limit', message: expect.stringContaining('between 08:00 and 21:00 (Asia/Kolkata)') });
    expect((await book('20:00')).status).toBe(201);
    // 12:00 in Kolkata now: an ask passes the limit (and fails later on its made-up photo, not on the guardian).
    expect((await ask()).json.error.code).not.toBe('guardian_limit');
    const start = now;
    now = new Date('2026-06-01T16:00:00.000Z'); // 21:30 in Kolkata
    try {
      const asked = await ask();
      expect(asked.status).toBe(403);
      expect(asked.json.error).toMatchObject({ code: 'guardian_limit', details: { kind: 'outside_allowed_hours' } });
    } finally {
      now = start;
      await setControls({});
    }
  });

  it('forbidding recording feeds the recording check; bad controls are refused; the country can be changed', async () => {
    expect((await usersLeftOutOfRecordings(db().database.db, [child.id], now)).has(child.id)).toBe(false);
    await setControls({ recordingAllowed: false });
    expect((await usersLeftOutOfRecordings(db().database.db, [child.id], now)).has(child.id)).toBe(true);
    await setControls({ recordingAllowed: true });
    expect((await usersLeftOutOfRecordings(db().database.db, [child.id], now)).has(child.id)).toBe(false);
    const half = await setControls({ allowedFrom: '08:00' });
    expect(half.status).toBe(400);
    expect((await setControls({ allowedFrom: '25:00', allowedTo: '08:00' })).status).toBe(400);
    expect((await setControls({ country: 'DE' })).status).toBe(200);
    expect((await child.client.get('/api/me')).json.country).toBe('DE');
    expect((await child.client.put(`/api/guardian/children/${child.id}/controls`, { monthlyLimitMinor: null, allowedFrom: null, allowedTo: null, recordingAllowed: false })).status).toBe(403);
  });

  it('the guardian sees each session with the tutor, the length, the tutor’s note and the rating', async () => {
    const started = new Date('2026-05-30T10:00:00.000Z');
    const [s] = await db().database.db.insert(schema.tutoringSessions).values({ kind: 'instant', status: 'ended', studentId: child.id, tutorId, startedAt: started, endedAt: new Date(started.getTime() + 25 * 60_000) }).returning();
    await db().database.db.insert(schema.sessionRatings).values([
      { sessionId: s!.id, raterId: tutorId, rateeId: child.id, raterRole: 'tutor', stars: 5, comment: 'Worked through fractions well.', createdAt: started },
      { sessionId: s!.id, raterId: child.id, rateeId: tutorId, raterRole: 'student', stars: 4, createdAt: started },
    ]);
    const [mine] = (await guardian.client.get('/api/guardian/children')).json.children;
    expect(mine.activity).toContainEqual({ kind: 'instant', id: s!.id, title: 'Instant help', tutorName: 'Test Tutor', startedAt: started.toISOString(), minutes: 25, tutorNote: 'Worked through fractions well.', rating: 4 });
  });

  it('the weekly summary goes once per guardian per week by WhatsApp, however often the week runs', async () => {
    const summaries = () => w.texts(guardianWa).filter((t) => t.includes('Tutorline weekly summary'));
    expect(summaries()).toEqual([]);
    await w.t.app.fastify.guardians.summary.runWeek('2026-06-01');
    await w.t.app.fastify.guardians.summary.runWeek('2026-06-01');
    const first = await waitUntil(async () => summaries().length > 0 && summaries(), 'the weekly summary', 15_000);
    expect(first).toHaveLength(1);
    expect(first[0]).toContain('Asha: 1 instant help, 0 lessons, 0 classes, 25 min with tutors.');
    const jobs = await db().database.db.select().from(schema.jobs).where(eq(schema.jobs.queue, 'guardians.summary'));
    expect(jobs.filter((j) => j.dedupeKey?.includes(guardian.id))).toHaveLength(1);
  });
});
