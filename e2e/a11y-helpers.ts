import { AxeBuilder } from '@axe-core/playwright';
import type { Me } from '@tutorline/contracts';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { DEMO_PASSWORD, launchBrowser, type RunningServer, startServer } from './harness';
import { claimedSession } from './room-helpers';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';

/** The smallest phone the app is built for (#21): every page is checked at this width. */
export const smallPhone = { width: 360, height: 780 };

export interface Finding {
  where: string;
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

/** A 360 px context logged in through the log-in form (the harness's logIn is 390 px); resolves on the user's home. */
export async function logInAt360(browser: Browser, baseUrl: string, email: string, password = DEMO_PASSWORD): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: smallPhone, baseURL: baseUrl, serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/(student|tutor|admin|guardian|courses)$/);
  return { context, page };
}

/**
 * Waits until the page has drawn its content: a main heading, and no loading placeholder or busy region left. Pages
 * whose data never arrives are still checked (what is on screen then is what a user gets).
 */
export async function settle(page: Page): Promise<void> {
  await page
    .waitForFunction(() => Boolean(document.querySelector('main h1')) && !document.querySelector('main .page-loading, main [aria-busy="true"]'), undefined, { timeout: 15_000 })
    .catch(() => undefined);
  // Fonts and layout settle before colours are read for contrast.
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
}

/** Runs axe on what the page shows now; returns its serious and critical violations only. */
export async function axeFindings(page: Page, where: string): Promise<Finding[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ where, rule: v.id, impact: v.impact ?? '', help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
}

/** Opens a path, waits for it to settle and checks it. */
export async function checkRoute(page: Page, path: string, who: string): Promise<Finding[]> {
  const started = Date.now();
  await page.goto(path);
  await settle(page);
  const found = await axeFindings(page, `${who} ${path}`);
  console.log(`a11y ${who} ${path}: ${found.length} finding(s), ${Date.now() - started} ms`);
  return found;
}

/** One line per finding, so a failure names every rule and element at once. */
export function describeFindings(findings: Finding[]): string {
  return findings.map((f) => `${f.where}: ${f.rule} (${f.impact}) ${f.help}\n    ${f.targets.join('\n    ')}`).join('\n');
}

/**
 * Whether a request from the browser leaves our origins (issue #20: no analytics, trackers or external fonts). Only
 * network schemes count: data:, blob: and about: never leave the browser. A WebSocket counts as its HTTP origin.
 * STUN and TURN (stun:, turn:) are ICE, not requests, and never reach this; the payment provider's page, when one is
 * visited, is passed in `allowed` like our own origins.
 */
export function leavesOrigin(url: string, allowed: ReadonlySet<string>): boolean {
  const u = new URL(url);
  const http = { 'http:': 'http:', 'https:': 'https:', 'ws:': 'http:', 'wss:': 'https:' }[u.protocol];
  if (!http) return false;
  return !allowed.has(`${http}//${u.host}`);
}

export interface ThirdPartyWatch {
  /** What left our origins since the last call, one line each ("GET https://fonts.example/x"); empties the list. */
  take(): string[];
}

/**
 * Watches every context `browser` makes from now on (and so every page, popup and WebSocket in them) for requests
 * that leave `allowedOrigins`. Wrapping newContext means no context of a test can be opened unwatched.
 */
export function watchThirdParties(browser: Browser, allowedOrigins: string[]): ThirdPartyWatch {
  const allowed = new Set(allowedOrigins.map((o) => new URL(o).origin));
  let seen: string[] = [];
  const check = (what: string, url: string) => {
    if (leavesOrigin(url, allowed)) seen.push(`${what} ${url}`);
  };
  const watchPage = (page: Page) => page.on('websocket', (ws) => check('WebSocket', ws.url()));
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    context.on('request', (request) => check(request.method(), request.url()));
    context.on('page', watchPage);
    return context;
  };
  return {
    take() {
      const taken = seen;
      seen = [];
      return taken;
    },
  };
}

/** An id nothing has: a page for a missing object shows its not-found state, which is checked too. */
export const MISSING = '00000000-0000-4000-8000-000000000000';

const origin = (page: Page) => ({ origin: new URL(page.url()).origin });
const me = async (page: Page) => (await (await page.request.get('/api/me', { headers: origin(page) })).json()) as Me;

export interface A11yWorld {
  server: RunningServer;
  browser: Browser;
  /** The tutor's pages go through it, so a test can cut their connection ("Reconnecting…"). */
  proxy: TcpProxy;
  /** A session between a student and a tutor, both at 360 px: the room and the question have real pages. */
  ctx: Awaited<ReturnType<typeof claimedSession>> & { studentMe: Me; tutorMe: Me; classId: string };
  /** Every context of `browser` is watched; each test's requests that left our origins are checked after it. */
  thirdParties: ThirdPartyWatch;
}

/**
 * The a11y files' one setup (they run side by side, each with its own server): a development server (the WhatsApp
 * simulator carries the guardian's invite, and its page is a route too), Chromium with every context watched for
 * third-party requests, and a claimed session. After each test, anything that left our origins fails it.
 */
export function useA11yWorld(): () => A11yWorld {
  let world: Partial<A11yWorld> = {};
  beforeAll(async () => {
    const proxy = (world.proxy = await startTcpProxy());
    const server = (world.server = await startServer({ NODE_ENV: 'development', WHATSAPP_PROVIDER: 'simulator', BILLING_ENFORCE_ENTITLEMENTS: 'false', ALLOWED_ORIGINS: proxy.baseUrl }));
    proxy.setTarget(Number(new URL(server.baseUrl).port));
    const browser = (world.browser = await launchBrowser());
    world.thirdParties = watchThirdParties(browser, [server.baseUrl, proxy.baseUrl]);
    const session = await claimedSession(browser, server.baseUrl, 'student15@tutorline.test', 'tutor08@tutorline.test', { tutorBaseUrl: proxy.baseUrl });
    await session.student.page.setViewportSize(smallPhone);
    await session.tutor.page.setViewportSize(smallPhone);
    const classes = (await (await session.student.page.request.get('/api/classes', { headers: origin(session.student.page) })).json()) as { classes: { id: string }[] };
    world.ctx = { ...session, studentMe: await me(session.student.page), tutorMe: await me(session.tutor.page), classId: classes.classes[0]?.id ?? MISSING };
  });
  afterEach(() => {
    expect(world.thirdParties?.take() ?? [], 'requests that left our origin (issue #20: no third parties)').toEqual([]);
  });
  afterAll(async () => {
    await world.ctx?.student.context.close();
    await world.ctx?.tutor.context.close();
    await world.browser?.close();
    await world.proxy?.close();
    await world.server?.stop();
    world = {};
  });
  return () => world as A11yWorld;
}

export const expectNoFindings = (findings: Finding[]) => expect(findings, `axe found serious or critical violations:\n${describeFindings(findings)}`).toEqual([]);

/** Checks each path in turn on one page. */
export async function checkAll(page: Page, paths: string[], who: string): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const path of paths) findings.push(...(await checkRoute(page, path, who)));
  return findings;
}
