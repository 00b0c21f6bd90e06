import Fastify, { type FastifyInstance } from 'fastify';
import type { Config, WhatsAppConfig } from '../../config';
import { type FakeGraph, fakeGraphPlugin } from '../../integrations/whatsapp';
import type { Clock } from '../../platform/clock';
import type { Database } from '../../platform/db';
import { Client, relaxedLogin, signUpStudent, startTestApp, type TestApp, testPassword, uniqueEmail } from '../../../test/app';
import { makeDataDir, removeDir, waitUntil } from '../../../test/help';

/** Test support for the guardians suites (issue #20): the app with a fake WhatsApp Graph API, and the guardian's steps. */
const APP_SECRET = 'guardians_test_secret_9f2';
const PHONE_NUMBER_ID = '109876543210888';
const ACCESS_TOKEN = 'guardians-test-access-token';

function waConfig(graphUrl: string): WhatsAppConfig {
  return {
    provider: 'cloud',
    cloud: { appSecret: APP_SECRET, verifyToken: 'verify-token-guardians', accessToken: ACCESS_TOKEN, phoneNumberId: PHONE_NUMBER_ID, graphUrl: `${graphUrl}/v21.0` },
    gupshup: null,
    templates: { language: 'en', questionAlert: 'tutor_question_alert', update: 'tutorline_update' },
    sendsPerSecond: 200,
  };
}

let counter = 0;
/** A fresh WhatsApp number (digits, no plus). */
export const newWaNumber = () => `9197${String(Date.now()).slice(-6)}${String(++counter).padStart(2, '0')}`;

export interface GuardianWorld {
  t: TestApp;
  graph: FakeGraph;
  dataDir: string;
  close(): Promise<void>;
  /** Everything sent to a number, as JSON text (free-form or template). */
  texts(waId: string): string[];
  /** Waits for the n-th message to a number. */
  nth(waId: string, n: number): Promise<string>;
}

/** `extra` adds configuration (billing, help) for suites that need more than guardians and WhatsApp. */
export async function startGuardianWorld(database: Database, clock: Clock, extra: Partial<Config> = {}): Promise<GuardianWorld> {
  const server: FastifyInstance = Fastify();
  const graph = fakeGraphPlugin(server, { phoneNumberId: PHONE_NUMBER_ID, accessToken: ACCESS_TOKEN });
  const graphUrl = await server.listen({ host: '127.0.0.1', port: 0 });
  const dataDir = makeDataDir();
  const t = await startTestApp(database, { dataDir, jobsPollMs: 50, login: relaxedLogin, whatsapp: waConfig(graphUrl), ...extra }, clock);
  const texts = (waId: string) => graph.sent().filter((m) => m.to === waId).map((m) => JSON.stringify(m.body));
  return {
    t,
    graph,
    dataDir,
    texts,
    nth: (waId, n) => waitUntil(async () => texts(waId)[n - 1], `message ${n} to ${waId}`, 15_000),
    async close() {
      await t.close();
      await server.close();
      removeDir(dataDir);
    },
  };
}

/** A child signing up on the web with a country, a birth date and a guardian's contact. */
export async function signUpChild(w: GuardianWorld, opts: { birthDate: string; country?: string; guardianContact: string; phone?: string; timeZone?: string }) {
  const client = new Client(w.t.baseUrl);
  const { user } = await signUpStudent(client, { displayName: 'Asha', timeZone: opts.timeZone ?? 'Asia/Kolkata', ...opts });
  return { client, id: user.id };
}

/** The invite token in the last WhatsApp message to a number (the link's fragment). */
export async function inviteTokenSentTo(w: GuardianWorld, waId: string, n = 1): Promise<string> {
  const text = await w.nth(waId, n);
  const m = /\/guardian\/invite#([A-Za-z0-9_-]{16,64})/.exec(text);
  if (!m) throw new Error(`no invite link in ${text}`);
  return m[1]!;
}

/** A new guardian account made from an invite link (logged in). */
export async function guardianFromInvite(w: GuardianWorld, token: string) {
  const client = new Client(w.t.baseUrl);
  const email = uniqueEmail('guardian');
  const res = await client.post(`/api/guardian-invites/${token}/signup`, { email, password: testPassword, displayName: 'Meera Iyer' });
  if (res.status !== 201) throw new Error(`guardian signup failed: ${res.status} ${res.text}`);
  return { client, id: res.json.user.id as string, email };
}

/** Sends a code to the guardian's number and reads it from the WhatsApp message. */
export async function codeFor(w: GuardianWorld, guardian: Client, childId: string, waId: string): Promise<string> {
  const before = w.texts(waId).length;
  const res = await guardian.post(`/api/guardian/children/${childId}/code`, { phone: `+${waId}` });
  if (res.status !== 200) throw new Error(`code failed: ${res.status} ${res.text}`);
  const text = await w.nth(waId, before + 1);
  const m = /consent code for .+? is (\d{6})/.exec(text);
  if (!m) throw new Error(`no code in ${text}`);
  return m[1]!;
}

/** The declaration as the invite page shows it. */
export async function declarationOf(w: GuardianWorld, token: string) {
  const res = await new Client(w.t.baseUrl).get(`/api/guardian-invites/${token}`);
  if (res.status !== 200) throw new Error(`invite preview failed: ${res.status} ${res.text}`);
  return { declarationVersion: res.json.declarationVersion as string, declarationText: res.json.declarationText as string };
}

/** The whole consent by code and signed declaration. */
export async function consentByCode(w: GuardianWorld, guardian: Client, childId: string, waId: string, token: string) {
  const code = await codeFor(w, guardian, childId, waId);
  return guardian.post(`/api/guardian/children/${childId}/consent`, { method: 'otp_declaration', code, fullName: 'Meera Iyer', agreed: true, ...(await declarationOf(w, token)) });
}
