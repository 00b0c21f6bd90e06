import Fastify, { type FastifyInstance } from 'fastify';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig, type WhatsAppConfig } from '../../config';
import { cloudMessagesPayload, cloudSignature, type FakeGraph, type FakeGraphSent, fakeGraphPlugin, type SimulatedInbound } from '../../integrations/whatsapp';
import { schema } from '../../../test/schema';
import { describeEachBackend } from '../../../test/db';
import { startTestApp, type TestApp } from '../../../test/app';
import { freePort } from '../../../test/net';
import { askQuestion, type HelpUser, helpConfig, jpegBytes, makeDataDir, makeStudent, makeTutor, removeDir, waitUntil, whenOffered } from '../../../test/help';
import { claimRefusals } from '../help';

const APP_SECRET = 'whatsapp_reasons_app_secret_5d1e';
const PHONE_NUMBER_ID = '109876543210444';
const ACCESS_TOKEN = 'test-access-token-reasons';

let counter = 0;
const newNumber = () => `9197${String(Date.now()).slice(-6)}${String(++counter).padStart(2, '0')}`;

function waConfig(graphUrl: string): WhatsAppConfig {
  return {
    provider: 'cloud',
    cloud: { appSecret: APP_SECRET, verifyToken: 'verify', accessToken: ACCESS_TOKEN, phoneNumberId: PHONE_NUMBER_ID, graphUrl: `${graphUrl}/v21.0` },
    gupshup: null,
    templates: { language: 'en', questionAlert: 'tutor_question_alert', update: 'tutorline_update' },
    sendsPerSecond: 200,
  };
}

/** What a tutor on WhatsApp is told for each of help's reasons an Accept did not win (today's words, unchanged). */
const TAKEN = 'Another tutor accepted this one first. The next question will come here — keep an eye out!';
const CLOSED = 'This question has closed, so it can no longer be accepted.';
const NOT_ELIGIBLE = "This question isn't one you can take (it's outside your approved subjects).";
const BUSY = 'Finish your current session before accepting another question.';

/**
 * Issue #14: help answers a claim or an ask with a reason, and WhatsApp words each reason itself; it no longer reads
 * help's English (`/expired|cancelled/`, `/current session/`, `.includes('subject')`, `status === 429`). Every claim
 * reason is met here through the webhook, the job, the help service and the outbox, as a tutor tapping Accept meets it.
 */
describeEachBackend('WhatsApp: every reason help gives is answered by its reason', ({ db }) => {
  let graph: FastifyInstance;
  let fake: FakeGraph;
  let t: TestApp;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = makeDataDir();
    graph = Fastify();
    fake = fakeGraphPlugin(graph, { phoneNumberId: PHONE_NUMBER_ID, accessToken: ACCESS_TOKEN });
    const graphUrl = await graph.listen({ host: '127.0.0.1', port: 0 });
    const port = await freePort();
    // Two uploads a minute per user: a WhatsApp question with three photos meets the upload rate.
    t = await startTestApp(
      db().database,
      { ...helpConfig(dataDir, { expiryMinutes: 10 }), port, publicUrl: `http://127.0.0.1:${port}`, whatsapp: waConfig(graphUrl), uploads: { ...testConfig().uploads, perMinute: 2 } },
      undefined,
      { whatsappFlow: { burstMs: 0, waveUpdateMinIntervalMs: 0 } },
    );
  });
  afterAll(async () => {
    await t?.close();
    await graph?.close();
    removeDir(dataDir);
  });

  const send = (messages: SimulatedInbound[]) => {
    const body = cloudMessagesPayload(PHONE_NUMBER_ID, messages);
    return fetch(`${t.baseUrl}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': cloudSignature(body, APP_SECRET) }, body });
  };
  const sentTo = (waId: string) => fake.sent().filter((m) => m.to.replace(/^\+/, '') === waId);
  const textOf = (m: FakeGraphSent) => JSON.stringify(m.body);
  /** Sends, then waits for the next message to that number and returns its text. */
  const exchange = async (waId: string, message: SimulatedInbound['message']): Promise<string> => {
    const before = sentTo(waId).length;
    expect((await send([{ from: waId, message }])).status).toBe(200);
    return textOf(await waitUntil(async () => sentTo(waId)[before], `a reply to ${waId}`, 15_000));
  };

  /** An approved tutor of one subject, linked to a WhatsApp number, who gets questions there. */
  const tutorOnWhatsApp = async (subjectId: string, level = 'grade-9-10'): Promise<HelpUser & { waId: string }> => {
    const tutor = await makeTutor(t, { subjects: [{ subjectId, level }], online: true, notifyWhenOffline: true });
    const waId = newNumber();
    await t.app.whatsapp!.whatsapp.linkNumber(waId, tutor.id);
    return { ...tutor, waId };
  };
  /**
   * Taps Accept and returns the reply that answers the tap: the first new message carrying one of the claim replies
   * (alerts and "taken" broadcasts may arrive in between).
   */
  const tapAccept = async (tutor: { waId: string }, questionId: string): Promise<string> => {
    const before = sentTo(tutor.waId).length;
    expect((await send([{ from: tutor.waId, message: { type: 'button', replyId: `accept:${questionId}`, title: 'Accept' } }])).status).toBe(200);
    const replies = [TAKEN, CLOSED, NOT_ELIGIBLE, BUSY, "It's yours"];
    const answer = await waitUntil(async () => sentTo(tutor.waId).slice(before).map(textOf).find((m) => replies.some((r) => m.includes(r))), `the answer to ${tutor.waId}'s Accept`, 15_000);
    return answer;
  };

  describe('a tutor taps Accept', () => {
    it('on a question another tutor took first: taken', async () => {
      const [first, late] = [await tutorOnWhatsApp('physics'), await tutorOnWhatsApp('physics')];
      const q = await askQuestion(t, await makeStudent(t), 'physics', 'grade-9-10');
      await Promise.all([whenOffered(first, q.id), whenOffered(late, q.id)]);
      expect((await first.client.post(`/api/help/questions/${q.id}/accept`)).status).toBe(200);
      expect(await tapAccept(late, q.id)).toContain(TAKEN);
    });

    it('on a question past its expiry: closed', async () => {
      const tutor = await tutorOnWhatsApp('chemistry');
      const q = await askQuestion(t, await makeStudent(t), 'chemistry', 'grade-9-10');
      await whenOffered(tutor, q.id);
      // The expiry job has not run yet: the question is still open, but its time is up.
      await db().database.db.update(schema.questions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(schema.questions.id, q.id));
      expect(await tapAccept(tutor, q.id)).toContain(CLOSED);
    });

    it('on a question the student cancelled: closed', async () => {
      const tutor = await tutorOnWhatsApp('biology');
      const student = await makeStudent(t);
      const q = await askQuestion(t, student, 'biology', 'grade-9-10');
      await whenOffered(tutor, q.id);
      expect((await student.client.post(`/api/help/questions/${q.id}/cancel`)).status).toBe(200);
      expect(await tapAccept(tutor, q.id)).toContain(CLOSED);
    });

    it('while their own session is open: busy', async () => {
      const tutor = await tutorOnWhatsApp('english');
      const [a, b] = [await askQuestion(t, await makeStudent(t), 'english', 'grade-9-10'), await askQuestion(t, await makeStudent(t), 'english', 'grade-9-10')];
      await Promise.all([whenOffered(tutor, a.id), whenOffered(tutor, b.id)]);
      expect((await tutor.client.post(`/api/help/questions/${a.id}/accept`)).status).toBe(200);
      expect(await tapAccept(tutor, b.id)).toContain(BUSY);
    });

    it('after they stopped teaching its subject: not eligible', async () => {
      const tutor = await tutorOnWhatsApp('economics', 'grade-11-12');
      const q = await askQuestion(t, await makeStudent(t), 'economics', 'grade-11-12');
      await whenOffered(tutor, q.id);
      expect((await tutor.client.put('/api/tutors/me/profile', { subjects: [{ subjectId: 'history', level: 'grade-9-10' }] })).status).toBe(200);
      expect(await tapAccept(tutor, q.id)).toContain(NOT_ELIGIBLE);
    });

    it('on a question never offered to them, or on a button whose id names no question: told as taken', async () => {
      const offered = await tutorOnWhatsApp('geography');
      const stranger = await tutorOnWhatsApp('statistics', 'grade-11-12');
      const q = await askQuestion(t, await makeStudent(t), 'geography', 'grade-9-10');
      await whenOffered(offered, q.id);
      expect(await tapAccept(stranger, q.id)).toContain(TAKEN);
      // A garbled or forged payload used to reach the database as a malformed id and fail the job: no reply at all.
      expect(await tapAccept(stranger, 'not-a-question')).toContain(TAKEN);
      expect(t.logs()).not.toMatch(/invalid input syntax for type uuid/);
    });

    it('covers every claim reason help has', () => {
      // One scenario above per reason: not_found, not_eligible, busy, taken, expired, cancelled.
      expect([...claimRefusals].sort()).toEqual(['busy', 'cancelled', 'expired', 'not_eligible', 'not_found', 'taken']);
    });
  });

  describe('a student asks on WhatsApp and help refuses an upload', () => {
    // WhatsApp offers only subjects an approved tutor teaches: maths, at two levels, so the level is picked from a list.
    beforeAll(async () => {
      await makeTutor(t, { subjects: [{ subjectId: 'maths', level: 'grade-9-10' }, { subjectId: 'maths', level: 'grade-11-12' }] });
    });

    /** A new number sends photos, gives an age, picks Mathematics · Grade 9–10 and confirms: the answer to the confirm. */
    const askWith = async (photos: Buffer[]): Promise<string> => {
      const student = newNumber();
      for (const data of photos) await exchange(student, { type: 'image', mediaId: fake.putMedia(data, 'image/jpeg') });
      await exchange(student, { type: 'text', text: '16' });
      await exchange(student, { type: 'list', replyId: 'subject:maths', title: 'Maths' });
      await exchange(student, { type: 'list', replyId: 'subject:maths:grade-9-10', title: 'Grade 9–10' });
      return exchange(student, { type: 'button', replyId: 'confirm', title: 'Yes, send it' });
    };

    it('because the photo is not a photo: photo_rejected', async () => {
      expect(await askWith([Buffer.from('these bytes are not an image at all')])).toContain("Sorry, I couldn't use that photo.");
    });

    it('because the student is over the upload rate: rate_limited', async () => {
      const photo = await jpegBytes(300, 200);
      expect(await askWith([photo, photo, photo])).toContain("You've asked a lot of questions just now.");
    });
  });
});
