import Fastify, { type FastifyInstance } from 'fastify';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { schema } from '../../../test/schema';
import { describeEachBackend } from '../../../test/db';
import { startTestApp, type TestApp } from '../../../test/app';
import { askQuestion, helpConfig, makeDataDir, makeStudent, makeTutor, removeDir, waitUntil } from '../../../test/help';

// WhatsApp through Gupshup: its callback, the 24-hour window and its templates, and linking from WhatsApp. The Cloud
// API's webhooks, conversation and outbox are in whatsapp.int.test.ts.

let counter = 0;
const newNumber = () => `9198${String(Date.now()).slice(-6)}${String(++counter).padStart(2, '0')}`;

describeEachBackend('WhatsApp through Gupshup, the 24-hour window, and linking from WhatsApp', ({ db }) => {
  let gupshup: FastifyInstance;
  const received: Record<string, string>[] = [];
  /** Template sends (POST /wa/api/v1/template/msg), form fields as sent. */
  const templated: Record<string, string>[] = [];
  let t: TestApp;
  let dataDir: string;
  const token = 'gupshup-callback-token-0123456789';

  beforeAll(async () => {
    dataDir = makeDataDir();
    // A stand-in for Gupshup's send API: form-encoded in, {status: 'submitted', messageId} out (its documented shape).
    gupshup = Fastify();
    gupshup.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))));
    gupshup.post('/wa/api/v1/msg', async (req, reply) => {
      received.push(req.body as Record<string, string>);
      return reply.status(202).type('text/html').send(JSON.stringify({ status: 'submitted', messageId: crypto.randomUUID() }));
    });
    gupshup.post('/wa/api/v1/template/msg', async (req, reply) => {
      templated.push(req.body as Record<string, string>);
      return reply.status(202).type('text/html').send(JSON.stringify({ status: 'submitted', messageId: crypto.randomUUID() }));
    });
    const url = await gupshup.listen({ host: '127.0.0.1', port: 0 });
    t = await startTestApp(db().database, {
      ...helpConfig(dataDir),
      whatsapp: {
        provider: 'gupshup',
        cloud: null,
        // GUPSHUP_TEMPLATE_QUESTION_ALERT_ID and GUPSHUP_TEMPLATE_UPDATE_ID, by template name.
        gupshup: {
          apiUrl: `${url}/wa/api/v1`,
          apiKey: 'gupshup-test-key',
          source: '917834811114',
          appName: 'TutorBotApp',
          callbackToken: token,
          templateIds: { tutor_question_alert: 'gs-tpl-alert-0001', tutorline_update: 'gs-tpl-update-0001' },
        },
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

  const inbound = (from: string, text: string) =>
    JSON.stringify({ app: 'TutorBotApp', timestamp: Date.now(), version: 2, type: 'message', payload: { id: `gs-${crypto.randomUUID()}`, source: from, type: 'text', payload: { text }, sender: { phone: from, name: 'Asha' } } });
  const postGupshup = (body: string, path = token) => fetch(`${t.baseUrl}/webhooks/gupshup/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('takes inbound messages only with the callback token, and answers through the same pipeline', async () => {
    const who = newNumber();
    expect((await postGupshup(inbound(who, 'help'), 'wrong-token-wrong-token-0000')).status).toBe(401);
    const body = inbound(who, 'help');
    expect((await postGupshup(body)).status).toBe(200);
    expect((await postGupshup(body)).status).toBe(200); // a repeat
    await waitUntil(async () => received.find((r) => r.destination === who), 'a reply through gupshup');
    await new Promise((r) => setTimeout(r, 300));
    expect(received.filter((r) => r.destination === who)).toHaveLength(1);
    expect(JSON.parse(received.find((r) => r.destination === who)!.message!).text).toContain('Send me a photo');
  });

  it('sends free text inside the 24-hour window and the configured template after it', async () => {
    const who = newNumber();
    await postGupshup(inbound(who, 'help'));
    await waitUntil(async () => received.find((r) => r.destination === who), 'the first reply');
    const [contact] = await db().database.db.select().from(schema.waContacts).where(eq(schema.waContacts.waId, who));
    const channel = t.app.whatsapp!.whatsapp.channel;
    const rowsOf = () => db().database.db.select().from(schema.waMessages).where(eq(schema.waMessages.waId, who));

    await channel.send(contact!.userId!, { kind: 'test.notice', text: 'Your lesson starts in 15 minutes.' }, 'test:1');
    expect((await rowsOf()).find((r) => r.kind === 'notify')!.body).toMatchObject({ type: 'text', text: 'Your lesson starts in 15 minutes.' });

    // The number last wrote 25 hours ago: only an approved template may go out.
    await db().database.db.update(schema.waContacts).set({ lastInboundAt: new Date(Date.now() - 25 * 3600_000) }).where(eq(schema.waContacts.waId, who));
    await channel.send(contact!.userId!, { kind: 'test.notice', text: 'Your lesson starts in 24 hours.', data: { n: 2 } }, 'test:2');
    const late = (await rowsOf()).filter((r) => r.kind === 'notify').find((r) => JSON.stringify(r.body).includes('24 hours'));
    expect(late!.body).toMatchObject({ type: 'template', name: 'tutorline_update', language: 'en', bodyParams: ['Your lesson starts in 24 hours.'] });
  });

  it('sends a tutor alert outside the 24-hour window as the Gupshup template by id (photo header, Accept as a postback); the tap claims', async () => {
    const tutor = await makeTutor(t, { subjects: [{ subjectId: 'maths', level: 'grade-9-10' }], online: true, notifyWhenOffline: true });
    const number = newNumber();
    await t.app.whatsapp!.whatsapp.linkNumber(number, tutor.id); // linked, but never wrote: no open window
    const student = await makeStudent(t);
    const question = await askQuestion(t, student, 'maths', 'grade-9-10');
    const alert = await waitUntil(async () => templated.find((r) => r.destination === number), 'the alert template', 20_000);
    expect(alert).toMatchObject({ channel: 'whatsapp', source: '917834811114', 'src.name': 'TutorBotApp' });
    expect(JSON.parse(alert.template!)).toEqual({ id: 'gs-tpl-alert-0001', params: ['Mathematics · Grade 9–10'] });
    expect(JSON.parse(alert.message!)).toMatchObject({ type: 'image', image: { link: expect.stringMatching(/\/api\/help\/photos\/[0-9a-f-]+\/shared\?exp=\d+&sig=/) } });
    expect(JSON.parse(alert.postbackTexts!)).toEqual([
      { index: 0, text: `accept:${question.id}` },
      { index: 1, text: 'tutor:offline' },
    ]);
    expect(received.filter((r) => r.destination === number)).toEqual([]); // no separate photo, no free-form alert

    // The tap comes back as Gupshup's quick_reply with our postback text: the same atomic claim as the web.
    const tap = JSON.stringify({
      app: 'TutorBotApp',
      timestamp: Date.now(),
      version: 2,
      type: 'message',
      payload: { id: `gs-${crypto.randomUUID()}`, source: number, type: 'quick_reply', payload: { text: 'Accept', type: 'button', postbackText: `accept:${question.id}` }, sender: { phone: number, name: 'Tutor' } },
    });
    expect((await postGupshup(tap)).status).toBe(200);
    const won = await waitUntil(async () => received.find((r) => r.destination === number && r.message?.includes("It's yours")), 'the join link');
    expect(JSON.parse(won.message!).text).toMatch(/\/l\/[A-Za-z0-9_-]+/);
    const [q] = await db().database.db.select().from(schema.questions).where(eq(schema.questions.id, question.id));
    expect(q!.claimedBy).toBe(tutor.id);
  });

  it('links a number to a web account with a code sent on WhatsApp and typed on the web', async () => {
    const who = newNumber();
    await postGupshup(inbound(who, 'link'));
    const reply = await waitUntil(async () => received.find((r) => r.destination === who && r.message?.includes('Your code is')), 'the code');
    const code = /Your code is (\d{6})/.exec(JSON.parse(reply.message!).text)![1]!;
    const tutor = await makeTutor(t, { subjects: [{ subjectId: 'physics', level: 'grade-11-12' }] });
    expect((await tutor.client.post('/api/whatsapp/link', { code: '000000' })).status).toBe(400);
    const linked = await tutor.client.post('/api/whatsapp/link', { code });
    expect(linked.status).toBe(200);
    expect(linked.json).toMatchObject({ linked: true });
    expect(linked.json.number).not.toContain(who.slice(2, 8));
    expect((await tutor.client.post('/api/whatsapp/link', { code })).status).toBe(400);
  });
});
