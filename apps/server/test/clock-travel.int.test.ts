import Fastify, { type FastifyInstance } from 'fastify';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testConfig, type WhatsAppConfig } from '../src/config';
import { cloudMessagesPayload, cloudSignature, type FakeGraph, fakeGraphPlugin } from '../src/integrations/whatsapp';
import { ensurePlan, settableClock } from '../src/modules/billing/payments/providers.testkit';
import { schema } from './schema';
import { Client, signUpStudent, signUpTutor, startTestApp, type TestApp } from './app';
import { describeEachBackend } from './db';
import { askQuestion, FakeChannel, helpConfig, makeDataDir, makeStudent, makeTutor, removeDir } from './help';
import { freePort } from './net';

/**
 * Issue #13.0: the suite broke once the real date passed its fixed test clock, because `jobs.run_at` defaulted to the
 * database's now() while the runner picks due jobs by the injected clock. Here every clock-driven path runs with the
 * injected clock a year before and a year after the real date: were any timestamp still taken from the machine's or
 * the database's clock, jobs would never come due (a year behind) or come due at once (a year ahead), and these fail.
 */
const DAY = 86_400_000;
const MIN = 60_000;
const APP_SECRET = 'clock_travel_app_secret_5e1b';
const PHONE_NUMBER_ID = '109876543210555';
const ACCESS_TOKEN = 'clock-travel-token';

function waConfig(graphUrl: string): WhatsAppConfig {
  return {
    provider: 'cloud',
    cloud: { appSecret: APP_SECRET, verifyToken: 'clock-travel-verify', accessToken: ACCESS_TOKEN, phoneNumberId: PHONE_NUMBER_ID, graphUrl: `${graphUrl}/v21.0` },
    gupshup: null,
    templates: { language: 'en', questionAlert: 'tutor_question_alert', update: 'tutorline_update' },
    sendsPerSecond: 200,
  };
}

/** Every hour of every day, in UTC: any lesson time the test picks is bookable. */
const allDay = {
  timeZone: 'UTC',
  rules: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })),
  overrides: [],
  durationsMinutes: [60],
  bufferMinutes: 0,
  minNoticeMinutes: 60,
  maxPerDay: null,
  horizonDays: 30,
  cancelFreeHours: 24,
};

describeEachBackend('timestamps after every migration', ({ db }) => {
  it('no column takes its time from the database clock (a forgotten timestamp fails loudly instead)', async () => {
    const result = await db().database.db.execute(
      sql`select table_name, column_name, column_default from information_schema.columns where table_schema = 'public' and column_default ~* '(now\\(\\)|current_timestamp|current_date|localtimestamp|clock_timestamp|statement_timestamp|transaction_timestamp)'`,
    );
    expect((result as unknown as { rows: unknown[] }).rows).toEqual([]);
  });
});

for (const [label, offsetMs] of [
  ['a year before the real date', -365 * DAY],
  ['a year after the real date', 365 * DAY],
] as const) {
  describeEachBackend(`clock-driven paths with the clock ${label}`, ({ db }) => {
    // 06:00 UTC on the day a year away from today: whole hours keep the lesson arithmetic readable.
    const start = new Date(Math.floor((Date.now() + offsetMs) / DAY) * DAY + 6 * 3_600_000);
    const clock = settableClock(start);
    const channel = new FakeChannel();
    let t: TestApp;
    let dataDir: string;
    let graph: FastifyInstance;
    let fake: FakeGraph;
    let keys = 0;
    const key = () => `clock-travel-${++keys}-${label.length}`;
    const drain = () => t.app.jobs.drain();

    beforeAll(async () => {
      dataDir = makeDataDir();
      graph = Fastify();
      fake = fakeGraphPlugin(graph, { phoneNumberId: PHONE_NUMBER_ID, accessToken: ACCESS_TOKEN, now: () => clock.now() });
      const graphUrl = await graph.listen({ host: '127.0.0.1', port: 0 });
      const port = await freePort();
      t = await startTestApp(
        db().database,
        {
          ...helpConfig(dataDir, { expiryMinutes: 30 }),
          port,
          publicUrl: `http://127.0.0.1:${port}`,
          whatsapp: waConfig(graphUrl),
          payments: { provider: 'fake', stripe: null, razorpay: null },
          billing: { ...testConfig().billing, payoutHoldDays: 7, payoutMinMinor: { INR: 100, USD: 100 }, enforceEntitlements: false, commissionBps: 2000 },
        },
        clock,
        { manualJobs: true, channels: [channel], whatsappFlow: { burstMs: 0, waveUpdateMinIntervalMs: 0 } },
      );
      await ensurePlan(db().database, 'travel-plus', 'subscription', { USD: 2900, INR: 149900 }, clock.now());
    });
    afterAll(async () => {
      await t?.close();
      await graph?.close();
      removeDir(dataDir);
    });

    it('asks, sends the first wave through the outbox, and the tutor claims and answers; the payout waits out the hold', async () => {
      const tutor = await makeTutor(t, { subjects: [{ subjectId: 'maths', level: 'grade-9-10' }], online: false, notifyWhenOffline: true });
      const student = await makeStudent(t);
      const q = await askQuestion(t, student, 'maths', 'grade-9-10');
      expect(q.createdAt).toBe(clock.now().toISOString());
      await drain();
      const notified = await db().database.db.select().from(schema.questionNotifications).where(eq(schema.questionNotifications.questionId, q.id));
      expect(notified.map((n) => [n.tutorId, n.wave])).toEqual([[tutor.id, 1]]);
      expect(channel.attempts.filter((a) => a.userId === tutor.id && a.outcome === 'sent')).toHaveLength(1);
      expect((await tutor.client.post(`/api/help/questions/${q.id}/accept`)).status).toBe(200);
      expect((await tutor.client.post(`/api/help/questions/${q.id}/answered`)).status).toBe(200);

      // The payout run is a daily job; a day later the earning is still inside the 7-day hold, 8 days later it is paid.
      const payoutsOf = () => db().database.db.select().from(schema.payouts).where(eq(schema.payouts.tutorId, tutor.id));
      clock.advance(DAY + MIN);
      await drain();
      expect(await payoutsOf()).toEqual([]);
      clock.advance(7 * DAY);
      await drain();
      expect((await payoutsOf()).map((p) => [p.amountMinor, p.currency])).toEqual([[4000, 'INR']]);
    });

    it('books a lesson, sends both reminders at their times, and settles it after the start', async () => {
      const tutorClient = new Client(t.baseUrl);
      const { user: tutor } = await signUpTutor(tutorClient, { timeZone: 'UTC' });
      expect((await tutorClient.put('/api/tutors/me/availability', allDay)).status).toBe(200);
      const student = new Client(t.baseUrl);
      await signUpStudent(student);
      const lessonStart = new Date(Math.floor(clock.now().getTime() / DAY) * DAY + 2 * DAY + 10 * 3_600_000);
      const booked = await student.post('/api/bookings', { tutorId: tutor.id, start: lessonStart.toISOString(), durationMinutes: 60, idempotencyKey: key() });
      expect(booked.status, booked.text).toBe(201);
      expect(booked.json.status).toBe('confirmed');
      const reminders = async () => ((await student.get('/api/notifications')).json.notices as { kind: string }[]).filter((n) => n.kind === 'booking_reminder').length;

      clock.set(new Date(lessonStart.getTime() - 24 * 3_600_000 + MIN));
      await drain();
      expect(await reminders()).toBe(1);
      clock.set(new Date(lessonStart.getTime() - 15 * MIN + MIN));
      await drain();
      expect(await reminders()).toBe(2);
      // Nobody joined: the lessons sweep settles it 15 minutes after the start.
      clock.set(new Date(lessonStart.getTime() + 17 * MIN));
      await drain();
      const [row] = await db().database.db.select().from(schema.bookings).where(eq(schema.bookings.id, booked.json.id));
      expect(row).toMatchObject({ status: 'no_show', outcome: 'both_no_show' });
    });

    it('a hold that is not paid is swept when it lapses', async () => {
      const tutorClient = new Client(t.baseUrl);
      const { user: tutor } = await signUpTutor(tutorClient, { timeZone: 'UTC' });
      expect((await tutorClient.put('/api/tutors/me/availability', allDay)).status).toBe(200);
      await db().database.db.update(schema.tutorProfiles).set({ hourlyRateMinor: 80_000, currency: 'INR' }).where(eq(schema.tutorProfiles.userId, tutor.id));
      const student = new Client(t.baseUrl);
      await signUpStudent(student);
      const lessonStart = new Date(Math.floor(clock.now().getTime() / DAY) * DAY + 3 * DAY + 11 * 3_600_000);
      const held = await student.post('/api/bookings', { tutorId: tutor.id, start: lessonStart.toISOString(), durationMinutes: 60, idempotencyKey: key() });
      expect(held.status, held.text).toBe(201);
      expect(held.json).toMatchObject({ status: 'held', heldUntil: new Date(clock.now().getTime() + 10 * MIN).toISOString() });
      clock.advance(16 * MIN);
      await drain();
      const [row] = await db().database.db.select().from(schema.bookings).where(eq(schema.bookings.id, held.json.id));
      expect(row).toMatchObject({ status: 'cancelled', outcome: 'hold_expired' });
    });

    it('a subscription bought on the fake provider renews a month later', async () => {
      const student = new Client(t.baseUrl);
      const { user } = await signUpStudent(student);
      const checkout = await student.post('/api/billing/checkout', { planId: 'travel-plus', currency: 'USD', idempotencyKey: key() });
      expect(checkout.status, checkout.text).toBe(201);
      await student.request('POST', `/dev/fake-pay/${checkout.json.id}/succeed`, undefined, { 'content-type': 'application/x-www-form-urlencoded' });
      await drain();
      const subscription = async () => (await db().database.db.select().from(schema.subscriptions).where(eq(schema.subscriptions.studentId, user.id)))[0]!;
      const first = await subscription();
      expect(first.status).toBe('active');
      clock.advance(30 * DAY);
      await t.app.payments.fake!.renew(first.providerSubscriptionId!, 'succeed');
      await drain();
      const renewed = await subscription();
      expect(renewed.status).toBe('active');
      expect(renewed.currentPeriodEnd!.getTime()).toBeGreaterThan(first.currentPeriodEnd!.getTime());
      expect(await db().database.db.select().from(schema.payments).where(eq(schema.payments.studentId, user.id))).toHaveLength(2);
    });

    it('a WhatsApp message is stored, answered and the reply sent through the outbox', async () => {
      const from = `9197${String(keys++).padStart(8, '0')}`;
      const body = cloudMessagesPayload(PHONE_NUMBER_ID, [{ from, name: 'Travel', at: clock.now(), message: { type: 'text', text: 'hi' } }]);
      const res = await fetch(`${t.baseUrl}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': cloudSignature(body, APP_SECRET) }, body });
      expect(res.status).toBe(200);
      await drain();
      await drain();
      expect(fake.sent().filter((m) => m.to.replace(/^\+/, '') === from).length).toBeGreaterThan(0);
      const out = await db().database.db.select().from(schema.waMessages).where(and(eq(schema.waMessages.waId, from), eq(schema.waMessages.status, 'accepted')));
      expect(out.length).toBeGreaterThan(0);
      expect(out.every((m) => m.createdAt.getTime() === clock.now().getTime())).toBe(true);
    });
  });
}
