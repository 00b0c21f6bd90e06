import path from 'node:path';
import type { ChatMessage } from '@tutorline/contracts';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminClient, Client, signUpStudent } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { askQuestion, type HelpUser, jpegBytes, listFiles, makeTutor, quickHelp, waitUntil, whenOffered } from '../../../test/help';
import { schema } from '../../../test/schema';
import { SocketPool } from '../../../test/sockets';
import { consentByCode, guardianFromInvite, type GuardianWorld, inviteTokenSentTo, newWaNumber, startGuardianWorld } from '../guardians/guardians.testkit';
import { everyMention } from './privacy.erasure.testkit';
import { ask, billingOn, DAY, monthlyPlan, SetClock } from './privacy.testkit';

const plan = monthlyPlan('erasure-monthly', 'Erasure monthly');

async function postChatPhoto(baseUrl: string, sessionId: string, cookie: string, data: Buffer) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(data)], { type: 'image/jpeg' }), 'photo.jpg');
  const res = await fetch(`${baseUrl}/api/sessions/${sessionId}/photos`, { method: 'POST', body: form, headers: { cookie } });
  return (await res.json()) as { photoId: string };
}

/**
 * Issue #20, erasure: a guardian asks to delete their child's account; after the 14-day grace period on the injected
 * clock, the job leaves nothing of the child's in any table or file, while the ledger is kept and still balances and
 * the tutor keeps the record that the session happened.
 */
describeEachBackend('privacy: erasing a child’s account after the grace period', ({ db }) => {
  let w: GuardianWorld;
  const clock = new SetClock(Date.now());
  const sockets = new SocketPool();
  const name = `Priyanka Zeta${String(Date.now()).slice(-4)}`;
  const phone = `+9198${String(Date.now()).slice(-8)}`;
  let child: HelpUser;
  let guardian: { client: Client; id: string };
  let tutor: HelpUser;
  const facts = { sessionId: '', paymentId: '', bookingId: '', requestId: '', files: [] as string[] };
  const filesDir = () => path.join(w.dataDir, 'files');

  beforeAll(async () => {
    w = await startGuardianWorld(db().database, clock, { billing: billingOn, payments: { provider: 'fake', stripe: null, razorpay: null }, help: quickHelp() } as never);
    const t = w.t;
    const made = await (await adminClient(t)).client.post('/api/admin/billing/plans', plan);
    expect(made.status, made.text).toBeLessThan(300);
    const wa = newWaNumber();
    const client = new Client(t.baseUrl);
    const { email, user } = await signUpStudent(client, { displayName: name, phone, birthDate: '2014-03-01', country: 'IN', timeZone: 'Asia/Kolkata', guardianContact: `+${wa}` });
    child = { id: user.id, email, client };
    const token = await inviteTokenSentTo(w, wa);
    guardian = await guardianFromInvite(w, token);
    const consent = await consentByCode(w, guardian.client, child.id, wa, token);
    expect(consent.status, consent.text).toBeLessThan(300);
    // A payment.
    const checkout = await child.client.post('/api/billing/checkout', { planId: plan.id, currency: 'INR', idempotencyKey: `erasure-${Date.now()}` });
    expect(checkout.status, checkout.text).toBe(201);
    expect((await child.client.request('POST', `/dev/fake-pay/${checkout.json.id}/succeed`, undefined, { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(200);
    facts.paymentId = (await waitUntil(async () => (await t.app.database.db.select().from(schema.payments).where(eq(schema.payments.checkoutId, checkout.json.id)))[0], 'the payment')).id;
    // A question with a photo, a session, chat with the child's words and a chat photo.
    tutor = await makeTutor(t, { subjects: [{ subjectId: 'maths', level: 'grade-9-10' }], notifyWhenOffline: true });
    const q = await askQuestion(t, child, 'maths', 'grade-9-10');
    await whenOffered(tutor, q.id);
    expect((await tutor.client.post(`/api/help/questions/${q.id}/accept`)).status).toBe(200);
    const [question] = await t.app.database.db.select().from(schema.questions).where(eq(schema.questions.id, q.id));
    facts.sessionId = question!.sessionId!;
    const { socket } = await sockets.connect(t.baseUrl, child.client.cookie);
    expect((await ask(socket, 'room:join', { sessionId: facts.sessionId })).ok).toBe(true);
    const said = await ask<{ message: ChatMessage }>(socket, 'room:chat', { sessionId: facts.sessionId, clientId: crypto.randomUUID(), text: `I am ${name}, write to ${child.email}` });
    expect(said.ok, JSON.stringify(said)).toBe(true);
    const up = await postChatPhoto(t.baseUrl, facts.sessionId, child.client.cookie, await jpegBytes(300, 200));
    expect((await ask(socket, 'room:chat', { sessionId: facts.sessionId, clientId: crypto.randomUUID(), photoId: up.photoId })).ok).toBe(true);
    // A lesson with the same tutor.
    const startsAt = new Date(clock.now().getTime() + 2 * DAY);
    const [booking] = await t.app.database.db
      .insert(schema.bookings)
      .values({ tutorId: tutor.id, studentId: child.id, startsAt, endsAt: new Date(startsAt.getTime() + 3_600_000), status: 'confirmed', idempotencyKey: 'erasure-lesson', createdAt: clock.now(), subjectId: 'maths', level: 'grade-9-10' })
      .returning();
    facts.bookingId = booking!.id;
    // A browser subscribed to push, and a choice of channels (#21).
    await t.app.database.db.insert(schema.pushSubscriptions).values({ userId: child.id, endpoint: `https://push.example/${crypto.randomUUID()}`, p256dh: 'p'.repeat(87), auth: 'a'.repeat(22), createdAt: clock.now() });
    await t.app.database.db.insert(schema.notificationPrefs).values({ userId: child.id, push: true, whatsapp: false, inApp: true, updatedAt: clock.now() });
    const photos = await t.app.database.db.select().from(schema.questionPhotos).where(eq(schema.questionPhotos.ownerId, child.id));
    const chatPhotos = await t.app.database.db.select().from(schema.roomPhotos).where(eq(schema.roomPhotos.ownerId, child.id));
    facts.files = [...photos, ...chatPhotos].flatMap((p) => [p.storageKey, p.thumbKey]);
    expect(facts.files).toHaveLength(4);
    // The child leaves the room (recorded as 'left'), as they would long before the grace period ends.
    socket.disconnect();
    await waitUntil(async () => (await t.app.database.db.select().from(schema.callEvents).where(eq(schema.callEvents.userId, child.id))).some((e) => e.type === 'left'), "the child's leaving recorded");
  });
  afterAll(async () => {
    sockets.closeAll();
    await w?.close();
  });

  it('the guardian asks; a stranger cannot; the child sees the date it takes effect and can cancel; asked again, it is pending', async () => {
    const stranger = new Client(w.t.baseUrl);
    await signUpStudent(stranger);
    expect((await stranger.post('/api/privacy/erasure', { userId: child.id })).status).toBe(403);
    expect((await stranger.get(`/api/privacy/erasure?userId=${child.id}`)).status).toBe(403);
    expect(await w.t.app.database.db.select().from(schema.erasureRequests)).toEqual([]);

    const asked = await guardian.client.post('/api/privacy/erasure', { userId: child.id });
    expect(asked.status, asked.text).toBe(202);
    expect(Date.parse(asked.json.pending.effectiveAt) - Date.parse(asked.json.pending.requestedAt)).toBe(14 * DAY);
    expect((await child.client.get('/api/privacy/erasure')).json.pending).toMatchObject({ userId: child.id, status: 'pending', effectiveAt: asked.json.pending.effectiveAt });
    const again = await child.client.post('/api/privacy/erasure', {});
    expect(again.status).toBe(409);
    expect(again.json.error.message).toMatch(/already due to be deleted/);

    const cancelled = await child.client.post('/api/privacy/erasure/cancel', {});
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.json).toEqual({ pending: null });
    expect((await child.client.post('/api/privacy/erasure/cancel', {})).status).toBe(409);
    expect(w.t.logs()).toContain('"event":"erasure_cancelled"');

    const final = await guardian.client.post('/api/privacy/erasure', { userId: child.id });
    expect(final.status).toBe(202);
    facts.requestId = final.json.pending.id;
  });

  it('before the grace period ends the job refuses to run, and the child can still log in and use the site', async () => {
    clock.advance(13 * DAY);
    expect(await w.t.app.fastify.privacy!.erasure.run(facts.requestId)).toBe('skipped');
    expect((await child.client.get('/api/me')).status).toBe(200);
    expect(listFiles(filesDir())).toEqual(expect.arrayContaining(facts.files));
    // The search that must come back empty afterwards finds the child now, where their data is.
    const before = await everyMention(w.t.app.database.db, [name, child.email, phone, phone.slice(1)]);
    expect(before).toEqual(expect.arrayContaining([`users.email has ${child.email}`, `users.display_name has ${name}`, `users.phone has ${phone}`, `room_messages.body has ${name}`, `wa_messages.body has ${name}`, `guardian_consent_evidence.text_agreed has ${name}`]));
  });

  it('after 14 days the job erases: no table holds the child’s name, email or phone, the files are gone, the ledger balances', async () => {
    clock.advance(DAY + 1000);
    const done = await waitUntil(async () => {
      const [r] = await w.t.app.database.db.select().from(schema.erasureRequests).where(eq(schema.erasureRequests.id, facts.requestId));
      return r?.status === 'done' && r;
    }, 'the erase job to run on the moved clock', 30_000);
    expect(done.counts).toMatchObject({ help: { question_photos: 1 }, rooms: { room_photos: 1, room_messages: 2 }, notifications: { push_subscriptions: 1, notification_prefs: 1 }, identity: { users: 1 } });

    const { database } = w.t.app;
    expect(await everyMention(database.db, [name, child.email, phone, phone.slice(1)])).toEqual([]);
    const left = listFiles(filesDir());
    for (const key of facts.files) expect(left).not.toContain(key);

    // Logged out everywhere; the password no longer works.
    expect((await child.client.get('/api/me')).status).toBe(401);
    // The ledger and the payment are kept, pseudonymised, and every transaction still balances.
    const [payment] = await database.db.select().from(schema.payments).where(eq(schema.payments.id, facts.paymentId));
    expect(payment).toMatchObject({ studentId: child.id, amountMinor: 19900 });
    const unbalanced = await database.db.execute(sql`select transaction_id from ledger_entries group by transaction_id, currency having sum(amount_minor) <> 0`);
    expect((unbalanced as unknown as { rows: unknown[] }).rows).toEqual([]);
    const [account] = await database.db.select().from(schema.users).where(eq(schema.users.id, child.id));
    expect(account).toMatchObject({ displayName: 'Deleted user', phone: null, birthDate: null, disabled: true });
    // The tutor keeps the record that the session and the lesson happened, not the child's words or photos.
    expect(await database.db.select().from(schema.tutoringSessions).where(eq(schema.tutoringSessions.id, facts.sessionId))).toHaveLength(1);
    expect(await database.db.select().from(schema.bookings).where(eq(schema.bookings.id, facts.bookingId))).toHaveLength(1);
    const lines = await database.db.select().from(schema.roomMessages).where(eq(schema.roomMessages.sessionId, facts.sessionId));
    expect(lines.filter((m) => m.senderId === child.id).map((m) => [m.body, m.photoId])).toEqual([
      ['Message from a deleted user', null],
      ['Message from a deleted user', null],
    ]);
    // The structured log says what was removed, in counts, and nothing that identifies the child.
    const logged = w.t.logs().split('\n').find((l) => l.includes('"event":"erasure_done"'));
    expect(logged).toBeDefined();
    expect(JSON.parse(logged!).counts.help.question_photos).toBe(1);
    for (const s of [name, child.email, phone]) expect(logged).not.toContain(s);
  });

  it('running the job again changes nothing', async () => {
    const before = await everyRow(w);
    expect(await w.t.app.fastify.privacy!.erasure.run(facts.requestId)).toBe('skipped');
    // Even forced to run again (the request set back to pending), every eraser finds nothing left to change.
    await w.t.app.database.db.update(schema.erasureRequests).set({ status: 'pending' }).where(eq(schema.erasureRequests.id, facts.requestId));
    expect(await w.t.app.fastify.privacy!.erasure.run(facts.requestId)).toBe('erased');
    const [again] = await w.t.app.database.db.select().from(schema.erasureRequests).where(eq(schema.erasureRequests.id, facts.requestId));
    expect(again!.counts).toEqual({});
    expect(await everyRow(w)).toEqual(before);
  });
});

/** A fingerprint of the tables the erasure touches, to compare before and after a second run. */
async function everyRow(w: GuardianWorld) {
  const q = (t: string) => w.t.app.database.db.execute(sql.raw(`select count(*)::int as n, md5(coalesce(string_agg(x::text, ',' order by x::text), '')) as h from ${t} x`));
  const out: Record<string, unknown> = {};
  for (const t of ['users', 'room_messages', 'room_photos', 'question_photos', 'questions', 'auth_sessions', 'user_notifications', 'wa_messages', 'payments', 'ledger_entries']) out[t] = ((await q(t)) as unknown as { rows: unknown[] }).rows[0];
  return out;
}
