import { readFileSync } from 'node:fs';
import { eq, sql } from 'drizzle-orm';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { WhatsAppConfig } from '../../config';
import { cloudMessagesPayload, cloudSignature, type FakeGraph, fakeGraphPlugin, newWamid } from '../../integrations/whatsapp';
import { schema } from '../../../test/schema';
import { describeEachBackend } from '../../../test/db';
import { startTestApp, type TestApp } from '../../../test/app';
import { helpConfig, makeDataDir, removeDir, waitUntil } from '../../../test/help';

const APP_SECRET = 'whatsapp_test_app_secret_8f2c1d';
const PHONE_NUMBER_ID = '109876543210987';
const ACCESS_TOKEN = 'test-access-token-123';
const GUPSHUP_TOKEN = 'gupshup-callback-token-0123456789';
/** Text PostgreSQL's jsonb cannot hold: a NUL, and lone surrogates. */
const NUL = '\u0000';
const LONE_HIGH = '\ud800';
const LONE_LOW = '\udc00';
const DEEP = 300_000;

let counter = 0;
const newNumber = () => `9197${String(Date.now()).slice(-6)}${String(++counter).padStart(2, '0')}`;
const gupshupFixture = (name: string) => JSON.parse(readFileSync(new URL(`../../integrations/whatsapp/fixtures/gupshup/inbound/${name}`, import.meta.url), 'utf8'));
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** What the webhooks stored: inbox rows, kept raw deliveries, contacts. "Nothing else changed" compares these. */
async function stored(db: () => { database: { db: any } }) {
  const n = async (table: typeof schema.waInbox | typeof schema.waDeliveries | typeof schema.waContacts) => Number((await db().database.db.select({ n: sql<number>`count(*)::int` }).from(table))[0].n);
  return { inbox: await n(schema.waInbox), deliveries: await n(schema.waDeliveries), contacts: await n(schema.waContacts) };
}

async function inboxRow(db: () => { database: { db: any } }, dedupeKey: string) {
  const [row] = await db().database.db.select().from(schema.waInbox).where(eq(schema.waInbox.dedupeKey, dedupeKey));
  return row as typeof schema.waInbox.$inferSelect | undefined;
}
async function deliveryOf(db: () => { database: { db: any } }, id: number | null) {
  const [row] = await db().database.db.select().from(schema.waDeliveries).where(eq(schema.waDeliveries.id, id!));
  return row as typeof schema.waDeliveries.$inferSelect;
}

/**
 * Issue #12, items 7 and 11: WhatsApp deliveries, validly signed (Cloud) or with the callback token (Gupshup), whose
 * text jsonb cannot hold, nested absurdly deep, or mixing good and malformed items; and Gupshup's v3 callbacks.
 */
describeEachBackend('WhatsApp Cloud webhooks: hostile input', ({ db }) => {
  let graph: FastifyInstance;
  let fake: FakeGraph;
  let t: TestApp;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = makeDataDir();
    graph = Fastify();
    fake = fakeGraphPlugin(graph, { phoneNumberId: PHONE_NUMBER_ID, accessToken: ACCESS_TOKEN });
    const graphUrl = await graph.listen({ host: '127.0.0.1', port: 0 });
    const whatsapp: WhatsAppConfig = {
      provider: 'cloud',
      cloud: { appSecret: APP_SECRET, verifyToken: 'verify-token-for-tests', accessToken: ACCESS_TOKEN, phoneNumberId: PHONE_NUMBER_ID, graphUrl: `${graphUrl}/v21.0` },
      gupshup: null,
      templates: { language: 'en', questionAlert: 'tutor_question_alert', update: 'tutorline_update' },
      sendsPerSecond: 200,
    };
    t = await startTestApp(db().database, { ...helpConfig(dataDir), whatsapp }, undefined, { whatsappFlow: { burstMs: 0, waveUpdateMinIntervalMs: 0 } });
  });
  afterAll(async () => {
    await t?.close();
    await graph?.close();
    removeDir(dataDir);
  });

  const post = async (body: string) => {
    const r = await fetch(`${t.baseUrl}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': cloudSignature(body, APP_SECRET) }, body });
    return { status: r.status, json: (await r.json()) as any };
  };
  const repliedTo = (waId: string) => waitUntil(async () => fake.sent().find((m) => m.to.replace(/^\+/, '') === waId), `a reply to ${waId}`, 15_000);

  it('stores a message with NUL and lone surrogates byte for byte, cleans its text and name, and answers it', async () => {
    const who = newNumber();
    const wamid = newWamid();
    const body = cloudMessagesPayload(PHONE_NUMBER_ID, [{ from: who, id: wamid, name: `Asha${LONE_LOW}${NUL}`, message: { type: 'text', text: `he${NUL}lp${LONE_HIGH}` } }]);
    expect(body).toContain('\\u0000');
    const before = await stored(db);

    const res = await post(body);
    expect(res).toEqual({ status: 200, json: { received: 1, repeats: 0, skipped: 0 } });
    const row = (await inboxRow(db, `msg:cloud:${wamid}`))!;
    expect(row.event).toMatchObject({ from: who, profileName: 'Asha\ufffd', message: { type: 'text', text: 'help\ufffd' } });
    expect(Buffer.from((await deliveryOf(db, row.deliveryId)).rawBody).equals(Buffer.from(body))).toBe(true);

    await repliedTo(who);
    await waitUntil(async () => (await inboxRow(db, `msg:cloud:${wamid}`))?.processedAt, 'the message processed');
    const [contact] = await db().database.db.select().from(schema.waContacts).where(eq(schema.waContacts.waId, who));
    expect(contact!.profileName).toBe('Asha\ufffd');
    // One event, one kept delivery, one new contact: nothing else.
    expect(await stored(db)).toEqual({ inbox: before.inbox + 1, deliveries: before.deliveries + 1, contacts: before.contacts + 1 });
  });

  it('refuses a signed body nested 300,000 levels deep with a 400 before parsing, storing nothing', async () => {
    const before = await stored(db);
    const body = `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messages":${nested(DEEP)}}}]}]}`;
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 'json_too_deep', requestId: expect.any(String) });
    expect(await stored(db)).toEqual(before);
    expect(t.logs()).not.toContain('Maximum call stack');
  });

  it('a batch with malformed items: the good messages are stored and answered, the bad ones logged, 200', async () => {
    const [a, b] = [newNumber(), newNumber()];
    const [wa, wb] = [newWamid(), newWamid()];
    const batch = JSON.parse(cloudMessagesPayload(PHONE_NUMBER_ID, [
      { from: a, id: wa, message: { type: 'text', text: 'help' } },
      { from: b, id: wb, message: { type: 'text', text: 'help' } },
    ]));
    const value = batch.entry[0].changes[0].value;
    // No id; an id jsonb and the text key could not hold; a status without its timestamp; a second entry with a good one.
    value.messages.push({ from: a, timestamp: '1718600000', type: 'text', text: { body: 'lost' } });
    value.messages.push({ from: a, id: `wamid.bad${NUL}`, timestamp: '1718600000', type: 'text', text: { body: 'x' } });
    value.statuses = [{ id: 'wamid.x', status: 'read', recipient_id: a }];
    batch.entry.push({ id: '2', changes: [batch.entry[0].changes.pop()] });
    const body = JSON.stringify(batch);

    const res = await post(body);
    expect(res).toEqual({ status: 200, json: { received: 2, repeats: 0, skipped: 3 } });
    const [rowA, rowB] = [(await inboxRow(db, `msg:cloud:${wa}`))!, (await inboxRow(db, `msg:cloud:${wb}`))!];
    expect(rowA.deliveryId).toBe(rowB.deliveryId);
    const delivery = await deliveryOf(db, rowA.deliveryId);
    expect(delivery.skipped).toBe(3);
    expect(Buffer.from(delivery.rawBody).equals(Buffer.from(body))).toBe(true);
    await repliedTo(a);
    await repliedTo(b);

    const lines = t.logs().split('\n').filter((l) => l.includes('"webhook_message_unsupported"') && l.includes(`"deliveryId":${delivery.id}`));
    expect(lines.map((l) => JSON.parse(l).where).sort()).toEqual(['entry[0].changes[0].value.messages[1]', 'entry[0].changes[0].value.messages[2]', 'entry[0].changes[0].value.statuses[0]']);
    // Never the numbers themselves.
    expect(lines.join('\n')).not.toContain(a);

    // Meta redelivers the whole batch: the good ones are repeats, and no second copy of the bytes is kept for them.
    const before = await stored(db);
    expect((await post(body)).json).toEqual({ received: 0, repeats: 2, skipped: 3 });
    expect((await stored(db)).inbox).toBe(before.inbox);
  });
});

describeEachBackend('WhatsApp through Gupshup: hostile input and v3 callbacks', ({ db }) => {
  let gupshup: FastifyInstance;
  const sent: { destination: string; message: string; messageId: string }[] = [];
  let t: TestApp;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = makeDataDir();
    // Gupshup's send API: form-encoded in, {status: 'submitted', messageId} out; we remember the ids it gave.
    gupshup = Fastify();
    gupshup.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))));
    gupshup.post('/wa/api/v1/msg', async (req, reply) => {
      const messageId = crypto.randomUUID();
      const form = req.body as Record<string, string>;
      sent.push({ destination: form.destination!, message: form.message!, messageId });
      return reply.status(202).type('text/html').send(JSON.stringify({ status: 'submitted', messageId }));
    });
    const url = await gupshup.listen({ host: '127.0.0.1', port: 0 });
    t = await startTestApp(db().database, {
      ...helpConfig(dataDir),
      whatsapp: {
        provider: 'gupshup',
        cloud: null,
        gupshup: { apiUrl: `${url}/wa/api/v1`, apiKey: 'gupshup-test-key', source: '917834811114', appName: 'TutorBotApp', callbackToken: GUPSHUP_TOKEN, templateIds: {} },
        templates: { language: 'en', questionAlert: 'tutor_question_alert', update: 'tutorline_update' },
        sendsPerSecond: 200,
      },
    }, undefined, { whatsappFlow: { burstMs: 0, waveUpdateMinIntervalMs: 0 } });
  });
  afterAll(async () => {
    await t?.close();
    await gupshup?.close();
    removeDir(dataDir);
  });

  const post = async (body: string) => {
    const r = await fetch(`${t.baseUrl}/webhooks/gupshup/${GUPSHUP_TOKEN}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    return { status: r.status, json: (await r.json()) as any };
  };
  const repliedTo = (waId: string) => waitUntil(async () => sent.find((m) => m.destination === waId), `a reply to ${waId}`, 15_000);
  /** The v3 fixture, from another number, with a fresh wamid, sent now (so the 24-hour window is open for the reply). */
  const v3Message = (from: string, text: string) => {
    const body = gupshupFixture('v3-message-text.json');
    const value = body.entry[0].changes[0].value;
    value.contacts[0].wa_id = from;
    Object.assign(value.messages[0], { from, id: newWamid(), timestamp: String(Math.floor(Date.now() / 1000)), text: { body: text } });
    return body;
  };

  it('v2: stores a message with NUL and lone surrogates byte for byte, cleaned, and answers it', async () => {
    const who = newNumber();
    const id = `ABEG${crypto.randomUUID()}`;
    const body = JSON.stringify({ app: 'TutorBotApp', timestamp: Date.now(), version: 2, type: 'message', payload: { id, source: who, type: 'text', payload: { text: `${NUL}help${LONE_LOW}` }, sender: { phone: who, name: `Aarav${LONE_HIGH}` } } });
    const before = await stored(db);
    expect(await post(body)).toEqual({ status: 200, json: { received: 1, repeats: 0, skipped: 0 } });
    const row = (await inboxRow(db, `msg:gupshup:${id}`))!;
    expect(row.event).toMatchObject({ profileName: 'Aarav\ufffd', message: { type: 'text', text: 'help\ufffd' } });
    expect(Buffer.from((await deliveryOf(db, row.deliveryId)).rawBody).equals(Buffer.from(body))).toBe(true);
    await repliedTo(who);
    await waitUntil(async () => (await inboxRow(db, `msg:gupshup:${id}`))?.processedAt, 'the message processed');
    expect(await stored(db)).toEqual({ inbox: before.inbox + 1, deliveries: before.deliveries + 1, contacts: before.contacts + 1 });
  });

  it('refuses a body nested 300,000 levels deep with a 400 before parsing, storing nothing', async () => {
    const before = await stored(db);
    const res = await post(`{"app":"TutorBotApp","timestamp":1,"version":2,"type":"message","payload":${nested(DEEP)}}`);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('json_too_deep');
    expect(await stored(db)).toEqual(before);
  });

  it('v3: takes an inbound message in Meta format, answers it, and applies the v3 status of the reply by its gs_id', async () => {
    const who = newNumber();
    const body = v3Message(who, `help${NUL}`);
    const wamid = body.entry[0].changes[0].value.messages[0].id;
    expect(await post(JSON.stringify(body))).toEqual({ status: 200, json: { received: 1, repeats: 0, skipped: 0 } });
    expect((await inboxRow(db, `msg:gupshup:${wamid}`))!.event).toMatchObject({ provider: 'gupshup', from: who, profileName: 'Aarav Sharma', message: { type: 'text', text: 'help' } });
    const reply = await repliedTo(who);
    const row: typeof schema.waMessages.$inferSelect = await waitUntil(async () => (await db().database.db.select().from(schema.waMessages).where(eq(schema.waMessages.providerMessageId, reply.messageId)))[0], 'the reply accepted');
    expect(row.status).toBe('accepted');

    const status = gupshupFixture('v3-event-sent.json');
    Object.assign(status.entry[0].changes[0].value.statuses[0], { gs_id: reply.messageId, recipient_id: who, status: 'delivered', timestamp: String(Math.floor(Date.now() / 1000)) });
    expect(await post(JSON.stringify(status))).toEqual({ status: 200, json: { received: 1, repeats: 0, skipped: 0 } });
    await waitUntil(async () => (await db().database.db.select().from(schema.waMessages).where(eq(schema.waMessages.id, row.id)))[0]?.status === 'delivered', 'the reply marked delivered');
  });

  it('v3: answers 2xx to a connectivity check and an enqueued status, storing nothing', async () => {
    const before = await stored(db);
    for (const name of ['v3-platform-event.json', 'v3-event-enqueued.json']) {
      expect(await post(readFileSync(new URL(`../../integrations/whatsapp/fixtures/gupshup/inbound/${name}`, import.meta.url), 'utf8')), name).toEqual({ status: 200, json: { received: 0, repeats: 0, skipped: 0 } });
    }
    expect(await stored(db)).toEqual(before);
  });

  it('v3: a batch with a malformed message stores and answers the good one, logs the bad one, 200', async () => {
    const who = newNumber();
    const body = v3Message(who, 'help');
    const value = body.entry[0].changes[0].value;
    value.messages.push({ from: who, type: 'text', timestamp: '1718600000', text: { body: 'no id' } });
    const res = await post(JSON.stringify(body));
    expect(res).toEqual({ status: 200, json: { received: 1, repeats: 0, skipped: 1 } });
    await repliedTo(who);
    expect(t.logs()).toMatch(/"event":"webhook_message_unsupported","provider":"gupshup","deliveryId":\d+,"where":"entry\[0\]\.changes\[0\]\.value\.messages\[1\]"/);
  });
});
