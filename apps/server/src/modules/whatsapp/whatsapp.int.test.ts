import Fastify, { type FastifyInstance } from 'fastify';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig, type WhatsAppConfig } from '../../config';
import { cloudMessagesPayload, cloudSignature, cloudStatusesPayload, type FakeGraph, type FakeGraphSent, fakeGraphPlugin, newWamid, type SimulatedInbound } from '../../integrations/whatsapp';
import { schema } from '../../../test/schema';
import { describeEachBackend } from '../../../test/db';
import { adminClient, type Client, startTestApp, type TestApp } from '../../../test/app';
import { freePort } from '../../../test/net';
import { helpConfig, jpegBytes, makeDataDir, makeTutor, removeDir, waitUntil } from '../../../test/help';

// The Cloud API: webhooks, the conversation, the outbox and linking. Gupshup, the 24-hour window and linking from
// WhatsApp are in whatsapp.gupshup.int.test.ts.

const APP_SECRET = 'whatsapp_test_app_secret_8f2c1d';
const PHONE_NUMBER_ID = '109876543210987';
const ACCESS_TOKEN = 'test-access-token-123';
const VERIFY_TOKEN = 'verify-token-for-tests';

let counter = 0;
const newNumber = () => `9198${String(Date.now()).slice(-6)}${String(++counter).padStart(2, '0')}`;

function waConfig(graphUrl: string): WhatsAppConfig {
  return {
    provider: 'cloud',
    cloud: { appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, accessToken: ACCESS_TOKEN, phoneNumberId: PHONE_NUMBER_ID, graphUrl: `${graphUrl}/v21.0` },
    gupshup: null,
    templates: { language: 'en', questionAlert: 'tutor_question_alert', update: 'tutorline_update' },
    sendsPerSecond: 200,
  };
}

describeEachBackend('WhatsApp: webhooks, conversation, outbox', ({ db }) => {
  let graph: FastifyInstance;
  let fake: FakeGraph;
  let graphUrl: string;
  let t: TestApp;
  let dataDir: string;
  let admin: Client;

  // Links in messages (join links, shared photos) carry the public URL, so the app needs its real port up front.
  let port = 0;
  const start = async (manualJobs = false) =>
    startTestApp(db().database, { ...helpConfig(dataDir), port, publicUrl: `http://127.0.0.1:${port}`, whatsapp: waConfig(graphUrl) }, undefined, { manualJobs, whatsappFlow: { burstMs: 0, waveUpdateMinIntervalMs: 0 } });

  beforeAll(async () => {
    dataDir = makeDataDir();
    graph = Fastify();
    fake = fakeGraphPlugin(graph, { phoneNumberId: PHONE_NUMBER_ID, accessToken: ACCESS_TOKEN });
    graphUrl = await graph.listen({ host: '127.0.0.1', port: 0 });
    port = await freePort();
    t = await start();
    ({ client: admin } = await adminClient(t));
  });
  afterAll(async () => {
    await t?.close();
    await graph?.close();
    removeDir(dataDir);
  });

  const post = (body: string, signature: string | null = cloudSignature(body, APP_SECRET), app = t) =>
    fetch(`${app.baseUrl}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature-256': signature } : {}) }, body });
  const send = (messages: SimulatedInbound[], app = t) => post(cloudMessagesPayload(PHONE_NUMBER_ID, messages), undefined, app);
  const sentTo = (waId: string) => fake.sent().filter((m) => m.to.replace(/^\+/, '') === waId);
  /** Waits for the n-th message (1-based) to a number and returns it. */
  const nth = (waId: string, n: number, timeoutMs = 15_000) => waitUntil(async () => sentTo(waId)[n - 1], `message ${n} to ${waId}`, timeoutMs);
  const textOf = (m: FakeGraphSent) => JSON.stringify(m.body);
  const inboxCount = async () => Number((await db().database.db.select({ n: sql<number>`count(*)::int` }).from(schema.waInbox))[0]!.n);

  describe('the webhook', () => {
    it("answers Meta's verification with the challenge only for the right token", async () => {
      const ok = await fetch(`${t.baseUrl}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
      expect(ok.status).toBe(200);
      expect(await ok.text()).toBe('1158201444');
      expect((await fetch(`${t.baseUrl}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`)).status).toBe(403);
    });

    it('refuses a missing, wrong or tampered signature with 401 and stores nothing', async () => {
      const body = cloudMessagesPayload(PHONE_NUMBER_ID, [{ from: newNumber(), message: { type: 'text', text: 'hi' } }]);
      const before = await inboxCount();
      expect((await post(body, null)).status).toBe(401);
      expect((await post(body, cloudSignature(body, 'another-secret'))).status).toBe(401);
      expect((await post(body, 'sha256=zz')).status).toBe(401);
      expect((await post(body.replace('"hi"', '"hj"'), cloudSignature(body, APP_SECRET))).status).toBe(401);
      expect(await inboxCount()).toBe(before);
      expect(t.logs()).toContain('whatsapp_signature_refused');
    });

    it('answers malformed JSON and foreign payloads with 400, without a stack trace', async () => {
      const bad = '{"object": "whatsapp_business_account", "entry": [';
      const res = await post(bad);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
      const foreign = JSON.stringify({ hello: 'world' });
      const res2 = await post(foreign);
      expect(res2.status).toBe(400);
      expect(await res2.text()).not.toMatch(/at .*\.ts:\d+/);
    });

    it('handles a batch of two messages whole, and politely refuses what it cannot read', async () => {
      const [a, b] = [newNumber(), newNumber()];
      const res = await send([
        { from: a, message: { type: 'text', text: 'help' } },
        { from: b, message: { type: 'sticker' } },
      ]);
      expect(res.status).toBe(200);
      expect(textOf(await nth(a, 1))).toContain('Send me a photo');
      expect(textOf(await nth(b, 1))).toMatch(/text|photo/i);
    });
  });

  describe('a question from WhatsApp to a tutor on WhatsApp', () => {
    it('asks with a photo, alerts two tutors, the first Accept wins: both get links, the other tutor hears it was taken; 50 repeats make one question', async () => {
      const [tutorA, tutorB] = await Promise.all([
        // Two levels of maths are taught, so the student picks one (a subject taught at one level skips that step).
        makeTutor(t, { subjects: [{ subjectId: 'maths', level: 'grade-9-10' }, { subjectId: 'maths', level: 'grade-11-12' }], online: true, notifyWhenOffline: true }),
        makeTutor(t, { subjects: [{ subjectId: 'maths', level: 'grade-9-10' }], online: true, notifyWhenOffline: true }),
      ]);
      const [waA, waB] = [newNumber(), newNumber()];
      await t.app.whatsapp!.whatsapp.linkNumber(waA, tutorA.id);
      await t.app.whatsapp!.whatsapp.linkNumber(waB, tutorB.id);
      // Tutors message us first, so their 24-hour window is open and alerts go out free-form.
      await send([{ from: waA, message: { type: 'text', text: 'online' } }]);
      await send([{ from: waB, message: { type: 'text', text: 'online' } }]);
      await nth(waA, 1);
      await nth(waB, 1);

      const student = newNumber();
      const mediaId = fake.putMedia(await jpegBytes(400, 300), 'image/jpeg');
      await send([{ from: student, name: 'Meera', message: { type: 'image', mediaId, caption: 'Q4 please' } }]);
      // A new number: the age first (the photo waits in the draft).
      expect(textOf(await nth(student, 1))).toContain('How old are you?');
      await send([{ from: student, message: { type: 'text', text: '15' } }]);
      const subjects = await nth(student, 2);
      expect(subjects.body).toMatchObject({ type: 'interactive', interactive: { type: 'list' } });
      // Only what an approved tutor teaches is offered, as on the web's ask form: no tutor teaches history here.
      expect(textOf(subjects)).toContain('subject:maths');
      expect(textOf(subjects)).not.toContain('subject:history');
      await send([{ from: student, message: { type: 'list', replyId: 'subject:maths', title: 'Maths' } }]);
      const levels = await nth(student, 3);
      expect(textOf(levels)).toContain('subject:maths:grade-9-10');
      await send([{ from: student, message: { type: 'list', replyId: 'subject:maths:grade-9-10', title: 'Grade 9–10' } }]);
      const confirm = await nth(student, 4);
      expect(confirm.body).toMatchObject({ type: 'interactive', interactive: { type: 'button' } });

      // The confirm tap, delivered 50 times (Meta retries), 25 of them at once.
      const confirmWamid = newWamid();
      const tap: SimulatedInbound = { from: student, id: confirmWamid, message: { type: 'button', replyId: 'confirm', title: 'Yes, send it' } };
      const statuses = await Promise.all(Array.from({ length: 25 }, () => send([tap]).then((r) => r.status)));
      for (let i = 0; i < 25; i++) statuses.push((await send([tap])).status);
      expect(statuses.every((s) => s === 200)).toBe(true);
      const studentUser: string = await waitUntil(async () => (await db().database.db.select().from(schema.waContacts).where(eq(schema.waContacts.waId, student)))[0]?.userId ?? undefined, 'the student account');
      const questions = await waitUntil(async () => {
        const rows = await db().database.db.select().from(schema.questions).where(eq(schema.questions.studentId, studentUser));
        return rows.length ? rows : undefined;
      }, 'the question');
      expect(questions).toHaveLength(1);
      const questionId = questions[0]!.id;
      expect((await db().database.db.select().from(schema.waInbox).where(eq(schema.waInbox.dedupeKey, `msg:cloud:${confirmWamid}`))).length).toBe(1);
      // The student's photo went through the photo checks and storage.
      expect((await db().database.db.select().from(schema.questionPhotos).where(eq(schema.questionPhotos.questionId, questionId))).length).toBe(1);

      // Both tutors get the photo and an Accept button.
      const alertA = await waitUntil(async () => sentTo(waA).find((m) => textOf(m).includes(`accept:${questionId}`)), 'tutor A alert');
      await waitUntil(async () => sentTo(waB).find((m) => textOf(m).includes(`accept:${questionId}`)), 'tutor B alert');
      const photo = sentTo(waA).find((m) => (m.body as { type: string }).type === 'image');
      expect(photo).toBeDefined();
      const link = (photo!.body as { image: { link: string } }).image.link;
      expect((await fetch(link)).status).toBe(200);
      expect((await fetch(link.replace(/sig=[^&]+/, 'sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'))).status).toBe(404);

      await send([{ from: waA, message: { type: 'button', replyId: `accept:${questionId}`, title: 'Accept', contextId: alertA.id } }]);
      const won = await waitUntil(async () => sentTo(waA).find((m) => textOf(m).includes('/l/')), "tutor A's join link");
      const joined = await waitUntil(async () => sentTo(student).find((m) => textOf(m).includes('/l/')), "the student's join link");
      expect(textOf(joined)).toMatch(/accepted/i);
      await waitUntil(async () => sentTo(waB).find((m) => /accepted this question first|already/i.test(textOf(m))), 'tutor B hears it was taken');

      // The links open the web session as each of them.
      for (const m of [won, joined]) {
        const url = /(http:\/\/[^\s"\\]+\/l\/[A-Za-z0-9_-]+)/.exec(textOf(m))![1]!;
        const res = await fetch(url, { redirect: 'manual' });
        expect(res.status).toBe(303);
        expect(res.headers.get('location')).toMatch(/^\/session\/[0-9a-f-]+$/);
      }
      // Tutor B pressing Accept late gets "taken" through the same atomic claim.
      await send([{ from: waB, message: { type: 'button', replyId: `accept:${questionId}`, title: 'Accept' } }]);
      await waitUntil(async () => sentTo(waB).filter((m) => /first|taken|already/i.test(textOf(m))).length >= 2, 'tutor B late accept refused');
    }, 60_000);
  });

  describe('delivery statuses and the outbox', () => {
    it('a student without a plan or credits is told the next step with a log-in link to choose a plan, and no question is made', async () => {
      // Billing is enforced here (testConfig switches it off): a number new to us has no plan and no credits. The
      // suite's app shares the database and runs billing off: its job runner pauses, or it could take the inbound
      // message before this app's and make the question (it did once in CI).
      await t.app.jobs.stop();
      const billedPort = await freePort();
      const base = testConfig();
      const billed = await startTestApp(
        db().database,
        { ...helpConfig(dataDir), port: billedPort, publicUrl: `http://127.0.0.1:${billedPort}`, whatsapp: waConfig(graphUrl), billing: { ...base.billing, enforceEntitlements: true } },
        undefined,
        { whatsappFlow: { burstMs: 0, waveUpdateMinIntervalMs: 0 } },
      );
      try {
        const student = newNumber();
        const mediaId = fake.putMedia(await jpegBytes(400, 300), 'image/jpeg');
        await send([{ from: student, name: 'Dev', message: { type: 'image', mediaId } }], billed);
        await nth(student, 1);
        await send([{ from: student, message: { type: 'text', text: '16' } }], billed);
        await nth(student, 2);
        await send([{ from: student, message: { type: 'list', replyId: 'subject:maths', title: 'Maths' } }], billed);
        await nth(student, 3);
        await send([{ from: student, message: { type: 'list', replyId: 'subject:maths:grade-9-10', title: 'Grade 9–10' } }], billed);
        await nth(student, 4);
        await send([{ from: student, message: { type: 'button', replyId: 'confirm', title: 'Yes, send it' } }], billed);
        const refusal = textOf(await nth(student, 5));
        expect(refusal).toMatch(/no plan or question credits/);
        const link = /http:\/\/127\.0\.0\.1:\d+\/l\/[A-Za-z0-9_-]+/.exec(refusal)?.[0];
        expect(link).toBeTruthy();
        const opened = await fetch(link!, { redirect: 'manual' });
        expect(opened.headers.get('location')).toBe('/billing');
        const [contact] = await db().database.db.select().from(schema.waContacts).where(eq(schema.waContacts.waId, student));
        expect(await db().database.db.select().from(schema.questions).where(eq(schema.questions.studentId, contact!.userId!))).toHaveLength(0);
      } finally {
        await billed.close();
        t.app.jobs.start();
      }
    });

    it('never moves a message backwards when statuses arrive out of order, and ignores repeats', async () => {
      const who = newNumber();
      await send([{ from: who, message: { type: 'text', text: 'status' } }]);
      const out = await nth(who, 1);
      const statusBody = (status: 'sent' | 'delivered' | 'read') => cloudStatusesPayload(PHONE_NUMBER_ID, [{ id: out.id, status, recipient: who }]);
      for (const s of ['read', 'delivered', 'sent', 'read'] as const) expect((await post(statusBody(s))).status).toBe(200);
      await waitUntil(async () => t.logs().includes('"outcome":"stale"'), 'stale statuses');
      const [row] = await db().database.db.select().from(schema.waMessages).where(eq(schema.waMessages.providerMessageId, out.id));
      await waitUntil(async () => (await db().database.db.select().from(schema.waMessages).where(and(eq(schema.waMessages.providerMessageId, out.id), eq(schema.waMessages.status, 'read')))).length === 1, 'read');
      expect(row).toBeDefined();
    });

    it('retries 5xx with back-off and delivers exactly once', async () => {
      const who = newNumber();
      fake.failNext(2, 500);
      await send([{ from: who, message: { type: 'text', text: 'help' } }]);
      await nth(who, 1, 20_000);
      await new Promise((r) => setTimeout(r, 500));
      expect(sentTo(who)).toHaveLength(1);
      expect(t.logs()).toContain('whatsapp_send_retry');
    }, 30_000);

    it('does not retry a 400: the failure is logged and listed for admins', async () => {
      const who = newNumber();
      fake.failNext(1, 400);
      await send([{ from: who, message: { type: 'text', text: 'help' } }]);
      await waitUntil(async () => t.logs().includes('whatsapp_send_failed'), 'the refusal is logged');
      const res = await admin.get('/api/admin/whatsapp/failed');
      expect(res.status).toBe(200);
      expect(res.json.messages.some((m: { waId: string; error: { status: number } }) => m.waId === who && m.error.status === 400)).toBe(true);
      await new Promise((r) => setTimeout(r, 1500));
      expect(sentTo(who)).toHaveLength(0);
    }, 30_000);
  });

  describe('a crash between receiving and processing', () => {
    it('processes what was stored after the restart', async () => {
      await t.close();
      const down = await start(true);
      const who = newNumber();
      expect((await send([{ from: who, message: { type: 'text', text: 'help' } }], down)).status).toBe(200);
      await down.close(); // the job never ran
      expect(sentTo(who)).toHaveLength(0);
      t = await start();
      ({ client: admin } = await adminClient(t));
      expect(textOf(await nth(who, 1))).toContain('Send me a photo');
    }, 30_000);
  });

  describe('linking a number to a web account', () => {
    it('links with a code made on the web and sent from WhatsApp', async () => {
      const tutor = await makeTutor(t, { subjects: [{ subjectId: 'physics', level: 'grade-11-12' }] });
      const code = await tutor.client.post('/api/whatsapp/link-code');
      expect(code.status).toBe(201);
      const who = newNumber();
      await send([{ from: who, message: { type: 'text', text: `link ${code.json.code}` } }]);
      expect(textOf(await nth(who, 1))).toMatch(/linked/);
      expect((await tutor.client.get('/api/whatsapp/me')).json).toMatchObject({ linked: true });
      // The code works once.
      const other = newNumber();
      await send([{ from: other, message: { type: 'text', text: `link ${code.json.code}` } }]);
      expect(textOf(await nth(other, 1))).toMatch(/did not work/);
    });
  });
});
