import Fastify, { type FastifyInstance } from 'fastify';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { WhatsAppConfig } from '../../config';
import { cloudMessagesPayload, cloudSignature, type FakeGraph, fakeGraphPlugin, type SimulatedMessage } from '../../integrations/whatsapp';
import { movableClock } from '../../platform/clock';
import { schema } from '../../../test/schema';
import { describeEachBackend } from '../../../test/db';
import { Client, type TestApp, startTestApp } from '../../../test/app';
import { helpConfig, jpegBytes, makeDataDir, makeStudent, postPhoto, removeDir, waitUntil } from '../../../test/help';

const APP_SECRET = 'gate_test_app_secret_4c1e';
const PHONE_NUMBER_ID = '109876543210777';
const ACCESS_TOKEN = 'gate-test-access-token';

let counter = 0;
const newNumber = () => `9196${String(Date.now()).slice(-6)}${String(++counter).padStart(2, '0')}`;

function waConfig(graphUrl: string): WhatsAppConfig {
  return {
    provider: 'cloud',
    cloud: { appSecret: APP_SECRET, verifyToken: 'verify-token-gate', accessToken: ACCESS_TOKEN, phoneNumberId: PHONE_NUMBER_ID, graphUrl: `${graphUrl}/v21.0` },
    gupshup: null,
    templates: { language: 'en', questionAlert: 'tutor_question_alert', update: 'tutorline_update' },
    sendsPerSecond: 200,
  };
}

describeEachBackend('WhatsApp: the age gate, and the consent gate on uploads and purchases', ({ db }) => {
  let graph: FastifyInstance;
  let fake: FakeGraph;
  let dataDir: string;
  let t: TestApp;
  const clock = movableClock();
  const mediaFetches: string[] = [];

  beforeAll(async () => {
    dataDir = makeDataDir();
    graph = Fastify();
    // Count media downloads: a photo from a child without consent must never be fetched.
    graph.addHook('onRequest', async (req) => {
      if (req.method === 'GET' && !req.url.includes('/messages')) mediaFetches.push(req.url);
    });
    fake = fakeGraphPlugin(graph, { phoneNumberId: PHONE_NUMBER_ID, accessToken: ACCESS_TOKEN });
    const graphUrl = await graph.listen({ host: '127.0.0.1', port: 0 });
    t = await startTestApp(db().database, { ...helpConfig(dataDir), whatsapp: waConfig(graphUrl) }, clock, { whatsappFlow: { burstMs: 0 } });
  });
  afterAll(async () => {
    await t?.close();
    await graph?.close();
    removeDir(dataDir);
  });

  const send = (from: string, message: SimulatedMessage) => {
    const body = cloudMessagesPayload(PHONE_NUMBER_ID, [{ from, name: 'Anu', message }]);
    return fetch(`${t.baseUrl}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': cloudSignature(body, APP_SECRET) }, body });
  };
  const texts = (waId: string) => fake.sent().filter((m) => m.to === waId).map((m) => JSON.stringify(m.body));
  const nth = (waId: string, n: number) => waitUntil(async () => texts(waId)[n - 1], `message ${n} to ${waId}`, 15_000);
  const userOf = async (waId: string) => {
    const [c] = await db().database.db.select().from(schema.waContacts).where(eq(schema.waContacts.waId, waId));
    const [u] = await db().database.db.select().from(schema.users).where(eq(schema.users.id, c!.userId!));
    return u!;
  };
  const photosOf = async (userId: string) => db().database.db.select().from(schema.questionPhotos).where(eq(schema.questionPhotos.ownerId, userId));
  /** Logs the WhatsApp student in on the web, the way the links in their messages do. */
  async function webClientFor(userId: string): Promise<Client> {
    const token = await t.app.identity.createLoginLink(userId, '/');
    const res = await fetch(`${t.baseUrl}/l/${token}`, { redirect: 'manual' });
    const client = new Client(t.baseUrl);
    client.cookie = res.headers.getSetCookie().find((c) => c.startsWith('tl_session='))!.split(';')[0]!;
    return client;
  }
  const isoDate = (d: Date) => d.toISOString().slice(0, 10);
  const yearsBefore = (n: number) => {
    const now = clock.now();
    return isoDate(new Date(Date.UTC(now.getUTCFullYear() - n, now.getUTCMonth(), now.getUTCDate())));
  };

  it('a new number is asked its age before its first question; the answer is recorded as a birth date and the photo goes on', async () => {
    const number = newNumber();
    await send(number, { type: 'image', mediaId: fake.putMedia(await jpegBytes(), 'image/jpeg') });
    expect(await nth(number, 1)).toContain('How old are you?');
    const student = await userOf(number);
    expect(student.birthDate).toBeNull();
    await send(number, { type: 'text', text: '15' });
    expect(await nth(number, 2)).toMatch(/Thank you! Which subject is your question\?/);
    expect((await userOf(number)).birthDate).toBe(yearsBefore(15));
    expect(t.logs()).toContain('"event":"student_age_recorded"');
    // A later answer never changes the date on record, and later questions skip the question.
    await send(number, { type: 'text', text: 'cancel' });
    await nth(number, 3);
    await send(number, { type: 'image', mediaId: fake.putMedia(await jpegBytes(), 'image/jpeg') });
    expect(await nth(number, 4)).toMatch(/Which subject/);
  });

  it('under 13: the consent flow starts; nothing is downloaded or stored; the guardian contact is recorded; uploads and purchases are refused on the web too', async () => {
    const number = newNumber();
    const mediaId = fake.putMedia(await jpegBytes(), 'image/jpeg');
    await send(number, { type: 'image', mediaId });
    await nth(number, 1);
    await send(number, { type: 'text', text: 'I am 11' });
    expect(await nth(number, 2)).toMatch(/Because you're under 13, a parent or guardian must agree.*phone number or email/);
    const kid = await userOf(number);
    expect(kid.birthDate).toBe(yearsBefore(11));
    // The minor status, as the web computes it for a sign-up under 13.
    const me = await (await webClientFor(kid.id)).get(`/api/students/${kid.id}`);
    expect(me.json).toMatchObject({ canAskOrBook: false, minor: { isMinor: true, needsConsent: true } });

    await send(number, { type: 'image', mediaId: fake.putMedia(await jpegBytes(), 'image/jpeg') });
    expect(await nth(number, 3)).toMatch(/under 13/);
    await send(number, { type: 'text', text: 'amma@example.in' });
    expect(await nth(number, 4)).toMatch(/contact your parent or guardian at amma@example\.in/);
    expect((await userOf(number)).guardianContact).toBe('amma@example.in');
    expect(mediaFetches.filter((u) => u.includes(mediaId))).toEqual([]);
    expect(await photosOf(kid.id)).toEqual([]);

    // The same gate as asking and booking, on the web: no photo upload, no checkout.
    const web = await webClientFor(kid.id);
    const upload = await postPhoto(t.baseUrl, web.cookie, await jpegBytes());
    expect(upload.status).toBe(403);
    expect(upload.json.error.code).toBe('consent_required');
    const buy = await web.post('/api/billing/checkout', { planId: 'pack-10', currency: 'INR', idempotencyKey: 'kid-checkout-1' });
    expect(buy.status).toBe(403);
    expect(buy.json.error.code).toBe('consent_required');
    expect(await photosOf(kid.id)).toEqual([]);

    // Once the team records the guardian's consent, a photo starts a question.
    await db().database.db.update(schema.users).set({ guardianConsentAt: clock.now() }).where(eq(schema.users.id, kid.id));
    await send(number, { type: 'image', mediaId: fake.putMedia(await jpegBytes(), 'image/jpeg') });
    expect(await nth(number, 5)).toMatch(/Which subject/);
  });

  it('a web student under 13 without consent cannot upload a photo or start a checkout (403 consent_required); 13 and over can upload', async () => {
    const year = clock.now().getUTCFullYear();
    const kid = await makeStudent(t, undefined, { birthDate: `${year - 10}-01-01`, guardianContact: 'parent@example.test' });
    const upload = await postPhoto(t.baseUrl, kid.client.cookie, await jpegBytes());
    expect(upload.status).toBe(403);
    expect(upload.json.error.code).toBe('consent_required');
    const buy = await kid.client.post('/api/billing/checkout', { planId: 'pack-10', currency: 'INR', idempotencyKey: 'kid-checkout-2' });
    expect(buy.status).toBe(403);
    expect(buy.json.error.code).toBe('consent_required');
    const teen = await makeStudent(t, undefined, { birthDate: `${year - 15}-01-01`, guardianContact: 'parent@example.test' });
    expect((await postPhoto(t.baseUrl, teen.client.cookie, await jpegBytes())).status).toBe(201);
  });
});
