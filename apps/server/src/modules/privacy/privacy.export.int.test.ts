import fs from 'node:fs';
import path from 'node:path';
import type { ChatMessage } from '@tutorline/contracts';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminClient, Client, signUpStudent, startTestApp, type TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { askQuestion, helpConfig, type HelpUser, makeDataDir, makeStudent, makeTutor, removeDir, waitUntil, whenOffered } from '../../../test/help';
import { SocketPool } from '../../../test/sockets';
import { schema } from '../../../test/schema';
import { ask, billingOn, DAY, download, jsonOf, logLines, monthlyPlan, SetClock, unzip } from './privacy.testkit';

const plan = monthlyPlan('export-monthly', 'Export monthly');

/** Issue #20, data rights: a student's export has every kind of their data, the photo's bytes, and a link only they can use for 7 days. */
describeEachBackend('privacy: a student exports their data as a ZIP through a signed link that expires', ({ db }) => {
  let t: TestApp;
  let dataDir: string;
  const clock = new SetClock(Date.now());
  const sockets = new SocketPool();
  let student: HelpUser;
  let tutor: HelpUser;
  let other: Client;
  let otherId = '';
  const facts = { questionId: '', photoKey: '', sessionId: '', bookingId: '', paymentId: '', pushEndpoint: '', chat: 'Is the answer x = 4?' };
  let link = '';

  beforeAll(async () => {
    dataDir = makeDataDir();
    t = await startTestApp(db().database, { ...helpConfig(dataDir), billing: billingOn, payments: { provider: 'fake', stripe: null, razorpay: null } } as never, clock);
    const admin = (await adminClient(t)).client;
    const made = await admin.post('/api/admin/billing/plans', plan);
    expect(made.status, made.text).toBeLessThan(300);
    student = await makeStudent(t);
    // A payment: the plan, paid on the fake provider's page.
    const checkout = await student.client.post('/api/billing/checkout', { planId: plan.id, currency: 'INR', idempotencyKey: `export-${Date.now()}` });
    expect(checkout.status, checkout.text).toBe(201);
    expect((await student.client.request('POST', `/dev/fake-pay/${checkout.json.id}/succeed`, undefined, { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(200);
    const payment = await waitUntil(async () => (await t.app.database.db.select().from(schema.payments).where(eq(schema.payments.checkoutId, checkout.json.id)))[0], 'the payment');
    facts.paymentId = payment.id;
    // A question with a photo, taken by a tutor: a session, and chat in it.
    tutor = await makeTutor(t, { subjects: [{ subjectId: 'maths', level: 'grade-9-10' }], notifyWhenOffline: true });
    const q = await askQuestion(t, student, 'maths', 'grade-9-10');
    facts.questionId = q.id;
    await whenOffered(tutor, q.id);
    const accepted = await tutor.client.post(`/api/help/questions/${q.id}/accept`);
    expect(accepted.status, accepted.text).toBe(200);
    const [question] = await t.app.database.db.select().from(schema.questions).where(eq(schema.questions.id, q.id));
    facts.sessionId = question!.sessionId!;
    const [photo] = await t.app.database.db.select().from(schema.questionPhotos).where(eq(schema.questionPhotos.questionId, q.id));
    facts.photoKey = photo!.storageKey;
    const { socket } = await sockets.connect(t.baseUrl, student.client.cookie);
    expect((await ask(socket, 'room:join', { sessionId: facts.sessionId })).ok).toBe(true);
    const sent = await ask<{ message: ChatMessage }>(socket, 'room:chat', { sessionId: facts.sessionId, clientId: crypto.randomUUID(), text: facts.chat });
    expect(sent.ok, JSON.stringify(sent)).toBe(true);
    // A lesson with the same tutor.
    const startsAt = new Date(clock.now().getTime() + 2 * DAY);
    const [booking] = await t.app.database.db
      .insert(schema.bookings)
      .values({ tutorId: tutor.id, studentId: student.id, startsAt, endsAt: new Date(startsAt.getTime() + 3_600_000), status: 'confirmed', idempotencyKey: 'export-lesson', createdAt: clock.now(), subjectId: 'maths', level: 'grade-9-10' })
      .returning();
    facts.bookingId = booking!.id;
    // A browser subscribed to push, and the channels chosen (#21).
    facts.pushEndpoint = `https://push.example.test/send/${crypto.randomUUID()}`;
    await t.app.database.db.insert(schema.pushSubscriptions).values({ userId: student.id, endpoint: facts.pushEndpoint, p256dh: 'P'.repeat(87), auth: 'A'.repeat(22), userAgent: 'Firefox on Android', createdAt: clock.now() });
    await t.app.database.db.insert(schema.notificationPrefs).values({ userId: student.id, push: true, whatsapp: false, inApp: true, updatedAt: clock.now() });
    await t.app.database.db.insert(schema.userNotifications).values({ userId: student.id, kind: 'lesson_reminder', text: 'Your maths lesson starts in one hour.', createdAt: clock.now() });
    other = new Client(t.baseUrl);
    otherId = (await signUpStudent(other)).user.id;
  });
  afterAll(async () => {
    sockets.closeAll();
    await t?.close();
    removeDir(dataDir);
  });

  it('shows nothing before a request, refuses another user’s data, then builds the ZIP once with one pending export at a time', async () => {
    expect((await student.client.get('/api/privacy/export')).json).toEqual({ latest: null, nextAllowedAt: null });
    const stranger = await other.post('/api/privacy/export', { userId: student.id });
    expect(stranger.status).toBe(403);
    expect((await other.get(`/api/privacy/export?userId=${student.id}`)).status).toBe(403);
    expect(await t.app.database.db.select().from(schema.dataExports)).toEqual([]);

    const asked = await student.client.post('/api/privacy/export', {});
    expect(asked.status, asked.text).toBe(202);
    expect(asked.json.latest).toMatchObject({ userId: student.id, status: 'pending', downloadUrl: null });
    const again = await student.client.post('/api/privacy/export', {});
    expect(again.status).toBe(409);
    expect(again.json.error.message).toMatch(/already being prepared/);

    const ready = await waitUntil(async () => {
      const s = (await student.client.get('/api/privacy/export')).json;
      if (s.latest?.status === 'failed') throw new Error(`export failed: ${logLines(t.logs(), 'data_export')}`);
      return s.latest?.status === 'ready' && s;
    }, 'the export to be ready', 20_000);
    expect(ready.latest.downloadUrl).toMatch(new RegExp(`^/api/privacy/exports/${ready.latest.id}/download\\?u=${student.id}&exp=\\d+&sig=`));
    expect(Date.parse(ready.latest.expiresAt) - Date.parse(ready.latest.readyAt)).toBe(7 * DAY);
    link = `${t.baseUrl}${ready.latest.downloadUrl}`;
    const notices = await t.app.database.db.select().from(schema.userNotifications).where(eq(schema.userNotifications.userId, student.id));
    expect(notices.filter((n) => n.kind === 'data_export_ready')).toMatchObject([{ text: expect.stringContaining(ready.latest.downloadUrl) }]);
    expect(t.logs()).toContain('"event":"data_export_ready"');

    // One a day.
    const tooSoon = await student.client.post('/api/privacy/export', {});
    expect(tooSoon.status).toBe(429);
    expect(tooSoon.json.error.message).toMatch(/one export a day/);
  });

  it('downloads the ZIP as an attachment with a JSON file per kind of data and the photo’s bytes', async () => {
    const res = await download(link, student.client.cookie);
    expect(res.status, res.text.slice(0, 200)).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="tutorline-data-\d{4}-\d\d-\d\d\.zip"$/);
    const files = await unzip(res.body);
    for (const name of ['profile.json', 'questions.json', 'sessions.json', 'chat.json', 'call_events.json', 'lessons.json', 'payments.json', 'messages.json', 'manifest.json']) expect(files.has(name), name).toBe(true);
    expect(jsonOf(files, 'profile.json')).toMatchObject({ id: student.id, email: student.email, role: 'student' });
    expect(JSON.stringify(jsonOf(files, 'profile.json'))).not.toMatch(/argon2|password/i);
    const [question] = jsonOf(files, 'questions.json');
    expect(question).toMatchObject({ id: facts.questionId, subjectId: 'maths', sessionId: facts.sessionId });
    expect(question.photos).toHaveLength(1);
    const photoBytes = files.get(question.photos[0]);
    expect(photoBytes?.length).toBeGreaterThan(100);
    expect(photoBytes!.equals(fs.readFileSync(path.join(dataDir, 'files', facts.photoKey)))).toBe(true);
    expect(jsonOf(files, 'sessions.json')).toMatchObject([{ id: facts.sessionId, role: 'student', tutorId: tutor.id, questionId: facts.questionId }]);
    expect(jsonOf(files, 'chat.json')).toMatchObject([{ sessionId: facts.sessionId, fromMe: true, body: facts.chat }]);
    expect(jsonOf(files, 'lessons.json')).toMatchObject([{ id: facts.bookingId, role: 'student', tutorId: tutor.id, status: 'confirmed' }]);
    expect(jsonOf(files, 'payments.json').payments).toMatchObject([{ id: facts.paymentId, amountMinor: 19900, currency: 'INR', status: 'succeeded' }]);
    // Web Push: the browser by its push service and user agent, the channels; not the endpoint or its keys (credentials).
    const notifications = jsonOf(files, 'notifications.json');
    expect(notifications.channels).toMatchObject({ push: true, whatsapp: false, inApp: true });
    expect(notifications.pushBrowsers).toEqual([{ pushService: 'push.example.test', userAgent: 'Firefox on Android', subscribedAt: expect.any(String) }]);
    expect(notifications.notices).toEqual([{ kind: 'lesson_reminder', text: 'Your maths lesson starts in one hour.', createdAt: expect.any(String), readAt: null }]);
    expect(res.text).not.toContain(facts.pushEndpoint);
    expect(res.text).not.toContain('A'.repeat(22));
    expect(jsonOf(files, 'manifest.json')).toMatchObject({ userId: student.id, missing: [] });
    // The tutor's data is not in it: the other side of a session is named by id only.
    expect(res.text).not.toContain(tutor.email);
  });

  it('refuses a tampered link (403), another logged-in user (403) and nobody logged in (401), with a page, not the file', async () => {
    const url = new URL(link);
    const sig = url.searchParams.get('sig')!;
    const tamper = (k: string, v: string) => {
      const u = new URL(link);
      u.searchParams.set(k, v);
      return u.toString();
    };
    const flipped = `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`;
    for (const bad of [tamper('sig', flipped), tamper('u', otherId), tamper('exp', String(Number(url.searchParams.get('exp')) + 60))]) {
      const res = await download(bad, student.client.cookie);
      expect(res.status, bad).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(res.text).toContain('This link does not work');
    }
    const someoneElse = await download(link, other.cookie);
    expect(someoneElse.status).toBe(403);
    expect(someoneElse.text).toContain('This export is not yours');
    const loggedOut = await download(link);
    expect(loggedOut.status).toBe(401);
    expect(loggedOut.text).toContain('Please log in first');
    expect(t.logs()).toContain('"event":"data_export_download_refused"');
  });

  it('after 7 days the link is refused as expired (410), and the hourly sweep job deletes the ZIP', async () => {
    const [row] = await t.app.database.db.select().from(schema.dataExports).where(eq(schema.dataExports.userId, student.id));
    const file = path.join(dataDir, 'files', row!.storageKey!);
    expect(fs.existsSync(file)).toBe(true);
    clock.advance(7 * DAY + 1000);
    const res = await download(link, student.client.cookie);
    expect(res.status).toBe(410);
    expect(res.text).toContain('This link has expired');
    // The hourly sweep job comes due on the moved clock and deletes the file.
    const after = await waitUntil(async () => {
      const [r] = await t.app.database.db.select().from(schema.dataExports).where(eq(schema.dataExports.id, row!.id));
      return r?.status === 'expired' && r;
    }, 'the sweep to expire the export', 20_000);
    expect(after.storageKey).toBeNull();
    expect(fs.existsSync(file)).toBe(false);
    expect((await student.client.get('/api/privacy/export')).json.latest).toMatchObject({ status: 'expired', downloadUrl: null });
    await waitUntil(async () => t.logs().includes('"event":"data_export_sweep"'), 'the sweep to log what it removed');
    // A new day: another export may be asked for.
    expect((await student.client.post('/api/privacy/export', {})).status).toBe(202);
  });
});
