import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testConfig, type WhatsAppConfig } from '../../config';
import { cloudMessagesPayload, cloudSignature, type FakeGraph, fakeGraphPlugin, type SimulatedInbound } from '../../integrations/whatsapp';
import { startTestApp, type TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { freePort } from '../../../test/net';
import { helpConfig, jpegBytes, makeDataDir, makeTutor, removeDir, waitUntil } from '../../../test/help';

const APP_SECRET = 'whatsapp_refusal_log_secret_3c9a';
const PHONE_NUMBER_ID = '109876543210777';
const ACCESS_TOKEN = 'refusal-log-token';

function waConfig(graphUrl: string): WhatsAppConfig {
  return {
    provider: 'cloud',
    cloud: { appSecret: APP_SECRET, verifyToken: 'refusal-log-verify', accessToken: ACCESS_TOKEN, phoneNumberId: PHONE_NUMBER_ID, graphUrl: `${graphUrl}/v21.0` },
    gupshup: null,
    templates: { language: 'en', questionAlert: 'tutor_question_alert', update: 'tutorline_update' },
    sendsPerSecond: 200,
  };
}

/**
 * Issue #13 (rough edge): an ordinary payment refusal (a new WhatsApp student with no plan or credits asks) was logged
 * as a warning with a stack trace. It is an expected business outcome: an info event with its reason, no stack.
 */
describeEachBackend('WhatsApp: a payment refusal is logged as an info event, without a stack trace', ({ db }) => {
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
    t = await startTestApp(
      db().database,
      { ...helpConfig(dataDir), port, publicUrl: `http://127.0.0.1:${port}`, whatsapp: waConfig(graphUrl), billing: { ...testConfig().billing, enforceEntitlements: true } },
      undefined,
      { whatsappFlow: { burstMs: 0, waveUpdateMinIntervalMs: 0 } },
    );
    // WhatsApp offers only subjects an approved tutor teaches: maths, at two levels, so the level is picked from a list.
    await makeTutor(t, { subjects: [{ subjectId: 'maths', level: 'grade-9-10' }, { subjectId: 'maths', level: 'grade-11-12' }] });
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
  const nth = (waId: string, n: number) => waitUntil(async () => sentTo(waId)[n - 1], `message ${n} to ${waId}`, 15_000);

  it('asks without a plan: the student is told what to do, and the log has an info event with the reason and no stack', async () => {
    const student = `9196${String(Date.now()).slice(-8)}`;
    await send([{ from: student, name: 'Dev', message: { type: 'image', mediaId: fake.putMedia(await jpegBytes(400, 300), 'image/jpeg') } }]);
    // A new number is asked its age first (the photo waits in the draft; decision 027).
    expect(JSON.stringify((await nth(student, 1)).body)).toMatch(/How old are you/);
    await send([{ from: student, message: { type: 'text', text: '15' } }]);
    await nth(student, 2);
    await send([{ from: student, message: { type: 'list', replyId: 'subject:maths', title: 'Maths' } }]);
    await nth(student, 3);
    await send([{ from: student, message: { type: 'list', replyId: 'subject:maths:grade-9-10', title: 'Grade 9–10' } }]);
    await nth(student, 4);
    await send([{ from: student, message: { type: 'button', replyId: 'confirm', title: 'Yes, send it' } }]);
    expect(JSON.stringify((await nth(student, 5)).body)).toMatch(/no plan or question credits/);

    const lines = t
      .logs()
      .split('\n')
      .filter(Boolean)
      .map((l) => ({ raw: l, json: JSON.parse(l) as Record<string, unknown> }));
    const refusal = lines.filter((l) => l.json.reason === 'payment_required' || (l.json.err as { code?: string } | undefined)?.code === 'payment_required');
    expect(refusal.map((l) => [l.json.level, l.json.event])).toEqual([['info', 'whatsapp_ask_refused']]);
    expect(refusal[0]!.json).toMatchObject({ code: 'payment_required', message: expect.stringMatching(/no plan or question credits/) });
    expect(refusal[0]!.raw).not.toMatch(/"stack"|\\n\s+at /);
    // Nothing about it at warn or above.
    expect(lines.filter((l) => l.json.level !== 'info' && l.raw.includes('payment_required'))).toEqual([]);
  });
});
