import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { WhatsAppConfig } from '../../config';
import { cloudMessagesPayload, cloudSignature, type FakeGraph, fakeGraphPlugin } from '../../integrations/whatsapp';
import { movableClock } from '../../platform/clock';
import { schema } from '../../../test/schema';
import { describeEachBackend } from '../../../test/db';
import type { TestApp } from '../../../test/app';
import { startTestApp } from '../../../test/app';
import { helpConfig, makeDataDir, makeStudent, removeDir, waitUntil } from '../../../test/help';
import { LINK_ATTEMPT_LIMITS, LINK_ATTEMPT_WINDOW_MS, LINK_CODE_TTL_MS } from './whatsapp.linking';

const APP_SECRET = 'linking_test_app_secret_0b7e';
const PHONE_NUMBER_ID = '109876543210999';
const ACCESS_TOKEN = 'linking-test-access-token';

let counter = 0;
const newNumber = () => `9197${String(Date.now()).slice(-6)}${String(++counter).padStart(2, '0')}`;

function waConfig(graphUrl: string): WhatsAppConfig {
  return {
    provider: 'cloud',
    cloud: { appSecret: APP_SECRET, verifyToken: 'verify-token-linking', accessToken: ACCESS_TOKEN, phoneNumberId: PHONE_NUMBER_ID, graphUrl: `${graphUrl}/v21.0` },
    gupshup: null,
    templates: { language: 'en', questionAlert: 'tutor_question_alert', update: 'tutorline_update' },
    sendsPerSecond: 200,
  };
}

describeEachBackend('WhatsApp link codes: limits, expiry, collisions', ({ db }) => {
  let graph: FastifyInstance;
  let fake: FakeGraph;
  let graphUrl: string;
  let dataDir: string;
  let t: TestApp;
  let other: TestApp;
  const clock = movableClock();
  // Draws: the next scripted codes first (a forced collision), then a counter; never random, so a run is repeatable.
  const scripted: string[] = [];
  let drawn = 0;
  const draw = () => scripted.shift() ?? String(100_000 + (++drawn % 900_000)).padStart(6, '0');

  // Two app instances on one database stand for two nodes behind a load balancer, sharing SIGNING_SECRET as real
  // nodes do (codes are HMACs under it: a code issued by one node is checked by the other).
  const signingSecret = randomBytes(32).toString('base64url');
  const start = () =>
    startTestApp(db().database, { ...helpConfig(dataDir), signingSecret, trustProxy: true, whatsapp: waConfig(graphUrl) }, clock, { whatsappLinkCodes: draw });

  beforeAll(async () => {
    dataDir = makeDataDir();
    graph = Fastify();
    fake = fakeGraphPlugin(graph, { phoneNumberId: PHONE_NUMBER_ID, accessToken: ACCESS_TOKEN });
    graphUrl = await graph.listen({ host: '127.0.0.1', port: 0 });
    t = await start();
    other = await start();
  });
  afterAll(async () => {
    await other?.close();
    await t?.close();
    await graph?.close();
    removeDir(dataDir);
  });

  const sendText = (from: string, text: string) => {
    const body = cloudMessagesPayload(PHONE_NUMBER_ID, [{ from, message: { type: 'text', text } }]);
    return fetch(`${t.baseUrl}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': cloudSignature(body, APP_SECRET) }, body });
  };
  const sentTo = (waId: string) => fake.sent().filter((m) => m.to === waId).map((m) => JSON.stringify(m.body));
  const nth = (waId: string, n: number) => waitUntil(async () => sentTo(waId)[n - 1], `message ${n} to ${waId}`, 15_000);
  /** "link" from a number: the code it gets back, to type on the web. */
  async function codeForNumber(waId: string, n: number): Promise<string> {
    await sendText(waId, 'link');
    return /Your code is (\d{6})/.exec(await nth(waId, n))![1]!;
  }
  const codeRows = async () => (await db().database.db.select({ n: count() }).from(schema.waLinkCodes))[0]!.n;
  const ip = (n: number) => ({ 'x-forwarded-for': `203.0.113.${n}` });
  const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  it('the per-account limit trips with 429 and stays tripped, for the right code too and on another node, until its window ends', async () => {
    const number = newNumber();
    const code = await codeForNumber(number, 1);
    const student = await makeStudent(t);
    for (let i = 0; i < LINK_ATTEMPT_LIMITS.user; i++) {
      const res = await student.client.post('/api/whatsapp/link', { code: wrong(code) }, ip(1));
      expect(res.status, res.text).toBe(400);
    }
    const tripped = await student.client.post('/api/whatsapp/link', { code }, ip(1));
    expect(tripped.status).toBe(429);
    expect(tripped.json.error.code).toBe('rate_limited');
    expect(Number(tripped.headers.get('retry-after'))).toBeGreaterThan(0);
    // From another IP and through the other node: still refused, the right code included, and nothing is linked.
    const elsewhere = await fetch(`${other.baseUrl}/api/whatsapp/link`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: student.client.cookie, ...ip(2) },
      body: JSON.stringify({ code }),
    });
    expect(elsewhere.status).toBe(429);
    expect((await student.client.get('/api/whatsapp/me')).json).toMatchObject({ linked: false });

    // After the window: a new code (the old one expired meanwhile) links at once.
    clock.moveTo(new Date(clock.now().getTime() + LINK_ATTEMPT_WINDOW_MS + 1000));
    const fresh = await codeForNumber(number, 2);
    const ok = await student.client.post('/api/whatsapp/link', { code: fresh }, ip(1));
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json).toMatchObject({ linked: true });
  });

  it('the per-IP limit trips across accounts (20 tries from one address), and not for another address', async () => {
    const students = await Promise.all(Array.from({ length: 5 }, () => makeStudent(t)));
    let tries = 0;
    for (const s of students) {
      for (let i = 0; i < 4; i++, tries++) expect((await s.client.post('/api/whatsapp/link', { code: '000000' }, ip(50))).status).toBe(400);
    }
    expect(tries).toBe(LINK_ATTEMPT_LIMITS.ip);
    const fresh = await makeStudent(t);
    expect((await fresh.client.post('/api/whatsapp/link', { code: '000000' }, ip(50))).status).toBe(429);
    expect((await fresh.client.post('/api/whatsapp/link', { code: '000000' }, ip(51))).status).toBe(400);
  });

  it('"link 123456" sent on WhatsApp is limited per number: the sixth try is refused, the right code too', async () => {
    const student = await makeStudent(t);
    const web = await student.client.post('/api/whatsapp/link-code');
    expect(web.status).toBe(201);
    const number = newNumber();
    for (let i = 1; i <= LINK_ATTEMPT_LIMITS.wa; i++) {
      await sendText(number, `link ${wrong(web.json.code)}`);
      expect(await nth(number, i)).toMatch(/did not work/);
    }
    await sendText(number, `link ${web.json.code}`);
    expect(await nth(number, LINK_ATTEMPT_LIMITS.wa + 1)).toMatch(/Too many tries/);
    expect((await student.client.get('/api/whatsapp/me')).json).toMatchObject({ linked: false });
  });

  it('a code expires after 10 minutes: refused and gone; the sweep deletes expired codes nobody tried', async () => {
    const student = await makeStudent(t);
    const expired = await codeForNumber(newNumber(), 1);
    const untried = await student.client.post('/api/whatsapp/link-code');
    expect(untried.status).toBe(201);
    expect(Date.parse(untried.json.expiresAt) - clock.now().getTime()).toBeLessThanOrEqual(LINK_CODE_TTL_MS);
    expect(await codeRows()).toBeGreaterThanOrEqual(2);
    // Moving the clock 10 minutes makes the periodic sweep due on both nodes: hold their job runners, so the refusal
    // below meets the expired row rather than racing the sweep for it.
    await Promise.all([t.app.jobs.stop(), other.app.jobs.stop()]);
    try {
      clock.moveTo(new Date(clock.now().getTime() + LINK_CODE_TTL_MS + 1000));
      const res = await student.client.post('/api/whatsapp/link', { code: expired }, ip(60));
      expect(res.status).toBe(400);
      // The row was found expired and taken out by the refusal itself (not left for the sweep).
      expect(t.logs()).toMatch(/"event":"whatsapp_link_code_refused"[^\n]*"expired":true/);
      expect((await student.client.get('/api/whatsapp/me')).json).toMatchObject({ linked: false });
      // The sweep (a job every 10 minutes; run here at once) deletes the rest: every code is older than 10 minutes now.
      await t.app.whatsapp!.whatsapp.sweepLinkCodes();
      expect(await codeRows()).toBe(0);
    } finally {
      t.app.jobs.start();
      other.app.jobs.start();
    }
  });

  it('3,000 codes in a row never fail: a draw that collides with a live code is drawn again; a used code is deleted', async () => {
    const holder = await makeStudent(t);
    scripted.push('424242');
    const held = await holder.client.post('/api/whatsapp/link-code');
    expect(held.json.code).toBe('424242');
    const asker = await makeStudent(t);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 3000; i++) {
      if (i % 100 === 0) scripted.push('424242'); // the live code of another account: must be drawn again
      const res = await asker.client.post('/api/whatsapp/link-code');
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status === 201) expect(res.json.code).not.toBe('424242');
    }
    expect(Object.fromEntries(statuses)).toEqual({ 201: 3000 });
    expect(t.logs().match(/whatsapp_link_code_collision/g)?.length).toBeGreaterThanOrEqual(30);
    // One live code per account: each new one replaced the last.
    const live = await db().database.db.select({ n: count() }).from(schema.waLinkCodes).where(eq(schema.waLinkCodes.userId, asker.id));
    expect(live[0]!.n).toBe(1);

    // Used: linked once, then gone (the same digits can be drawn again later without a clash).
    const number = newNumber();
    await sendText(number, `link ${held.json.code}`);
    expect(await nth(number, 1)).toMatch(/now linked/);
    expect(await db().database.db.select().from(schema.waLinkCodes).where(eq(schema.waLinkCodes.userId, holder.id))).toEqual([]);
  }, 300_000);
});
