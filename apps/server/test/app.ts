import { Writable } from 'node:stream';
import { type App, buildApp } from '../src/app';
import { type Config, testConfig } from '../src/config';
import type { Clock } from '../src/platform/clock';
import type { Database } from '../src/platform/db';

export interface TestApp {
  app: App;
  baseUrl: string;
  /** Every log line written so far, raw. */
  logs(): string;
  close(): Promise<void>;
}

/** Builds and starts the app on a free loopback port against an open database, capturing its logs. */
export async function startTestApp(database: Database, overrides: Partial<Config> = {}, clock?: Clock): Promise<TestApp> {
  const chunks: string[] = [];
  const logStream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  const config = testConfig({ host: '127.0.0.1', port: 0, logLevel: 'info', ...overrides });
  const app = await buildApp(config, { database, logStream, ...(clock ? { clock } : {}) });
  const address = await app.listen();
  return { app, baseUrl: address, logs: () => chunks.join(''), close: () => app.close() };
}

/** A tiny cookie-keeping HTTP client for tests. */
export class Client {
  cookie = '';
  constructor(private readonly baseUrl: string) {}

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
}

let counter = 0;
export const uniqueEmail = (prefix = 'user') => `${prefix}${Date.now().toString(36)}${++counter}@example.test`;

export async function signUpStudent(client: Client, extra: Record<string, unknown> = {}) {
  const email = uniqueEmail('student');
  const res = await client.post('/api/auth/signup', {
    role: 'student',
    email,
    password: 'correct horse battery',
    displayName: 'Test Student',
    birthDate: '2000-01-01',
    ...extra,
  });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${res.text}`);
  return { email, user: res.json.user as { id: string } };
}
