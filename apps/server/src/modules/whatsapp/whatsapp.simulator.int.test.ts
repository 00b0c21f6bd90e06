import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SIMULATOR_CLOUD, testConfig } from '../../config';
import { schema } from '../../../test/schema';
import { describeEachBackend } from '../../../test/db';
import { Client, type TestApp, startTestApp } from '../../../test/app';
import { freePort } from '../../../test/net';
import { askQuestion, helpConfig, jpegBytes, makeDataDir, removeDir, waitUntil } from '../../../test/help';
import { DEMO_PASSWORD } from '../../seed/demo';
import { SIMULATOR_NUMBERS } from './whatsapp.simulator';

const [TUTOR08, TUTOR16] = SIMULATOR_NUMBERS.tutors.map((n) => n.waId) as [string, string];
const STUDENT = SIMULATOR_NUMBERS.students[0]!.waId;

interface Rendered {
  name: string;
  headerImage: string | null;
  body: string;
  buttons: { text: string; payload: string }[];
}
interface Entry {
  direction: 'in' | 'out';
  id: string;
  body: { type: string; text?: { body: string }; interactive?: { action: { buttons?: { reply: { id: string } }[] } }; rendered?: Rendered };
}

/**
 * The README's WhatsApp walkthrough, through the simulator's own API (the e2e test drives the same through Chromium):
 * the demo tutors get alerts without sending "online"; alerts outside the 24-hour window are templates that show and
 * work as on a phone; a new student sent to pay keeps the question, which goes on by itself once paid.
 */
describeEachBackend('WhatsApp simulator: the README walkthrough', ({ db }) => {
  let t: TestApp;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = makeDataDir();
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    const base = testConfig();
    t = await startTestApp(db().database, {
      ...helpConfig(dataDir, { expiryMinutes: 5 }),
      port,
      publicUrl,
      seedDemo: true,
      billing: { ...base.billing, enforceEntitlements: true },
      payments: { provider: 'fake', stripe: null, razorpay: null },
      whatsapp: {
        provider: 'simulator',
        cloud: { ...SIMULATOR_CLOUD, graphUrl: `${publicUrl}/dev/fake-graph/v21.0` },
        gupshup: null,
        templates: { language: 'en', questionAlert: 'tutor_question_alert', update: 'tutorline_update' },
        sendsPerSecond: 200,
      },
    });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    removeDir(dataDir);
  });

  const thread = async (number: string): Promise<Entry[]> => {
    const res = await fetch(`${t.baseUrl}/dev/whatsapp/api/thread?number=${number}`);
    return ((await res.json()) as { messages: Entry[] }).messages;
  };
  const outbound = (e: Entry) => JSON.stringify(e.body.text?.body ?? e.body.rendered?.body ?? e.body);
  /** Waits for a message to `number` matching `re`, after the first `after` messages. */
  const reply = (number: string, re: RegExp, after = 0) =>
    waitUntil(async () => (await thread(number)).slice(after).find((e) => e.direction === 'out' && re.test(outbound(e))), `${re} to ${number}`, 20_000);
  const send = async (number: string, message: Record<string, unknown>) => {
    const res = await fetch(`${t.baseUrl}/dev/whatsapp/api/send`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ number, name: 'Riya', message }) });
    expect(res.status, await res.clone().text()).toBe(200);
  };

  it('the demo tutors get alerts at once, as templates with the photo, the question and Accept; tapping Accept claims it', async () => {
    const student = new Client(t.baseUrl);
    await student.logIn('student03@tutorline.test', DEMO_PASSWORD);
    const question = await askQuestion(t, { id: '', email: 'student03@tutorline.test', client: student }, 'maths', 'grade-9-10');

    for (const tutor of [TUTOR08, TUTOR16]) {
      const alert = await waitUntil(async () => (await thread(tutor)).find((e) => e.body.rendered?.name === 'tutor_question_alert'), `the alert to ${tutor}`, 20_000);
      expect(alert.body.type).toBe('template'); // the tutors never wrote: outside the 24-hour window
      expect(alert.body.rendered!.body).toBe('📚 New question: Mathematics · Grade 9–10\n\nTap Accept to take it. The first tutor to accept gets the student.');
      expect(alert.body.rendered!.buttons).toEqual([
        { text: 'Accept', payload: `accept:${question.id}` },
        { text: 'Pause alerts', payload: 'tutor:offline' },
      ]);
      const photo = await fetch(alert.body.rendered!.headerImage!);
      expect(photo.status).toBe(200);
      expect(photo.headers.get('content-type')).toBe('image/jpeg');
    }

    // tutor08 taps Accept on the template: the payload comes back as Cloud's template button reply.
    const alert = (await thread(TUTOR08)).find((e) => e.body.rendered?.name === 'tutor_question_alert')!;
    await send(TUTOR08, { type: 'template_button', payload: `accept:${question.id}`, text: 'Accept', contextId: alert.id });
    expect(outbound(await reply(TUTOR08, /It's yours! Join the student here: http/))).toMatch(/\/l\/[A-Za-z0-9_-]+/);
    const taken = await reply(TUTOR16, /Another tutor accepted this question first/);
    expect(taken.body.rendered?.name).toBe('tutorline_update'); // still outside tutor16's window
    const [q] = await db().database.db.select().from(schema.questions).where(eq(schema.questions.id, question.id));
    expect(q!.claimedBy).toBe((await t.app.identity.userByEmail('tutor08@tutorline.test'))!.id);
  });

  it('a new student sent to pay keeps the question: paying on the fake page sends it on by itself, with a message', async () => {
    await send(STUDENT, { type: 'image', dataBase64: (await jpegBytes(400, 300)).toString('base64'), mimeType: 'image/jpeg' });
    await reply(STUDENT, /How old are you\?/);
    await send(STUDENT, { type: 'text', text: '16' });
    await reply(STUDENT, /Which subject is your question\?/);
    await send(STUDENT, { type: 'list', replyId: 'subject:maths', title: 'Mathematics' });
    await reply(STUDENT, /which class or level/);
    await send(STUDENT, { type: 'list', replyId: 'subject:maths:grade-9-10', title: 'Grade 9–10' });
    const confirm = await reply(STUDENT, /Send it to a tutor\?/);
    await send(STUDENT, { type: 'button', replyId: 'confirm', title: '✅ Yes, send it', contextId: confirm.id });
    const refusal = await reply(STUDENT, /no plan or question credits/i);
    expect(outbound(refusal)).toMatch(/I've kept your question/);
    const link = /(http:\/\/127\.0\.0\.1:\d+\/l\/[A-Za-z0-9_-]+)/.exec(outbound(refusal))![1]!;
    const seen = (await thread(STUDENT)).length;

    // The link logs the number's account in on /billing; it buys a pack on the fake provider's page.
    const opened = await fetch(link, { redirect: 'manual' });
    expect(opened.headers.get('location')).toBe('/billing');
    const web = new Client(t.baseUrl);
    web.cookie = opened.headers.getSetCookie().find((c) => c.startsWith('tl_session='))!.split(';')[0]!;
    const checkout = await web.post('/api/billing/checkout', { planId: 'pack-10', currency: 'INR', idempotencyKey: 'wa-walkthrough-pack' });
    expect(checkout.status, checkout.text).toBe(201);
    const paid = await fetch(`${t.baseUrl}/dev/fake-pay/${checkout.json.id}/succeed`, { method: 'POST' });
    expect(paid.status).toBe(200);

    // Billing's entitlement event reaches the conversation: the held question goes out, and the student is told.
    await reply(STUDENT, /Payment received ✅ Finding a tutor for you…/, seen);
    const [contact] = await db().database.db.select().from(schema.waContacts).where(eq(schema.waContacts.waId, STUDENT));
    const asked = await db().database.db.select().from(schema.questions).where(eq(schema.questions.studentId, contact!.userId!));
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ subjectId: 'maths', level: 'grade-9-10' });
    expect(await db().database.db.select().from(schema.questionPhotos).where(eq(schema.questionPhotos.questionId, asked[0]!.id))).toHaveLength(1);
  });
});
