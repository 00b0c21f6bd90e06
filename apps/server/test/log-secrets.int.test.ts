import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, signUpStudent, startTestApp, type TestApp } from './app';
import { describeEachBackend } from './db';
import { schema } from './schema';
import { helpConfig, makeDataDir, makeTutor, removeDir, waitUntil } from './help';

// Secrets in URL paths (#12.3): a log-in link's token, a calendar feed's secret and Gupshup's callback token are
// credentials; replaying one from a log line took over an account. Every request to those routes, answered or not,
// must leave them out of the logs; and WhatsApp numbers appear only masked.

const CALLBACK_TOKEN = 'gupshup-callback-token-LOGTEST-0123456789';
let counter = 0;
const newNumber = () => `9197${String(Date.now()).slice(-6)}${String(++counter).padStart(2, '0')}`;

/** Every log line, parsed; a line that is not JSON fails the test. */
const lines = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, any>);

describeEachBackend('logs: no secret from a URL path, no full WhatsApp number', ({ db }) => {
  let t: TestApp;
  let gupshup: FastifyInstance;
  let dataDir: string;
  const sentTo: string[] = [];
  const failing = new Map<string, number>();

  beforeAll(async () => {
    dataDir = makeDataDir();
    // Gupshup's send API: a 500 (retried) or a 400 (refused for good) for numbers the test picks, else submitted.
    gupshup = Fastify();
    gupshup.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))));
    gupshup.post('/wa/api/v1/msg', async (req, reply) => {
      const to = (req.body as Record<string, string>).destination!;
      sentTo.push(to);
      const status = failing.get(to);
      if (status === 500) failing.delete(to);
      if (status) return reply.status(status).send({ status: 'error', message: 'Invalid Destination' });
      return reply.status(202).send({ status: 'submitted', messageId: crypto.randomUUID() });
    });
    const url = await gupshup.listen({ host: '127.0.0.1', port: 0 });
    t = await startTestApp(db().database, {
      ...helpConfig(dataDir),
      whatsapp: {
        provider: 'gupshup',
        cloud: null,
        gupshup: { apiUrl: `${url}/wa/api/v1`, apiKey: 'gupshup-test-key', source: '917834811114', appName: 'TutorBotApp', callbackToken: CALLBACK_TOKEN, templateIds: {} },
        templates: { language: 'en', questionAlert: 'tutor_question_alert', update: 'tutorline_update' },
        sendsPerSecond: 200,
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await gupshup?.close();
    removeDir(dataDir);
  });

  const request = (method: string, path: string, body?: string) =>
    fetch(`${t.baseUrl}${path}`, { method, redirect: 'manual', ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }) });
  const inbound = (from: string, text: string) =>
    JSON.stringify({ app: 'TutorBotApp', timestamp: Date.now(), version: 2, type: 'message', payload: { id: `gs-${crypto.randomUUID()}`, source: from, type: 'text', payload: { text }, sender: { phone: from, name: 'Asha' } } });

  it('never logs a log-in link token, on success, on a refusal, or on a 404', async () => {
    const { user } = await signUpStudent(new Client(t.baseUrl));
    const token = await t.app.identity.createLoginLink(user.id, '/student');
    const unknown = 'Unknown0Link0Token0AAAAAAAAAAAAA';
    expect((await request('GET', `/l/${token}`)).status).toBe(303);
    expect((await request('GET', `/l/${token}/`)).status).toBe(303);
    expect((await request('GET', `/l/${unknown}`)).status).toBe(303);
    expect((await request('GET', `/l/${token}.x!`)).status).toBe(400);
    expect((await request('GET', `/l/${token}/extra`)).status).toBe(404);
    expect((await request('POST', `/l/${token}`, '{}')).status).toBe(404);
    expect((await request('GET', `//l/${token}`)).status).toBe(404);

    const logs = t.logs();
    for (const secret of [token, unknown]) expect(logs.includes(secret), `a log line holds ${secret.slice(0, 6)}…`).toBe(false);
    const paths = lines(logs).flatMap((l) => (l.req?.path ? [l.req.path as string] : []));
    expect(paths).toContain('/l/[redacted]');
    expect(paths.filter((p) => p.startsWith('/l/') || p.startsWith('//l/')).every((p) => p === '/l/[redacted]' || p === '/l/[redacted]/')).toBe(true);
  });

  it("never logs a calendar feed's secret", async () => {
    const student = new Client(t.baseUrl);
    await signUpStudent(student);
    const feed = await student.post('/api/me/calendar-feed');
    expect(feed.status, feed.text).toBe(200);
    const secret = /\/cal\/([^/]+)\.ics$/.exec(feed.json.url as string)![1]!;
    expect((await request('GET', `/cal/${secret}.ics`)).status).toBe(200);
    expect((await request('GET', `/cal/${secret}`)).status).toBe(404);
    expect((await request('GET', `/cal/${secret}.ics/more`)).status).toBe(404);
    expect(t.logs().includes(secret)).toBe(false);
    expect(t.logs()).toContain('"path":"/cal/[redacted]"');
  });

  it("never logs Gupshup's callback token, nor a wrong one", async () => {
    const wrong = 'wrong-callback-token-LOGTEST-9876543210';
    expect((await request('POST', `/webhooks/gupshup/${wrong}`, inbound(newNumber(), 'help'))).status).toBe(401);
    expect((await request('POST', `/webhooks/gupshup/${CALLBACK_TOKEN}/x`, '{}')).status).toBe(404);
    expect((await request('GET', `/webhooks/gupshup/${CALLBACK_TOKEN}`)).status).toBe(404);
    expect((await request('POST', `/webhooks/gupshup/${CALLBACK_TOKEN}`, inbound(newNumber(), 'help'))).status).toBe(200);
    const logs = t.logs();
    for (const secret of [CALLBACK_TOKEN, wrong]) expect(logs.includes(secret)).toBe(false);
    expect(logs).toContain('"path":"/webhooks/gupshup/[redacted]"');
  });

  it('logs WhatsApp numbers only masked: received, moved, sent, retried, refused and linked', async () => {
    const [student, retried, refused, linker] = [newNumber(), newNumber(), newNumber(), newNumber()];
    failing.set(retried, 500);
    failing.set(refused, 400);
    const post = (from: string, text: string) => request('POST', `/webhooks/gupshup/${CALLBACK_TOKEN}`, inbound(from, text));
    for (const n of [student, retried, refused]) expect((await post(n, 'help')).status).toBe(200);
    expect((await post(linker, 'link')).status).toBe(200);

    const events = () => lines(t.logs()).filter((l) => typeof l.event === 'string' && l.event.startsWith('whatsapp_'));
    const logged = (event: string, waId: string) => events().some((l) => l.event === event && l.waId === `+${waId.slice(0, 2)}******${waId.slice(-4)}`);
    await waitUntil(async () => logged('whatsapp_sent', student) && logged('whatsapp_send_retry', retried) && logged('whatsapp_send_failed', refused), 'the sends, a retry and a refusal', 20_000);
    const code = await waitUntil(async () => {
      const rows = await t.app.database.db.select().from(schema.waMessages);
      const body = rows.map((r) => JSON.stringify(r.body)).find((b) => b.includes('Your code is') && rows.find((r) => JSON.stringify(r.body) === b)?.waId === linker);
      return body && /Your code is (\d{6})/.exec(body)?.[1];
    }, 'the link code');
    const tutor = await makeTutor(t, { subjects: [{ subjectId: 'physics', level: 'grade-11-12' }] });
    expect((await tutor.client.post('/api/whatsapp/link', { code })).status).toBe(200);
    await waitUntil(async () => logged('whatsapp_linked', linker), 'the link event');

    for (const event of ['whatsapp_message', 'whatsapp_sent', 'whatsapp_send_retry', 'whatsapp_send_failed', 'whatsapp_linked']) {
      expect(events().some((l) => l.event === event && /^\+\d{2}\*{6}\d{4}$/.test(String(l.waId))), event).toBe(true);
    }
    const logs = t.logs();
    for (const n of [student, retried, refused, linker]) {
      // Neither the number nor any 8 of its digits in a row.
      expect(logs.includes(n.slice(2)), `the logs hold ${n.slice(0, 4)}…`).toBe(false);
    }
  });
});
