import Fastify, { type FastifyInstance } from 'fastify';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { WhatsAppConfig } from '../../config';
import { cloudMessagesPayload, cloudSignature, type FakeGraph, fakeGraphPlugin } from '../../integrations/whatsapp';
import { Client, signUpTutor, staffClient, startTestApp, type TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { helpConfig, makeDataDir, removeDir, waitUntil } from '../../../test/help';
import { freePort } from '../../../test/net';
import { schema } from '../../../test/schema';

const APP_SECRET = 'whatsapp_report_secret_41c';
const PHONE_NUMBER_ID = '109876543210555';
const ACCESS_TOKEN = 'report-test-access-token';
let counter = 0;
const newNumber = () => `9196${String(Date.now()).slice(-6)}${String(++counter).padStart(2, '0')}`;

function waConfig(graphUrl: string): WhatsAppConfig {
  return {
    provider: 'cloud',
    cloud: { appSecret: APP_SECRET, verifyToken: 'verify-report', accessToken: ACCESS_TOKEN, phoneNumberId: PHONE_NUMBER_ID, graphUrl: `${graphUrl}/v21.0` },
    gupshup: null,
    templates: { language: 'en', questionAlert: 'tutor_question_alert', update: 'tutorline_update' },
    sendsPerSecond: 200,
  };
}

/** Issue #20: either party reports the other of their last session from WhatsApp: REPORT, a category, then text. */
describeEachBackend('WhatsApp: REPORT makes the same safety report as the web', ({ db }) => {
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
    t = await startTestApp(db().database, { ...helpConfig(dataDir), port, publicUrl: `http://127.0.0.1:${port}`, whatsapp: waConfig(graphUrl) }, undefined, { whatsappFlow: { burstMs: 0 } });
  });
  afterAll(async () => {
    await t?.close();
    await graph?.close();
    removeDir(dataDir);
  });

  /** A signed webhook with one text message from a number. */
  const say = async (from: string, text: string) => {
    const body = cloudMessagesPayload(PHONE_NUMBER_ID, [{ from, name: 'Asha', message: { type: 'text', text } }]);
    const res = await fetch(`${t.baseUrl}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': cloudSignature(body, APP_SECRET) }, body });
    expect(res.status).toBe(200);
  };
  const texts = (waId: string) => fake.sent().filter((m) => m.to.replace(/^\+/, '') === waId).map((m) => JSON.stringify(m.body));
  /** Sends a message and waits for the reply it causes (the n-th message to that number). */
  const exchange = async (from: string, text: string) => {
    const before = texts(from).length;
    await say(from, text);
    return waitUntil(async () => texts(from)[before], `a reply to "${text}"`, 15_000);
  };
  const reports = () => db().database.db.select().from(schema.safetyReports);
  const contactOf = async (waId: string) => (await db().database.db.select().from(schema.waContacts).where(eq(schema.waContacts.waId, waId)))[0]!;

  it('a student reports their tutor: no session or an unknown category changes nothing; a severe category escalates like the web', async () => {
    const wa = newNumber();
    // No session yet: told so, nothing made, no flow left open.
    expect(await exchange(wa, 'REPORT')).toContain('There is no session to report yet');
    const studentId = (await contactOf(wa)).userId!;
    expect((await contactOf(wa)).reportFlow).toBeNull();
    expect(await reports()).toEqual([]);

    const tutor = await signUpTutor(new Client(t.baseUrl), { displayName: 'Ravi Tutor' });
    const [session] = await db().database.db.insert(schema.tutoringSessions).values({ kind: 'instant', studentId, tutorId: tutor.user.id, startedAt: t.app.clock.now() }).returning();
    const ops = await staffClient(t, ['ops']);

    const list = await exchange(wa, 'report');
    expect(list).toContain('You are reporting Ravi Tutor, from your last session');
    expect(list).toContain('1. Asked for my phone, social media or to meet outside Tutorline');
    // An unknown category: asked again, the flow as it was.
    const flowBefore = (await contactOf(wa)).reportFlow;
    expect(await exchange(wa, '9')).toContain('That is not one of the categories. Reply with a number from 1 to 7');
    expect((await contactOf(wa)).reportFlow).toEqual(flowBefore);
    expect(await reports()).toEqual([]);

    expect(await exchange(wa, '1')).toContain('Now tell us in one message what happened');
    expect(await exchange(wa, 'He asked for my Instagram and said to message him there')).toContain('Your report went to our safety team, who will review it');
    const [first] = await reports();
    expect(first).toMatchObject({ sessionId: session!.id, reporterId: studentId, reportedId: tutor.user.id, category: 'contact_request', text: 'He asked for my Instagram and said to message him there', source: 'whatsapp', severe: false, status: 'open', blocked: false });
    expect((await contactOf(wa)).reportFlow).toBeNull();
    // The session's evidence is held like a web report's.
    expect([...(await t.app.fastify.safety.safety.sessionsOnLegalHold([session!.id]))]).toEqual([session!.id]);

    // Severe: flagged, ops alerted, the tutor's alerts held: the web's path.
    await exchange(wa, 'REPORT');
    await exchange(wa, '4');
    expect(await exchange(wa, 'He asked me to keep our chats secret')).toContain('look at reports like this one straight away');
    const severe = (await reports()).find((r) => r.category === 'grooming')!;
    expect(severe).toMatchObject({ severe: true, source: 'whatsapp', reportedId: tutor.user.id });
    const flags = await db().database.db.select().from(schema.safetyFlags).where(eq(schema.safetyFlags.kind, 'severe_report'));
    expect(flags.map((f) => f.userId)).toContain(tutor.user.id);
    const inbox = await db().database.db.select().from(schema.userNotifications).where(eq(schema.userNotifications.userId, ops.user.id));
    expect(inbox.map((n) => n.kind)).toContain('safety.severe_report');
    expect(t.logs()).toContain('"event":"whatsapp_report_filed"');
  });

  it('a tutor reports the student of their last session, and CANCEL stops a report without sending anything', async () => {
    const tutor = await signUpTutor(new Client(t.baseUrl), { displayName: 'Meena Tutor' });
    const studentWa = newNumber();
    await exchange(studentWa, 'hi');
    const studentId = (await contactOf(studentWa)).userId!;
    await db().database.db.update(schema.users).set({ displayName: 'Kabir' }).where(eq(schema.users.id, studentId));
    await db().database.db.insert(schema.tutoringSessions).values({ kind: 'instant', studentId, tutorId: tutor.user.id, startedAt: t.app.clock.now() });
    const tutorWa = newNumber();
    await t.app.whatsapp!.whatsapp.linkNumber(tutorWa, tutor.user.id);
    const before = (await reports()).length;

    expect(await exchange(tutorWa, 'Report')).toContain('You are reporting Kabir');
    expect(await exchange(tutorWa, 'cancel')).toContain('Report cancelled. Nothing was sent.');
    expect((await reports()).length).toBe(before);
    // After the flow ended, the tutor's words go to the tutor conversation again.
    expect(await exchange(tutorWa, 'report')).toContain('You are reporting Kabir');
    await exchange(tutorWa, '3');
    await exchange(tutorWa, 'Sent me inappropriate pictures in the chat');
    const made = (await reports()).find((r) => r.reporterId === tutor.user.id)!;
    expect(made).toMatchObject({ reportedId: studentId, category: 'sexual_content', severe: true, source: 'whatsapp' });
  });
});
