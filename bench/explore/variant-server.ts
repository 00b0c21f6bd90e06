/**
 * Stripped-down servers for finding where GET /api/me spends its time (used by explore/http-variants.ts).
 * Each is a bare Fastify 5 (logging off) with one route, GET /v, that does part of what the real route does.
 * At start it creates a student and a session directly through the identity repo and prints
 * `COOKIE tl_session=<token>`, then `LISTENING <url>`.
 *
 *   VARIANT=select1          pg: a named `select 1` per request (the database round trip alone)
 *   VARIANT=db-select1       Drizzle's db.execute(sql`select 1`) on either database (PGlite's floor)
 *   VARIANT=raw-session      pg: the session ⋈ user lookup, same SQL text as the app's, pg's default row parsing
 *   VARIANT=raw-session-lean pg: the same lookup selecting only the columns /api/me and the auth checks need
 *   VARIANT=drizzle          Drizzle's prepared session lookup (the app's repo) + toMe, no response schema
 *   VARIANT=drizzle-zod      the same + the zod response schema through fastify-type-provider-zod (as the app)
 *   VARIANT=cached           the app's repo behind an in-process cache of sessions (10 s TTL) + toMe + zod
 * No database, the /bare body, plus one piece of the app's per-request stack:
 *   VARIANT=stack-headers    the eleven headers @fastify/helmet sent, from a constant object in one onRequest hook
 *                            (helmet itself measured +24 µs a request here and was replaced: docs/decisions/006)
 *   VARIANT=stack-logger     the app's pino logger at level silent as Fastify's loggerInstance (a child logger per request)
 *   VARIANT=stack-metrics    the app's prom-client request-duration histogram, observed onResponse
 *   VARIANT=stack-reqid      genReqId = randomUUID and an x-request-id response header
 *   VARIANT=stack-cookie     @fastify/cookie (parses the Cookie header on every request)
 *   BENCH_DB=postgres|pglite-memory, BENCH_DATABASE_URL, BENCH_DB_POOL_MAX (10)
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import { meSchema } from '@tutorline/contracts';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { and, eq, fillPlaceholders, gt, isNull, sql } from 'drizzle-orm';
import pg from 'pg';
import { type Database, openDatabase } from '../../apps/server/src/platform/db';
import { schema } from '../../apps/server/test/schema';
import { createIdentityRepo } from '../../apps/server/src/modules/identity';
import { toMe } from '../../apps/server/src/modules/identity/identity.service';
import { createLogger } from '../../apps/server/src/platform/logger';
import { createMetrics } from '../../apps/server/src/platform/metrics';
import { serveUntilStopped } from '../lib';

const variant = process.env.VARIANT ?? 'drizzle';
const kind = process.env.BENCH_DB ?? 'postgres';
const poolMax = Number(process.env.BENCH_DB_POOL_MAX ?? 10);
const url = process.env.BENCH_DATABASE_URL;

const bareBody = () => ({ id: '0b6f1f2e-6a55-4d8a-9a57-3f7c1d2e4b10', role: 'student', email: 'student@example.test', displayName: 'Test Student' });
if (variant.startsWith('stack-')) {
  const app = Fastify(
    variant === 'stack-logger'
      ? { loggerInstance: createLogger('silent') as FastifyBaseLogger }
      : variant === 'stack-reqid'
        ? { logger: false, genReqId: () => randomUUID() }
        : { logger: false },
  );
  if (variant === 'stack-headers') {
    const headers = {
      'content-security-policy':
        "default-src 'self';base-uri 'self';font-src 'self';form-action 'self';frame-ancestors 'none';img-src 'self' data: blob:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' 'unsafe-inline';media-src 'self' blob:;connect-src 'self'",
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'origin-agent-cluster': '?1',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'x-dns-prefetch-control': 'off',
      'x-download-options': 'noopen',
      'x-frame-options': 'SAMEORIGIN',
      'x-permitted-cross-domain-policies': 'none',
      'x-xss-protection': '0',
    };
    app.addHook('onRequest', (_request, reply, done) => {
      reply.headers(headers);
      done();
    });
  } else if (variant === 'stack-metrics') {
    const metrics = createMetrics();
    app.addHook('onResponse', async (request, reply) => {
      metrics.httpDuration.observe(
        { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    });
  } else if (variant === 'stack-reqid') {
    app.addHook('onRequest', async (request, reply) => {
      reply.header('x-request-id', request.id);
    });
  } else if (variant === 'stack-cookie') {
    await app.register(fastifyCookie);
  } else if (variant !== 'stack-logger') {
    throw new Error(`unknown VARIANT "${variant}"`);
  }
  app.get('/v', async () => bareBody());
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  process.stdout.write('COOKIE tl_session=none\n');
  serveUntilStopped(address, () => app.close());
  await new Promise(() => {}); // serve until stopped; the database variants below are not for this process
}

const database: Database =
  kind === 'postgres'
    ? await openDatabase({ kind: 'postgres', url: url ?? '', poolMax })
    : await openDatabase({ kind: 'pglite-memory' });
const repo = createIdentityRepo(database.db);

// A student and a session, straight through the repo.
const token = randomBytes(32).toString('base64url');
const hashToken = (t: string) => createHash('sha256').update(t).digest('base64url');
const user = await repo.insertUser({
  role: 'student',
  email: `bench${Date.now().toString(36)}@example.test`,
  passwordHash: 'not-a-real-hash',
  displayName: 'Bench Student',
  timeZone: 'UTC',
  birthDate: '2000-01-01',
  createdAt: new Date(),
  passwordChangedAt: new Date(),
});
await repo.insertSession({ tokenHash: hashToken(token), userId: user.id, createdAt: new Date(), expiresAt: new Date(Date.now() + 86_400_000), userAgent: 'bench' });

const cookieToken = (header: string | undefined) => {
  const m = /(?:^|;\s*)tl_session=([^;]+)/.exec(header ?? '');
  return m?.[1];
};

// The app's session query, as SQL text, for the raw pg variants.
const { users, authSessions } = schema;
const where = and(
  eq(authSessions.tokenHash, sql.placeholder('tokenHash')),
  isNull(authSessions.revokedAt),
  gt(authSessions.expiresAt, sql.placeholder('now')),
  eq(users.disabled, false),
);
const fullQuery = database.db
  .select({ session: authSessions, user: users })
  .from(authSessions)
  .innerJoin(users, eq(users.id, authSessions.userId))
  .where(where)
  .limit(1)
  .toSQL();
const leanQuery = database.db
  .select({
    sessionId: authSessions.id,
    id: users.id,
    role: users.role,
    email: users.email,
    displayName: users.displayName,
    phone: users.phone,
    timeZone: users.timeZone,
    createdAt: users.createdAt,
    birthDate: users.birthDate,
    guardianContact: users.guardianContact,
    guardianConsentAt: users.guardianConsentAt,
  })
  .from(authSessions)
  .innerJoin(users, eq(users.id, authSessions.userId))
  .where(where)
  .limit(1)
  .toSQL();

let pool: pg.Pool | undefined;
const rawPool = () => {
  if (kind !== 'postgres') throw new Error(`VARIANT=${variant} needs BENCH_DB=postgres`);
  pool ??= new pg.Pool({ connectionString: url, max: poolMax });
  return pool;
};

const app = Fastify({ logger: false });
app.setValidatorCompiler(validatorCompiler);
app.setSerializerCompiler(serializerCompiler);
const unauthorized = { error: { code: 'unauthenticated', message: 'Log in first.' } };

switch (variant) {
  case 'select1': {
    const p = rawPool();
    app.get('/v', async () => {
      await p.query({ name: 'select1', text: 'select 1' });
      return { id: user.id, role: 'student', email: user.email, displayName: user.displayName };
    });
    break;
  }
  case 'db-select1': {
    app.get('/v', async () => {
      await database.db.execute(sql`select 1`);
      return bareBody();
    });
    break;
  }
  case 'raw-session':
  case 'raw-session-lean': {
    const p = rawPool();
    const { sql: text, params } = variant === 'raw-session' ? fullQuery : leanQuery;
    app.get('/v', async (request, reply) => {
      const t = cookieToken(request.headers.cookie);
      if (!t) return reply.status(401).send(unauthorized);
      const { rows } = await p.query({ name: variant, text, values: fillPlaceholders(params, { tokenHash: hashToken(t), now: new Date().toISOString() }) });
      if (!rows.length) return reply.status(401).send(unauthorized);
      const r = rows[0] as Record<string, unknown>;
      return { id: r.id, role: r.role, email: r.email, displayName: r.display_name ?? r.displayName };
    });
    break;
  }
  case 'drizzle':
  case 'drizzle-zod':
  case 'cached': {
    const cache = new Map<string, { at: number; row: Awaited<ReturnType<typeof repo.findSessionByTokenHash>> }>();
    const lookup = async (hash: string) => {
      if (variant !== 'cached') return repo.findSessionByTokenHash(hash, new Date());
      const hit = cache.get(hash);
      const now = Date.now();
      if (hit && now - hit.at < 10_000 && hit.row && hit.row.session.expiresAt.getTime() > now) return hit.row;
      const row = await repo.findSessionByTokenHash(hash, new Date());
      cache.set(hash, { at: now, row });
      return row;
    };
    const handler = async (request: { headers: { cookie?: string | undefined } }, reply: { status(n: number): { send(b: unknown): unknown } }) => {
      const t = cookieToken(request.headers.cookie);
      const row = t ? await lookup(hashToken(t)) : undefined;
      if (!row) return reply.status(401).send(unauthorized);
      return toMe(row.user, new Date());
    };
    if (variant === 'drizzle') app.get('/v', handler);
    else app.withTypeProvider<ZodTypeProvider>().get('/v', { schema: { response: { 200: meSchema } } }, handler as never);
    break;
  }
  default:
    throw new Error(`unknown VARIANT "${variant}"`);
}

const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`COOKIE tl_session=${token}\n`);
serveUntilStopped(address, async () => {
  await app.close();
  await pool?.end();
  await database.close();
});
