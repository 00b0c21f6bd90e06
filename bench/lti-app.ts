/**
 * The real Tutorline app in its own process for the LTI launch benchmark: in-memory PGlite, logging off, on PORT (its public URL must be known for target_link_uri).
 * Before it listens it registers the platform described by BENCH_LTI_PLATFORM (JSON, the body an admin posts) and
 * creates one password account BENCH_LOGIN_EMAIL / BENCH_LOGIN_PASSWORD for the baseline (the ordinary log-in).
 */
import { buildApp } from '../apps/server/src/app';
import { type Config, testConfig } from '../apps/server/src/config';
import { createIdentityRepo, hashPassword } from '../apps/server/src/modules/identity';
import { type Database, openDatabase } from '../apps/server/src/platform/db';
import { serveUntilStopped } from './lib';

const port = Number(process.env.PORT);
if (!port) throw new Error('lti-app needs PORT');
const base = `http://127.0.0.1:${port}`;
const overrides: Partial<Config> = {
  host: '127.0.0.1',
  port,
  publicUrl: base,
  allowedOrigins: [base],
  logLevel: 'silent',
  seedDemo: false,
  lti: { simulator: false },
  // The ordinary log-in's own limits stay on; only their counts are raised so a bench's volume does not trip them.
  login: { maxPerIp: 1_000_000, maxPerAccount: 1_000_000, windowMs: 60_000, throttleAfter: 1_000_000, throttleDelayMs: 0, throttleMaxDelayMs: 0 },
};
const database: Database = await openDatabase({ kind: 'pglite-memory' });

const app = await buildApp(testConfig(overrides), { database });
const lti = app.fastify.lti;
if (!lti) throw new Error('LTI is off');
await lti.registrations.create(JSON.parse(process.env.BENCH_LTI_PLATFORM!) as Parameters<typeof lti.registrations.create>[0], 'active', null);
const now = app.clock.now();
await createIdentityRepo(app.database.db).insertUser({
  role: 'student',
  email: process.env.BENCH_LOGIN_EMAIL!,
  passwordHash: await hashPassword(process.env.BENCH_LOGIN_PASSWORD!),
  displayName: 'Bench Student',
  createdAt: now,
  passwordChangedAt: now,
});
await lti.keys.ensureKeys();
const url = await app.listen();
serveUntilStopped(url, async () => {
  await app.close();
  await database.close();
});
