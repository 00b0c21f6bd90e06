import type { Clock } from '../../platform/clock';
import type { PlatformSim, Tamper } from '../../integrations/lms/simulator';
import { expect } from 'vitest';
import { Client, countUsers, relaxedLogin, startTestApp, type TestApp } from '../../../test/app';
import { freePort } from '../../../test/net';
import type { Database } from '../../platform/db';
import { createDeepLinkRepo } from './lti.deeplink.repo';

/** A clock the test moves forward (the app and the simulator share it). */
export function offsetClock() {
  let offset = 0;
  const clock: Clock & { advance(ms: number): void; reset(): void } = {
    now: () => new Date(Date.now() + offset),
    advance: (ms) => {
      offset += ms;
    },
    reset: () => {
      offset = 0;
    },
  };
  return clock;
}

/** The app on a port known before it starts, so its public URL (our origin, for target_link_uri) is right. */
export async function startLtiApp(database: Database, clock: Clock): Promise<TestApp> {
  const port = await freePort();
  return startTestApp(database, { port, publicUrl: `http://127.0.0.1:${port}`, allowedOrigins: [`http://127.0.0.1:${port}`], login: relaxedLogin, lti: { simulator: true } }, clock);
}

export const simulatorOf = (t: TestApp) => {
  const sim = t.app.fastify.lti?.simulator;
  if (!sim) throw new Error('the LMS simulator is not mounted');
  return sim;
};

const field = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1]?.replace(/&amp;/g, '&').replace(/&quot;/g, '"');
const formAction = (html: string) => /<form method="post" action="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');

export interface LaunchOptions {
  tamper?: Tamper;
  /** Runs after the platform signed the token and before it is posted (move the clock, change the form). */
  beforePost?: (form: Record<string, string>) => void | Promise<void>;
  /** Send no state cookie, or another browser's. */
  cookie?: 'none' | 'other';
  targetLinkUri?: string;
  /** Login as GET (query) instead of the form post Canvas uses. */
  loginMethod?: 'GET' | 'POST';
  loginParams?: (p: Record<string, string>) => Record<string, string>;
  /** On a first launch's choice page: 'new' (default) presses "Continue as a new user"; 'stay' returns the page. */
  account?: 'new' | 'stay';
}

export interface LaunchOutcome {
  status: number;
  location: string | null;
  body: string;
  sessionCookie: string | null;
  form: Record<string, string>;
  stateCookie: string;
  /** The first-launch choice page, when there was one, and its link token. */
  choicePage?: string;
  linkToken?: string;
  /** The cookie that lets the landing pages be framed by the platform (lti.framing.ts), when a session was opened. */
  frameCookie?: string;
  /** The headers of /lti/launch's own answer (framing policy). */
  launchHeaders?: Headers;
}

/**
 * Runs one real OIDC launch through HTTP: the platform's login initiation to /lti/login, our redirect to the
 * simulator's authorization endpoint, and its form_post of the id_token back to /lti/launch.
 */
export async function runLaunch(t: TestApp, platform: PlatformSim, person: string, o: LaunchOptions = {}): Promise<LaunchOutcome> {
  const origin = new URL(t.baseUrl).origin;
  let params = platform.loginParams(origin, person, { ...(o.tamper ? { tamper: o.tamper } : {}), ...(o.targetLinkUri ? { targetLinkUri: o.targetLinkUri } : {}) });
  if (o.loginParams) params = o.loginParams(params);
  const login =
    o.loginMethod === 'GET'
      ? await fetch(`${t.baseUrl}/lti/login?${new URLSearchParams(params).toString()}`, { redirect: 'manual' })
      : await fetch(`${t.baseUrl}/lti/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() });
  if (login.status !== 302) return { status: login.status, location: null, body: await login.text(), sessionCookie: null, form: {}, stateCookie: '' };
  const stateCookie = login.headers.getSetCookie().find((c) => c.startsWith('tl_lti_'))!.split(';')[0]!;
  const auth = await fetch(login.headers.get('location')!, { redirect: 'manual' });
  const html = await auth.text();
  if (auth.status !== 200) throw new Error(`simulator refused the authorization request: ${auth.status} ${html}`);
  const form: Record<string, string> = { id_token: field(html, 'id_token') ?? '', state: field(html, 'state') ?? '' };
  await o.beforePost?.(form);
  const cookie = o.cookie === 'none' ? '' : o.cookie === 'other' ? `${stateCookie.split('=')[0]}=someone-elses-state` : stateCookie;
  const launch = await fetch(formAction(html)!, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'null', ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(Object.entries(form).filter(([, v]) => v !== undefined)).toString(),
  });
  const session = launch.headers.getSetCookie().find((c) => c.startsWith('tl_session='));
  const body = await launch.text();
  const linkToken = launch.status === 200 && body.includes('action="/lti/link/new"') ? field(body, 'token') : undefined;
  if (linkToken && o.account !== 'stay') {
    // A first launch asks "new or existing account?": the default is a new one, as a person pressing Continue.
    const made = await fetch(`${t.baseUrl}/lti/link/new`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'null' }, body: new URLSearchParams({ token: linkToken }).toString() });
    const madeSession = made.headers.getSetCookie().find((c) => c.startsWith('tl_session='));
    return { status: made.status, location: made.headers.get('location'), body: await made.text(), sessionCookie: madeSession ? madeSession.split(';')[0]! : null, form, stateCookie, choicePage: body, linkToken, launchHeaders: launch.headers, ...frameCookieOf(made.headers) };
  }
  return { status: launch.status, location: launch.headers.get('location'), body, sessionCookie: session ? session.split(';')[0]! : null, form, stateCookie, launchHeaders: launch.headers, ...frameCookieOf(launch.headers), ...(linkToken ? { choicePage: body, linkToken } : {}) };
}

function frameCookieOf(headers: Headers): { frameCookie?: string } {
  const c = headers.getSetCookie().find((x) => x.startsWith('tl_lti_frame='));
  return c ? { frameCookie: c.split(';')[0]! } : {};
}

/** Rows that a refused launch must not create. */
export async function ltiCounts(t: TestApp) {
  const repo = t.app.fastify.lti!.repo;
  const rows = await repo.countRows();
  const placed = await createDeepLinkRepo(t.app.database.db).countDeepLinkRows();
  return { ...rows, ...placed, accounts: await countUsers(t.app.database) };
}

/**
 * A fresh course on its own simulated Moodle platform, registered by `admin`: `as(person)` launches someone into it and
 * gives their logged-in client, id and the course id; the teacher has launched already. `slug` keeps each call's
 * platform apart (issuer, client id and deployment id).
 */
export async function launchCourse(t: TestApp, admin: Client, slug: string) {
  const p = await simulatorOf(t).add({ slug, dialect: 'moodle', clientId: `${slug}-client`, deploymentId: `${slug}-dep` });
  expect((await admin.post('/api/admin/lti/registrations', p.registrationBody())).status).toBe(201);
  const as = async (person: string) => {
    const res = await runLaunch(t, p, person);
    expect(res.status, res.body).toBe(302);
    const client = new Client(t.baseUrl);
    client.cookie = res.sessionCookie!;
    return { client, id: (await client.get('/api/me')).json.id as string, courseId: res.location!.split('/').pop()! };
  };
  const teacher = await as('teacher-1');
  return { p, teacher: teacher.client, courseId: teacher.courseId, as };
}
