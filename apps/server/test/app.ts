import { Writable } from 'node:stream';
import type { StaffRole } from '@tutorline/contracts';
import { type App, type AppOptions, buildApp } from '../src/app';
import { type Config, testConfig } from '../src/config';
import { createIdentityRepo, hashPassword } from '../src/modules/identity';
import type { Clock } from '../src/platform/clock';
import type { Database } from '../src/platform/db';

export interface TestApp {
  app: App;
  baseUrl: string;
  /** Every log line written so far, raw. */
  logs(): string;
  close(): Promise<void>;
}

/** What a test may pass to buildApp besides the database, clock and log stream. */
export type TestAppOptions = Pick<AppOptions, 'channels' | 'pushAgent' | 'manualJobs' | 'whatsappFlow' | 'loginDelay' | 'whatsappLinkCodes' | 'sfu' | 'recommendations'>;

/** Builds and starts the app on a free loopback port against an open database, capturing its logs. */
export async function startTestApp(database: Database, overrides: Partial<Config> = {}, clock?: Clock, options: TestAppOptions = {}): Promise<TestApp> {
  const chunks: string[] = [];
  const logStream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  const config = testConfig({ host: '127.0.0.1', port: 0, logLevel: 'info', ...overrides });
  const app = await buildApp(config, { database, logStream, ...(clock ? { clock } : {}), ...options });
  const address = await app.listen();
  return { app, baseUrl: address, logs: () => chunks.join(''), close: () => app.close() };
}

/** A tiny cookie-keeping HTTP client for tests. */
export class Client {
  cookie = '';
  constructor(readonly baseUrl: string) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const setCookie = res.headers.getSetCookie();
    for (const c of setCookie) {
      const [pair] = c.split(';');
      if (pair?.startsWith('tl_session=')) this.cookie = pair.endsWith('=') ? '' : pair;
    }
    const text = await res.text();
    let json: any = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text, headers: res.headers };
  }
  get = (path: string, headers?: Record<string, string>) => this.request('GET', path, undefined, headers);
  post = (path: string, body?: unknown, headers?: Record<string, string>) => this.request('POST', path, body, headers);
  put = (path: string, body?: unknown) => this.request('PUT', path, body);
  patch = (path: string, body?: unknown) => this.request('PATCH', path, body);

  async logIn(email: string, password: string) {
    const res = await this.post('/api/auth/login', { email, password });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
    return res;
  }
}

/** Log-in limits high enough that a suite's own sign-ups and log-ins never trip them. */
export const relaxedLogin: Config['login'] = { maxPerIp: 10_000, maxPerAccount: 10_000, windowMs: 60_000, throttleAfter: 10_000, throttleDelayMs: 0, throttleMaxDelayMs: 0 };

export const testPassword = 'correct horse battery';

/** Admins cannot sign up; tests insert one directly, as an operator would (stamped `now`: the app's clock when there is one). */
export async function createAdmin(database: Database, password = testPassword, now = new Date(), staffRoles: StaffRole[] = ['admin']) {
  const email = uniqueEmail('admin');
  const user = await createIdentityRepo(database.db).insertUser({ role: 'admin', email, passwordHash: await hashPassword(password), displayName: 'A', staffRoles, createdAt: now, passwordChangedAt: now });
  return { email, password, user };
}

/** A logged-in admin client. */
export async function adminClient(t: TestApp) {
  const admin = await createAdmin(t.app.database, testPassword, t.app.clock.now());
  const client = new Client(t.baseUrl);
  await client.logIn(admin.email, admin.password);
  return { client, ...admin };
}

export const countUsers = (database: Database) => createIdentityRepo(database.db).countUsers();

/** The raw Set-Cookie header that carries the session cookie, if any. */
export function sessionSetCookie(headers: Headers): string | undefined {
  return headers.getSetCookie().find((c) => c.startsWith('tl_session='));
}

let counter = 0;
export const uniqueEmail = (prefix = 'user') => `${prefix}${Date.now().toString(36)}${++counter}@example.test`;

export async function signUpStudent(client: Client, extra: Record<string, unknown> = {}) {
  const email = uniqueEmail('student');
  const res = await client.post('/api/auth/signup', {
    role: 'student',
    email,
    password: testPassword,
    displayName: 'Test Student',
    birthDate: '2000-01-01',
    ...extra,
  });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${res.text}`);
  return { email, user: res.json.user as { id: string } };
}

export async function signUpTutor(client: Client, extra: Record<string, unknown> = {}) {
  const email = uniqueEmail('tutor');
  const res = await client.post('/api/auth/signup', { role: 'tutor', email, password: testPassword, displayName: 'Test Tutor', ...extra });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${res.text}`);
  return { email, user: res.json.user as { id: string } };
}

/** Whether a response body shows the server's internals: stack frames or source paths. */
export function leaksInternals(text: string): boolean {
  return /\n\s+at |\bat \S+ \(\S+:\d+:\d+\)|\/work\/|file:\/\/|node_modules|\.ts:\d+/.test(text);
}

/** A logged-in staff client holding exactly these staff roles (the role matrix uses one per role). */
export async function staffClient(t: TestApp, staffRoles: StaffRole[]) {
  const staff = await createAdmin(t.app.database, testPassword, t.app.clock.now(), staffRoles);
  const client = new Client(t.baseUrl);
  await client.logIn(staff.email, staff.password);
  return { client, ...staff };
}
