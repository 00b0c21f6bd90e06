#!/usr/bin/env node
/**
 * Proves a stylesheet change shows users nothing new (#14, splitting styles.css): renders a fixed set of pages with two
 * builds of the web app, A and B, against ONE running server (so both see the same data), at 360×800 and 1280×800 in
 * headless Chromium, and compares them pixel by pixel (pixelmatch, threshold 0) and element by element (every computed
 * style of every element and of its ::before/::after). Exits 1 on any difference.
 *
 *   npm run build && node --import tsx scripts/css-screens.ts --ref <commit before the change>
 *     (A = that commit's apps/web, built under .css-screens/ from git archive; B = apps/web/dist)
 *   node --import tsx scripts/css-screens.ts --a path/to/dist --b path/to/dist [--only landing,room]
 *
 * Both builds are served by intercepting the browser's requests: the document and the static files come from the
 * build under test, everything else (/api, /socket.io, /dev) from the server. Time is fixed for every capture (the
 * server's clock through CLOCK_CONTROL, the browser's through Playwright's clock), animations and the caret are off,
 * and what moves by itself is masked (<video>: the fake camera; the call's timer). The screenshots and the diffs of any page that differs go
 * to test-results/css-screens/ (not committed).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pixelmatch from 'pixelmatch';
import type { BrowserContext, Page, Route } from 'playwright-core';
import { PNG } from 'pngjs';
import { DEMO_PASSWORD, launchBrowser, root, startServer } from '../e2e/harness';
import { claimedSession, goOnline } from '../e2e/room-helpers';

const { values: args } = parseArgs({ options: { a: { type: 'string' }, b: { type: 'string' }, ref: { type: 'string' }, out: { type: 'string' }, only: { type: 'string' } } });
const outDir = path.resolve(args.out ?? path.join(root, 'test-results/css-screens'));
const viewports = [
  { width: 360, height: 800 },
  { width: 1280, height: 800 },
];

/** Builds `ref`'s apps/web (git archive, so the working tree is untouched) and returns its dist folder. */
function buildRef(ref: string): string {
  const dir = path.join(root, '.css-screens', ref.replace(/[^\w.-]/g, '_'));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const tar = execFileSync('git', ['archive', '--format=tar', ref, 'apps/web', 'packages/contracts', 'tsconfig.base.json'], { cwd: root, maxBuffer: 1 << 30 });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  // apps/web keeps its own React (Excalidraw's is hoisted to the root); the ref's contracts; the rest from the root.
  fs.symlinkSync(path.join(root, 'apps/web/node_modules'), path.join(dir, 'apps/web/node_modules'));
  fs.mkdirSync(path.join(dir, 'node_modules/@tutorline'), { recursive: true });
  fs.symlinkSync(path.join(dir, 'packages/contracts'), path.join(dir, 'node_modules/@tutorline/contracts'));
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: path.join(dir, 'apps/web'), stdio: 'inherit' });
  return path.join(dir, 'apps/web/dist');
}

const distA = path.resolve(args.ref ? buildRef(args.ref) : (args.a ?? raise('--a <dist> or --ref <git ref> is required')));
const distB = path.resolve(args.b ?? path.join(root, 'apps/web/dist'));
for (const d of [distA, distB]) if (!fs.existsSync(path.join(d, 'index.html'))) raise(`${d} has no index.html: build it first`);

const types: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.map': 'application/json',
};

/** Which build the browser is served; switched between captures. */
let served = distA;

async function serveBuild(route: Route) {
  const url = new URL(route.request().url());
  if (/^\/(api|socket\.io|dev|healthz|readyz|metrics)(\/|$)/.test(url.pathname) && !url.pathname.startsWith('/dev/whatsapp')) return route.continue();
  const file = path.join(served, decodeURIComponent(url.pathname));
  if (file.startsWith(served + path.sep) && fs.existsSync(file) && fs.statSync(file).isFile()) {
    return route.fulfill({ status: 200, contentType: types[path.extname(file)] ?? 'application/octet-stream', body: fs.readFileSync(file) });
  }
  if (route.request().resourceType() === 'document') {
    // The server's own answer (its headers: CSP and the rest), with the build under test's index.html.
    const response = await route.fetch();
    return route.fulfill({ response, body: fs.readFileSync(path.join(served, 'index.html'), 'utf8') });
  }
  return route.continue();
}

interface PageSpec {
  name: string;
  who: 'anon' | 'student' | 'tutor' | 'admin' | 'roomStudent';
  path: string | (() => string);
  /** Waited for after load. */
  ready: string;
  /** Run after load, before the capture (open a panel, a dialog…). */
  act?: (page: Page) => Promise<void>;
}

const ids = { tutorId: '', questionId: '', sessionId: '', roomQuestionId: '' };
const pages: PageSpec[] = [
  { name: 'landing', who: 'anon', path: '/', ready: '.landing' },
  { name: 'login', who: 'anon', path: '/login', ready: 'form' },
  { name: 'signup', who: 'anon', path: '/signup', ready: 'form' },
  { name: 'check', who: 'anon', path: '/check', ready: '[data-testid="check-page"]' },
  { name: 'not-found', who: 'anon', path: '/no-such-page', ready: '[data-testid="not-found"]' },
  { name: 'student-home', who: 'student', path: '/student', ready: '[data-testid="student-home"]' },
  { name: 'student-ask', who: 'student', path: '/student/ask', ready: '[data-testid="ask-page"]' },
  { name: 'student-question', who: 'student', path: () => `/student/questions/${ids.questionId}`, ready: '[data-testid="question-page"]' },
  {
    name: 'student-question-photo',
    who: 'student',
    path: () => `/student/questions/${ids.questionId}`,
    ready: '[data-testid="question-page"] .thumb',
    act: async (page) => {
      await page.locator('.thumb').first().click();
      await page.locator('.photo-viewer[open] img').waitFor();
      await page.locator('.photo-viewer[open] img').evaluate((img: HTMLImageElement) => img.decode());
    },
  },
  { name: 'find-tutors', who: 'student', path: '/tutors', ready: '[data-testid="find-tutors"] .tutor-card' },
  { name: 'tutor-profile', who: 'student', path: () => `/tutors/${ids.tutorId}`, ready: '[data-testid="tutor-profile"] .slot' },
  { name: 'my-lessons', who: 'student', path: '/lessons', ready: '[data-testid="my-lessons"] .lesson' },
  { name: 'tutor-lessons', who: 'tutor', path: '/lessons', ready: '[data-testid="my-lessons"] .lesson' },
  { name: 'billing', who: 'student', path: '/billing', ready: '[data-testid="billing-page"]' },
  { name: 'tutor-home', who: 'tutor', path: '/tutor', ready: '[data-testid="tutor-feed"] [data-testid="feed-item"]' },
  {
    name: 'tutor-home-bell',
    who: 'tutor',
    path: '/tutor',
    ready: '[data-testid="tutor-feed"] [data-testid="feed-item"]',
    act: async (page) => {
      await page.locator('.bell-button').click();
      await page.locator('.bell-panel').waitFor();
    },
  },
  { name: 'tutor-availability', who: 'tutor', path: '/tutor/availability', ready: '[data-testid="tutor-availability"] form' },
  { name: 'tutor-earnings', who: 'tutor', path: '/tutor/earnings', ready: '[data-testid="tutor-earnings"]' },
  { name: 'admin-home', who: 'admin', path: '/admin', ready: '[data-testid="admin-home"] .tutor-row' },
  { name: 'admin-billing', who: 'admin', path: '/admin/billing', ready: '[data-testid="admin-billing"]' },
  // The student skips the pre-join screen (the harness's context already granted the fake camera): the call, board and chat.
  { name: 'question-claimed', who: 'roomStudent', path: () => `/student/questions/${ids.roomQuestionId}`, ready: '[data-testid="outcome"]' },
  { name: 'room', who: 'roomStudent', path: () => `/session/${ids.sessionId}`, ready: '[data-testid="room"] .excalidraw canvas' },
];

interface Capture {
  png: Buffer;
  styles: ElementStyles[];
  classes: string[];
}
interface ElementStyles {
  key: string;
  styles: Record<string, string>;
}

/** Every element's computed style (and its ::before/::after), keyed by its position and classes. */
function readStyles(): { styles: ElementStyles[]; classes: string[] } {
  // Animations stopped as the screenshot had them: finite ones at their end, endless ones at their start.
  for (const animation of document.getAnimations()) {
    try {
      animation.finish();
    } catch {
      animation.cancel();
    }
  }
  const out: ElementStyles[] = [];
  const classes = new Set<string>();
  const read = (el: Element, pseudo: string | null) => {
    const cs = getComputedStyle(el, pseudo);
    const styles: Record<string, string> = {};
    for (let i = 0; i < cs.length; i++) {
      const p = cs[i]!;
      styles[p] = cs.getPropertyValue(p);
    }
    return styles;
  };
  const all = [document.documentElement, ...Array.from(document.body.querySelectorAll('*'))];
  all.forEach((el, i) => {
    const cls = el.getAttribute('class') ?? '';
    if (cls.trim()) classes.add(cls.trim().split(/\s+/).sort().join(' '));
    const key = `${i}:${el.tagName.toLowerCase()}${cls ? `.${cls.trim().split(/\s+/).join('.')}` : ''}`;
    out.push({ key, styles: read(el, null) });
    for (const pseudo of ['::before', '::after']) {
      const content = getComputedStyle(el, pseudo).content;
      if (content && content !== 'none' && content !== 'normal') out.push({ key: key + pseudo, styles: read(el, pseudo) });
    }
  });
  return { styles: out, classes: [...classes] };
}

async function fixTime(baseUrl: string, at: number) {
  const res = await fetch(`${baseUrl}/dev/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ at: new Date(at).toISOString() }) });
  if (res.status !== 200) raise(`/dev/clock answered ${res.status}`);
}

const debug = process.env.CSS_SCREENS_DEBUG ? (...a: unknown[]) => console.log(`  ${(performance.now() / 1000).toFixed(1)}s`, ...a) : () => undefined;

async function capture(page: Page, spec: PageSpec, baseUrl: string, at: number): Promise<Capture> {
  await fixTime(baseUrl, at);
  debug('goto', spec.name);
  await page.goto(typeof spec.path === 'string' ? spec.path : spec.path());
  await page.locator(spec.ready).first().waitFor({ timeout: 30_000 });
  debug('ready');
  if (spec.act) await spec.act(page);
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  debug('fonts');
  // Nothing still loading (a lazy chunk, a query).
  await page
    .waitForFunction(() => !Array.from(document.querySelectorAll('.page-loading, .board-loading')).some((e) => e.checkVisibility()), undefined, { timeout: 30_000 })
    .catch(() => undefined);
  const shoot = () => page.screenshot({ fullPage: true, animations: 'disabled', caret: 'hide', mask: [page.locator('video, .call-timer')], maskColor: '#ff00ff' });
  // Until two screenshots in a row agree (images decoding, a late query).
  debug('loaded');
  let png = await shoot();
  for (let i = 0; i < 6; i++) {
    await page.waitForTimeout(250);
    const again = await shoot();
    debug('shot', i);
    if (again.equals(png)) break;
    png = again;
  }
  // As source text: tsx names functions with a __name helper that the page does not have.
  const { styles, classes } = (await page.evaluate(`(() => { const __name = (f) => f; return (${readStyles.toString()})(); })()`)) as ReturnType<typeof readStyles>;
  return { png, styles, classes };
}

/** A capture that could not be made: its screenshot goes to the output folder, and the run fails. */
async function failed(page: Page, label: string, error: unknown): Promise<undefined> {
  console.error(`${label}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  await page.screenshot({ path: path.join(outDir, `${label}-failed.png`), fullPage: true }).catch(() => undefined);
  return undefined;
}

function pixelDiff(a: Buffer, b: Buffer): { pixels: number; diff?: PNG; note?: string } {
  const pa = PNG.sync.read(a);
  const pb = PNG.sync.read(b);
  if (pa.width !== pb.width || pa.height !== pb.height) {
    return { pixels: Math.max(pa.width * pa.height, pb.width * pb.height), note: `size ${pa.width}×${pa.height} vs ${pb.width}×${pb.height}` };
  }
  const diff = new PNG({ width: pa.width, height: pa.height });
  const pixels = pixelmatch(pa.data, pb.data, diff.data, pa.width, pa.height, { threshold: 0 });
  return { pixels, diff };
}

function styleDiff(a: ElementStyles[], b: ElementStyles[]): string[] {
  const out: string[] = [];
  if (a.length !== b.length) out.push(`element count ${a.length} vs ${b.length}`);
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const ea = a[i]!;
    const eb = b[i]!;
    if (ea.key !== eb.key) {
      out.push(`element ${i}: ${ea.key} vs ${eb.key}`);
      continue;
    }
    for (const p of new Set([...Object.keys(ea.styles), ...Object.keys(eb.styles)])) {
      // A custom property only B declares is a new token (styles/tokens.css): what reads it is compared by value.
      if (p.startsWith('--') && ea.styles[p] === undefined) continue;
      if (ea.styles[p] !== eb.styles[p]) out.push(`${ea.key} ${p}: ${ea.styles[p]} → ${eb.styles[p]}`);
    }
  }
  return out;
}

async function logIn(context: BrowserContext, email: string) {
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/(student|tutor|admin)$/);
  return page;
}

async function main() {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  console.log(`A: ${path.relative(root, distA) || distA}\nB: ${path.relative(root, distB) || distB}`);
  const server = await startServer({ NODE_ENV: 'test', SEED_DEMO: 'true', CLOCK_CONTROL: 'true', BILLING_PROVIDER: 'fake', WEB_DIST: distA });
  const browser = await launchBrowser();
  const baseUrl = server.baseUrl;
  try {
    // The data every page shows: tutor08 online with an open question in its feed (student05's), and a claimed
    // question's session (student06 with tutor16) for the room. Made with the A build served.
    const { sessionId, questionId: roomQuestionId, student: roomStudent, tutor: roomTutor } = await claimedSession(browser, baseUrl, 'student06@tutorline.test', 'tutor16@tutorline.test');
    ids.sessionId = sessionId;
    ids.roomQuestionId = roomQuestionId;
    const contexts: Record<PageSpec['who'], BrowserContext> = {
      anon: await browser.newContext({ baseURL: baseUrl, locale: 'en-GB', timezoneId: 'Asia/Kolkata' }),
      student: await browser.newContext({ baseURL: baseUrl, locale: 'en-GB', timezoneId: 'Asia/Kolkata' }),
      tutor: await browser.newContext({ baseURL: baseUrl, locale: 'en-GB', timezoneId: 'Asia/Kolkata' }),
      admin: await browser.newContext({ baseURL: baseUrl, locale: 'en-GB', timezoneId: 'Asia/Kolkata' }),
      roomStudent: roomStudent.context,
    };
    for (const c of Object.values(contexts)) await c.route('**/*', serveBuild);
    await roomTutor.context.close();

    const tutorPage = await logIn(contexts.tutor, 'tutor08@tutorline.test');
    await goOnline(tutorPage);
    ids.tutorId = ((await (await tutorPage.request.get('/api/me', { headers: { origin: baseUrl } })).json()) as { id: string }).id;
    const studentPage = await logIn(contexts.student, 'student05@tutorline.test');
    const photo = (await studentPage.request.post('/api/help/photos', {
      headers: { origin: baseUrl },
      multipart: { file: { name: 'question.png', mimeType: 'image/png', buffer: questionPhoto() } },
    }).then((r) => r.json())) as { photoId: string };
    const asked = (await studentPage.request
      .post('/api/help/questions', { headers: { origin: baseUrl }, data: { requestId: crypto.randomUUID(), subjectId: 'maths', level: 'grade-9-10', text: 'How do I solve 3x − 4 = 11?', photoIds: [photo.photoId] } })
      .then((r) => r.json())) as { id: string };
    ids.questionId = asked.id;
    await tutorPage.locator(`[data-testid="feed-item"][data-question-id="${ids.questionId}"]`).waitFor({ timeout: 20_000 });
    // A lesson with tutor08, booked and paid on the fake provider's page: lesson cards, the tutor's notice, a payment.
    await studentPage.goto(`/tutors/${ids.tutorId}`);
    await studentPage.locator('.slot').first().click();
    await studentPage.getByTestId('book-box').getByRole('button', { name: /^Book / }).click();
    await studentPage.getByTestId('booking-held').getByRole('button', { name: /^Pay / }).click();
    await studentPage.waitForURL(/\/dev\/fake-pay\//);
    await studentPage.getByRole('button', { name: 'Pay successfully' }).click();
    await studentPage.getByRole('link', { name: 'Back to Tutorline' }).click();
    await studentPage.getByTestId('payment-confirmed').waitFor({ timeout: 30_000 });
    await logIn(contexts.admin, 'admin@tutorline.test');

    // From here on every capture happens at this instant, on both clocks.
    const at = Math.floor(Date.now() / 60_000) * 60_000 + 60_000;
    for (const c of Object.values(contexts)) await c.clock.setFixedTime(at);

    const results: { page: string; viewport: string; pixels: number; styles: number; note?: string }[] = [];
    const allClasses = new Set<string>();
    const selected = args.only ? pages.filter((p) => args.only!.split(',').includes(p.name)) : pages;
    for (const spec of selected) {
      const page = await contexts[spec.who].newPage();
      for (const vp of viewports) {
        await page.setViewportSize(vp);
        const label = `${spec.name}-${vp.width}x${vp.height}`;
        const started = performance.now();
        served = distA;
        const a = await capture(page, spec, baseUrl, at).catch((e: unknown) => failed(page, `${label}-a`, e));
        served = distB;
        const b = await capture(page, spec, baseUrl, at).catch((e: unknown) => failed(page, `${label}-b`, e));
        if (!a || !b) {
          results.push({ page: spec.name, viewport: `${vp.width}×${vp.height}`, pixels: -1, styles: -1, note: 'capture failed' });
          continue;
        }
        for (const c of [...a.classes, ...b.classes]) allClasses.add(c);
        const px = pixelDiff(a.png, b.png);
        const st = styleDiff(a.styles, b.styles);
        results.push({ page: spec.name, viewport: `${vp.width}×${vp.height}`, pixels: px.pixels, styles: st.length, ...(px.note ? { note: px.note } : {}) });
        fs.writeFileSync(path.join(outDir, `${label}-a.png`), a.png);
        if (px.pixels || st.length) {
          fs.writeFileSync(path.join(outDir, `${label}-b.png`), b.png);
          if (px.diff) fs.writeFileSync(path.join(outDir, `${label}-diff.png`), PNG.sync.write(px.diff));
          fs.writeFileSync(path.join(outDir, `${label}-styles.txt`), st.join('\n'));
        }
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        console.log(`${label.padEnd(36)} ${String(px.pixels).padStart(8)} pixels differ, ${st.length} computed styles differ${px.note ? ` (${px.note})` : ''} [${seconds} s]`);
      }
      await page.close();
    }
    fs.writeFileSync(path.join(outDir, 'classes.json'), JSON.stringify([...allClasses].sort(), null, 1));
    fs.writeFileSync(path.join(outDir, 'results.json'), JSON.stringify(results, null, 1));
    const differing = results.filter((r) => r.pixels !== 0 || r.styles !== 0);
    console.log(`\n${results.length} captures (${selected.length} pages × ${viewports.length} viewports): ${differing.length} differ.`);
    for (const c of Object.values(contexts)) await c.close();
    process.exitCode = differing.length ? 1 : 0;
  } finally {
    await browser.close();
    await server.stop();
  }
}

/** A question photo (a 2×2 grid of flat colours): the same bytes every run. */
function questionPhoto(): Buffer {
  const png = new PNG({ width: 400, height: 300 });
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      const i = (y * png.width + x) * 4;
      const light = (x < 200) === (y < 150);
      png.data[i] = light ? 244 : 60;
      png.data[i + 1] = light ? 241 : 70;
      png.data[i + 2] = light ? 232 : 200;
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

function raise(message: string): never {
  throw new Error(message);
}

await main();
