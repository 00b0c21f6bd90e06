import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { schema } from './schema';
import { adminClient, Client, type TestApp, startTestApp } from './app';
import { describeEachBackend } from './db';
import { askQuestion, helpConfig, type HelpUser, jpegBytes, makeDataDir, makeStudent, makeTutor, removeDir } from './help';
import { SocketPool } from './sockets';

/**
 * Decision 020: an object the caller may not see is answered exactly like a missing one (404, same code, same words),
 * so an id cannot be probed. Each route family is asked twice by a stranger: with a real id that is someone else's,
 * and with an id that does not exist. The two answers must not differ.
 */
describeEachBackend('refusals do not reveal that an object exists', ({ db }) => {
  let t: TestApp;
  let dataDir: string;
  const sockets = new SocketPool();
  const cs = [{ subjectId: 'computer-science', level: 'grade-11-12' }];
  let owner: HelpUser;
  let stranger: HelpUser;
  let tutor: HelpUser;
  let otherTutor: HelpUser;
  const ids = { question: '', photo: '', session: '', chatPhoto: '', booking: '', heldBooking: '', doneBooking: '', series: '', checkout: '', pendingTutor: '' };

  beforeAll(async () => {
    dataDir = makeDataDir();
    // Payments on (the fake provider), so a held booking can be checked out.
    t = await startTestApp(db().database, { ...helpConfig(dataDir), payments: { provider: 'fake', stripe: null, razorpay: null } });
    owner = await makeStudent(t);
    stranger = await makeStudent(t);
    tutor = await makeTutor(t, { subjects: cs, sockets });
    otherTutor = await makeTutor(t, { subjects: [{ subjectId: 'maths', level: 'grade-6-8' }] });

    // A question, claimed by the tutor it was offered to: a session, with a photo in its chat.
    const q = await askQuestion(t, owner, 'computer-science', 'grade-11-12');
    ids.question = q.id;
    ids.photo = q.photos[0].id;
    await tutor.events!.first('help:question', q.id);
    const claim = await tutor.client.post(`/api/help/questions/${q.id}/accept`);
    expect(claim.status, claim.text).toBe(200);
    ids.session = claim.json.sessionId;
    const chat = await uploadTo(`/api/sessions/${ids.session}/photos`, tutor.client.cookie);
    expect(chat.status).toBe(201);
    ids.chatPhoto = ((await chat.json()) as { photoId: string }).photoId;

    // Bookings of the owner with the tutor: confirmed, held for payment (with a checkout), completed, and a series.
    const now = Date.now();
    const booking = (over: Partial<typeof schema.bookings.$inferInsert>) => ({
      tutorId: tutor.id,
      studentId: owner.id,
      startsAt: new Date(now + 3 * 86_400_000),
      endsAt: new Date(now + 3 * 86_400_000 + 3_600_000),
      status: 'confirmed' as const,
      idempotencyKey: randomUUID(),
      priceMinor: 80000,
      currency: 'INR',
      createdAt: new Date(now),
      ...over,
    });
    const rows = await db()
      .database.db.insert(schema.bookings)
      .values([
        booking({}),
        booking({ status: 'held', heldUntil: new Date(now + 15 * 60_000), startsAt: new Date(now + 4 * 86_400_000), endsAt: new Date(now + 4 * 86_400_000 + 3_600_000) }),
        booking({ status: 'completed', outcome: 'completed', startsAt: new Date(now - 3 * 86_400_000), endsAt: new Date(now - 3 * 86_400_000 + 3_600_000) }),
        booking({ seriesId: randomUUID(), startsAt: new Date(now + 5 * 86_400_000), endsAt: new Date(now + 5 * 86_400_000 + 3_600_000) }),
      ])
      .returning();
    [ids.booking, ids.heldBooking, ids.doneBooking] = rows.slice(0, 3).map((r) => r.id) as [string, string, string];
    ids.series = rows[3]!.seriesId!;
    const checkout = await owner.client.post('/api/billing/checkout', { bookingId: ids.heldBooking, idempotencyKey: randomUUID() });
    expect(checkout.status, checkout.text).toBe(201);
    ids.checkout = checkout.json.id;

    // A tutor who signed up but is not approved: not public yet.
    ids.pendingTutor = (await makeTutor(t, { subjects: cs, approved: false })).id;
  });
  afterAll(async () => {
    sockets.closeAll();
    await t?.close();
    removeDir(dataDir);
  });

  async function uploadTo(path: string, cookie: string) {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(await jpegBytes())], { type: 'image/jpeg' }), 'photo.jpg');
    return fetch(`${t.baseUrl}${path}`, { method: 'POST', body: form, headers: { cookie } });
  }

  const answer = (res: { status: number; json: any }) => ({ status: res.status, code: res.json?.error?.code, message: res.json?.error?.message });

  /** Someone else's id and a missing id, asked the same way by `client`: the answers must be identical. */
  async function sameAnswer(client: Client, method: string, path: (id: string) => string, realId: string, body?: unknown) {
    const real = answer(await client.request(method, path(realId), body));
    const missing = answer(await client.request(method, path(randomUUID()), body));
    expect(real, `${method} ${path(':id')}`).toEqual(missing);
    return real;
  }

  it('students: another student record', async () => {
    expect(await sameAnswer(stranger.client, 'GET', (id) => `/api/students/${id}`, owner.id)).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('questions: reading, cancelling, rating, marking answered, and accepting one that was never offered', async () => {
    const q = (suffix: string) => (id: string) => `/api/help/questions/${id}${suffix}`;
    expect(await sameAnswer(stranger.client, 'GET', q(''), ids.question)).toMatchObject({ status: 404, code: 'not_found' });
    expect(await sameAnswer(stranger.client, 'POST', q('/cancel'), ids.question)).toMatchObject({ status: 404 });
    expect(await sameAnswer(stranger.client, 'POST', q('/rating'), ids.question, { stars: 5 })).toMatchObject({ status: 404 });
    expect(await sameAnswer(otherTutor.client, 'GET', q(''), ids.question)).toMatchObject({ status: 404 });
    expect(await sameAnswer(otherTutor.client, 'POST', q('/answered'), ids.question)).toMatchObject({ status: 404 });
    // A tutor outside the subject, never notified of it: the same 404 as a question that does not exist (it was a 403).
    expect(await sameAnswer(otherTutor.client, 'POST', q('/accept'), ids.question)).toMatchObject({ status: 404, code: 'not_found' });
  });

  it("questions' photos", async () => {
    expect(await sameAnswer(stranger.client, 'GET', (id) => `/api/help/photos/${id}`, ids.photo)).toMatchObject({ status: 404 });
    expect(await sameAnswer(otherTutor.client, 'GET', (id) => `/api/help/photos/${id}?size=thumb`, ids.photo)).toMatchObject({ status: 404 });
  });

  it('sessions: reading, ICE servers, ending, chat photos, and joining the room', async () => {
    const s = (suffix: string) => (id: string) => `/api/sessions/${id}${suffix}`;
    expect(await sameAnswer(stranger.client, 'GET', s(''), ids.session)).toMatchObject({ status: 404, code: 'not_found' });
    expect(await sameAnswer(stranger.client, 'GET', s('/ice-servers'), ids.session)).toMatchObject({ status: 404 });
    expect(await sameAnswer(stranger.client, 'POST', s('/end'), ids.session)).toMatchObject({ status: 404 });
    expect(await sameAnswer(stranger.client, 'GET', (id) => `/api/sessions/${id}/photos/${ids.chatPhoto}`, ids.session)).toMatchObject({ status: 404 });
    const upload = async (id: string) => {
      const res = await uploadTo(`/api/sessions/${id}/photos`, stranger.client.cookie);
      return answer({ status: res.status, json: await res.json() });
    };
    expect(await upload(ids.session)).toEqual(await upload(randomUUID()));

    const { socket } = await sockets.connect(t.baseUrl, stranger.client.cookie);
    const join = (sessionId: string) => socket.timeout(5000).emitWithAck('room:join', { sessionId });
    const [real, missing] = [await join(ids.session), await join(randomUUID())];
    expect(real).toEqual(missing);
    expect(real).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('bookings: cancelling, moving, the lesson room, the invitation, a series, and reviewing', async () => {
    const b = (suffix: string) => (id: string) => `/api/bookings/${id}${suffix}`;
    expect(await sameAnswer(stranger.client, 'POST', b('/cancel'), ids.booking)).toMatchObject({ status: 404, code: 'not_found' });
    const move = { start: new Date(Date.now() + 6 * 86_400_000).toISOString(), idempotencyKey: 'move-someone-else' };
    expect(await sameAnswer(stranger.client, 'POST', b('/reschedule'), ids.booking, move)).toMatchObject({ status: 404 });
    expect(await sameAnswer(stranger.client, 'POST', b('/room'), ids.booking)).toMatchObject({ status: 404 });
    expect(await sameAnswer(stranger.client, 'GET', b('/room'), ids.booking)).toMatchObject({ status: 404 });
    expect(await sameAnswer(stranger.client, 'GET', b('/invite.ics'), ids.booking)).toMatchObject({ status: 404 });
    expect(await sameAnswer(otherTutor.client, 'POST', b('/cancel'), ids.booking)).toMatchObject({ status: 404 });
    expect(await sameAnswer(stranger.client, 'POST', (id) => `/api/bookings/series/${id}/cancel`, ids.series)).toMatchObject({ status: 404 });
    expect(await sameAnswer(stranger.client, 'POST', b('/review'), ids.doneBooking, { rating: 5 })).toMatchObject({ status: 404 });
  });

  it("checkouts: paying for someone else's held booking, and reading someone else's checkout", async () => {
    // Paying for another student's booking was a 403 "That booking is not yours.": it told the caller the id was real.
    const real = answer(await stranger.client.post('/api/billing/checkout', { bookingId: ids.heldBooking, idempotencyKey: randomUUID() }));
    const missing = answer(await stranger.client.post('/api/billing/checkout', { bookingId: randomUUID(), idempotencyKey: randomUUID() }));
    expect(real).toEqual(missing);
    expect(real).toEqual({ status: 404, code: 'not_found', message: 'That booking was not found.' });
    expect(await sameAnswer(stranger.client, 'GET', (id) => `/api/billing/checkouts/${id}`, ids.checkout)).toMatchObject({ status: 404 });
  });

  it("tutors' profiles that are not public yet", async () => {
    expect(await sameAnswer(stranger.client, 'GET', (id) => `/api/tutors/${id}`, ids.pendingTutor)).toMatchObject({ status: 404 });
    expect(await sameAnswer(stranger.client, 'GET', (id) => `/api/tutors/${id}/reviews`, ids.pendingTutor)).toMatchObject({ status: 404 });
    expect(await sameAnswer(stranger.client, 'PUT', (id) => `/api/tutors/${id}/favourite`, ids.pendingTutor)).toMatchObject({ status: 404 });
  });

  it('admin-only objects: refused by role (403) before any lookup, so a real id and a missing one read the same', async () => {
    expect(await sameAnswer(stranger.client, 'GET', (id) => `/api/sessions/${id}/timeline`, ids.session)).toMatchObject({ status: 403, code: 'forbidden' });
    expect(await sameAnswer(stranger.client, 'POST', (id) => `/api/admin/students/${id}/guardian-consent`, owner.id)).toMatchObject({ status: 403 });
    expect(await sameAnswer(tutor.client, 'GET', (id) => `/api/students/${id}`, owner.id)).toMatchObject({ status: 403 });
    // Admins may see everything, so for them "missing" is the only 404.
    const { client: admin } = await adminClient(t);
    expect((await admin.get(`/api/sessions/${ids.session}/timeline`)).status).toBe(200);
    expect((await admin.get(`/api/sessions/${randomUUID()}/timeline`)).status).toBe(404);
  });
});
