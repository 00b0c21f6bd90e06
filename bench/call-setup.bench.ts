/**
 * Call setup (issue #4): from both participants opening the room to the first decoded remote video frame, as a ratio
 * to a bare two-peer call over a raw `ws` relay in the same browser and the same run. Lower is better; target ≤ 1.5.
 *
 * Ours: the real server (apps/server/src/main.ts, NODE_ENV=test with demo data and payments off, PGlite in a temp DATA_DIR, or
 * PostgreSQL with BENCH_CALL_DB=postgres) serving a snapshot of apps/web/dist (built first when missing). Each round
 * the demo student asks a maths question with a photo and the demo tutor accepts it, through the real API; the round
 * ends the session afterwards (POST /api/sessions/:id/end) so the tutor is free for the next one.
 * Baseline: bench/call-baseline (a static page and a raw ws relay in one process): getUserMedia with the app's
 * constraints, RTCPeerConnection without ICE servers, offer/answer and trickle ICE over the relay.
 *
 * One Chromium (e2e/harness.ts flags, fake camera and microphone), four contexts kept for the whole run: the student
 * and the tutor (logged in by cookie; their home page was loaded once, so the app's entry files are in the HTTP cache,
 * as for a user who opens the room from the app) and two for the baseline. Each round opens a fresh page in each of
 * the two contexts and navigates both at the same moment (Node's Date.now() just before the two page.goto calls);
 * the round ends when the LATER of the two pages has decoded its first remote video frame. bench/call-setup/
 * instrument.js, injected into every page of both, records that instant in the page with Date.now() (same wall
 * clock as Node): a getStats() loop every ~10 ms from the remote video track's arrival until inbound-rtp video
 * framesDecoded > 0. It also timestamps what the pages do (see the breakdown) without changing app code.
 *
 * Rounds: one warm-up of each (its figures are printed, not counted: the first room opened in this browser loads the
 * room's code cold), then BENCH_ROUNDS (7) of each, alternating ours / baseline. Headline: median(ours) /
 * median(baseline); also the median of per-round ratios and p90s.
 *
 * Knobs: BENCH_ROUNDS (7), BENCH_FRAME_TIMEOUT_S (20), BENCH_CALL_DB=postgres (a fresh database next to DATABASE_URL,
 * default postgres://postgres@127.0.0.1:5432/postgres, dropped afterwards), BENCH_TIMEOUT_S (600).
 * Exploration only (not the benchmark figure; written to bench/results/call-setup-explore.json):
 * BENCH_PROFILE=1 prints, per in-app round, the top self-time entries of each room page's CPU profile (CDP Profiler)
 * from opening the room to its first frame.
 * BENCH_CALL_BLOCK=<url patterns, comma-separated, * wildcards> blocks the app's requests that match (CDP
 * Network.setBlockedURLs, the HTTP cache stays on), e.g. '*board-canvas*' to see the room without the board's code.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import sharp from 'sharp';
import { chromiumArgs, chromiumPath, phone } from '../e2e/harness';
import { benchDir, envNumber, freePort, liveChildren, machineInfo, median, onCleanup, percentile, processCpuMs, ratio, repoRoot, report, round, runBench, startChildServer } from './lib';

const NAME = 'call-setup';
const TARGET = 1.5;
const STUDENT = 'student02@tutorline.test';
const TUTOR = 'tutor08@tutorline.test'; // teaches maths grade 9–10 in the demo data
const PASSWORD = 'tutorline-demo';
const instrumentPath = path.join(benchDir, 'call-setup/instrument.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- the app

function ensureWebBuild() {
  const dist = path.join(repoRoot, 'apps/web/dist');
  if (fs.existsSync(path.join(dist, 'index.html'))) return Promise.resolve(dist);
  console.log('apps/web/dist is missing: building it (npm run build -w @tutorline/web)…');
  return new Promise<string>((resolve, reject) => {
    const child = spawn('npm', ['run', 'build', '-w', '@tutorline/web'], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
    liveChildren.add(child);
    child.once('exit', (code) => {
      liveChildren.delete(child);
      if (code === 0) resolve(dist);
      else reject(new Error(`the web build failed (exit code ${code})`));
    });
  });
}

/** A private copy of the built app (source maps left out), so a rebuild during the run cannot change what is served. */
function snapshotDist(dist: string): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-bench-web-'));
  onCleanup(() => fs.rmSync(copy, { recursive: true, force: true }));
  fs.cpSync(dist, copy, { recursive: true, filter: (src) => !src.endsWith('.map') });
  return copy;
}

async function startApp(webDist: string, databaseUrl: string | undefined): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-bench-call-'));
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      // Demo accounts are refused in production: 'test' with them asked for, and payments off as in production.
      NODE_ENV: 'test',
      SEED_DEMO: 'true',
      BILLING_PROVIDER: 'none',
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: url,
      DATA_DIR: dataDir,
      WEB_DIST: webDist,
      LOG_LEVEL: 'warn',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  liveChildren.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => liveChildren.delete(child));
  let out = '';
  const keep = (d: Buffer) => {
    out += d.toString();
    if (out.length > 20_000) out = out.slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid!, 'SIGTERM');
      const timer = setTimeout(() => child.exitCode === null && child.signalCode === null && process.kill(child.pid!, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (process.env.BENCH_VERBOSE === '1' && out.trim()) console.log(`app output:\n${out}`);
  });
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode}:\n${out}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the app did not become ready:\n${out}`);
    await sleep(100);
  }
  return { url, child };
}

/** The real API, from Node, with a session cookie. */
function apiClient(base: string) {
  return async (method: string, pathname: string, opts: { cookie?: string; json?: unknown; form?: FormData } = {}) => {
    const headers: Record<string, string> = { origin: base };
    if (opts.cookie) headers.cookie = opts.cookie;
    if (opts.json !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(base + pathname, { method, headers, ...(opts.json !== undefined ? { body: JSON.stringify(opts.json) } : opts.form ? { body: opts.form } : {}) });
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text, setCookie: res.headers.getSetCookie() };
  };
}

// ---------------------------------------------------------------- what the pages recorded

interface PageRecord {
  events: { name: string; t: number; detail?: Record<string, unknown> }[];
  firstFrame: number | null;
  navStart: number;
  nav: { responseEnd: number; domInteractive: number; dcl: number } | null;
  resources: { name: string; initiator: string; start: number; end: number; bytes: number; transfer: number }[];
  longTasks: { start: number; duration: number }[];
}

const COLLECT = `(() => {
  const b = window.__bench;
  const offset = Date.now() - (performance.timeOrigin + performance.now());
  const abs = (ms) => performance.timeOrigin + ms + offset;
  const nav = performance.getEntriesByType('navigation')[0];
  return JSON.stringify({
    events: b ? b.events : [],
    firstFrame: b ? b.firstFrame : null,
    navStart: performance.timeOrigin + offset,
    nav: nav ? { responseEnd: abs(nav.responseEnd), domInteractive: abs(nav.domInteractive), dcl: abs(nav.domContentLoadedEventEnd) } : null,
    resources: performance.getEntriesByType('resource').map((r) => ({ name: r.name, initiator: r.initiatorType, start: abs(r.startTime), end: abs(r.responseEnd), bytes: r.encodedBodySize, transfer: r.transferSize })),
    longTasks: b ? b.longTasks.map((l) => ({ start: l.start + offset, duration: l.duration })) : [],
  });
})()`;

async function collect(page: Page): Promise<PageRecord> {
  return JSON.parse((await page.evaluate(COLLECT)) as string) as PageRecord;
}

/** Milestones of one page, in ms after the round's start (t0); undefined when it did not happen. */
function milestones(r: PageRecord, t0: number) {
  // Only what led up to the first frame (later renegotiations are not part of the setup); the UI's showing it may follow.
  const end = r.firstFrame ?? Number.POSITIVE_INFINITY;
  const ev = (name: string) => {
    const e = r.events.find((x) => x.name === name && (x.t <= end || name === 'video-shown'));
    return e ? e.t - t0 : undefined;
  };
  const res = (re: RegExp) => {
    const e = r.resources.find((x) => re.test(new URL(x.name).pathname));
    return e ? e.end - t0 : undefined;
  };
  const ff = r.firstFrame === null ? Number.NaN : r.firstFrame;
  const beforeFrame = r.longTasks.filter((l) => l.start >= r.navStart && l.start < ff);
  const scripts = r.resources.filter((x) => x.initiator === 'script' || x.initiator === 'link' || /\.js$/.test(new URL(x.name).pathname)).filter((x) => /\.js$/.test(new URL(x.name).pathname) && x.start < ff);
  return {
    'navigation start': r.navStart - t0,
    'HTML received': r.nav ? r.nav.responseEnd - t0 : undefined,
    'entry JS run (DOMContentLoaded)': r.nav ? r.nav.dcl - t0 : undefined,
    'app first render': ev('app-rendered'),
    'GET /api/me done': res(/^\/api\/me$/),
    'socket.io connected': ev('recv:sio-connected'),
    'WebSocket open': ev('ws-open'),
    'GET /api/sessions/:id done': res(/^\/api\/sessions\/[^/]+$/),
    'pre-join shown': ev('stage-prejoin'),
    'getUserMedia called': ev('gum-call'),
    'getUserMedia done': ev('gum-done'),
    'room view mounted': ev('stage-in-room'),
    'room:join sent': ev('send:room:join'),
    'room:join acked (joined)': ev('recv:ack:room:join'),
    'relay: both here': ev('recv:peer'),
    'GET ice-servers done': res(/\/ice-servers$/),
    'peer connection created': ev('pc-created'),
    'offer set locally': ev('sld-offer'),
    'offer received': ev('srd-call-offer'),
    'answer set locally': ev('sld-answer'),
    'answer received': ev('srd-call-answer'),
    'first remote candidate': ev('first-remote-candidate'),
    'ICE checking': ev('ice-checking'),
    'ICE connected': ev('ice-connected'),
    'DTLS connected': ev('conn-connected'),
    'remote video track': ev('track-video'),
    'first video bytes': ev('first-video-bytes'),
    'FIRST FRAME DECODED': r.firstFrame === null ? undefined : r.firstFrame - t0,
    'remote video shown (UI)': ev('video-shown'),
    // not milestones: totals up to the first frame
    longTaskMs: round(beforeFrame.reduce((a, l) => a + l.duration, 0), 0),
    longTasks: beforeFrame.length,
    longestTaskMs: round(Math.max(0, ...beforeFrame.map((l) => l.duration)), 0),
    jsFiles: scripts.length,
    jsKiB: round(scripts.reduce((a, s) => a + s.bytes, 0) / 1024, 0),
    jsKiBFromNetwork: round(scripts.reduce((a, s) => a + (s.transfer > 0 ? s.bytes : 0), 0) / 1024, 0),
  };
}
type Milestones = ReturnType<typeof milestones>;
const TOTALS = new Set(['longTaskMs', 'longTasks', 'longestTaskMs', 'jsFiles', 'jsKiB', 'jsKiBFromNetwork']);

interface Round {
  ms: number; // t0 → the later first frame
  perPageMs: [number, number];
  shownMs: number | null; // t0 → the later "remote video shown" (the app shows it only once its own stats saw frames)
  pages: [Milestones, Milestones];
  /** CPU cores kept busy during the round by this bench's processes, and by the rest of the machine (noise). */
  oursCores: number;
  otherCores: number;
  failed?: string;
}

// ---------------------------------------------------------------- CPU: ours (this process tree) and everyone else's

/** CPU ms so far of this process and all its descendants (Chromium and its renderers, the app, the relay), by pid. */
function treeCpu(): Map<number, number> {
  const children = new Map<number, number[]>();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      // gone
    }
  }
  const out = new Map<number, number>();
  const todo = [process.pid];
  while (todo.length) {
    const pid = todo.pop()!;
    const ms = processCpuMs(pid);
    if (ms !== undefined) out.set(pid, ms);
    todo.push(...(children.get(pid) ?? []));
  }
  return out;
}

function machineBusyMs(): { busy: number; total: number } {
  const v = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: (total - v[3]! - v[4]!) * 10, total: total * 10 };
}

/** Starts watching; the function returned gives the cores used by this bench's processes and by everything else since. */
function cpuSince(): () => { oursCores: number; otherCores: number } {
  const tree0 = treeCpu();
  const m0 = machineBusyMs();
  const w0 = performance.now();
  return () => {
    const tree1 = treeCpu();
    const m1 = machineBusyMs();
    const wall = performance.now() - w0;
    let ours = 0;
    for (const [pid, ms] of tree1) ours += ms - (tree0.get(pid) ?? 0);
    const machine = m1.busy - m0.busy;
    return { oursCores: round(ours / wall, 2), otherCores: round(Math.max(0, machine - ours) / wall, 2) };
  };
}

// ---------------------------------------------------------------- one round

/**
 * 'cold': both pages navigate to the room's URL (a link from outside the app). 'in-app': both pages are already open
 * and their app has started (ours: the user's home with its socket connected; baseline: the bare page loaded), and
 * the room is opened from inside it (ours: a client-side navigation, as after Accept or from a Join button; baseline:
 * window.startRoom()).
 */
type OpenMode = { kind: 'cold'; urls: [string, string] } | { kind: 'in-app'; open: (page: Page, i: number) => Promise<unknown> };

async function openBoth(pages: [Page, Page], mode: OpenMode, timeoutMs: number): Promise<Round> {
  const cpu = cpuSince();
  const t0 = Date.now();
  if (mode.kind === 'cold') await Promise.all(pages.map((p, i) => p.goto(mode.urls[i]!, { waitUntil: 'commit', timeout: timeoutMs })));
  else await Promise.all(pages.map((p, i) => mode.open(p, i)));
  let failed: string | undefined;
  try {
    await Promise.all(pages.map((p) => p.waitForFunction(() => (globalThis as any).__bench?.firstFrame != null, undefined, { polling: 50, timeout: timeoutMs - (Date.now() - t0) })));
    // The app shows the remote video only after its own stats sampling saw frames: wait for that too (secondary figure).
    await Promise.all(pages.map((p) => p.waitForFunction(() => (globalThis as any).__bench.events.some((e: { name: string }) => e.name === 'video-shown'), undefined, { polling: 50, timeout: 3_000 }).catch(() => undefined)));
  } catch (err) {
    failed = (err as Error).message.split('\n')[0];
  }
  const load = cpu();
  const recs = await Promise.all(pages.map((p) => collect(p)));
  const per = recs.map((r) => (r.firstFrame === null ? Number.NaN : r.firstFrame - t0)) as [number, number];
  const shown = recs.map((r) => r.events.find((e) => e.name === 'video-shown')?.t);
  const round_: Round = {
    ms: Math.max(...per),
    perPageMs: per,
    shownMs: shown.every((s) => s !== undefined) ? Math.max(...(shown as number[])) - t0 : null,
    pages: [milestones(recs[0]!, t0), milestones(recs[1]!, t0)],
    ...load,
  };
  if (process.env.BENCH_VERBOSE === '1') {
    for (const [i, r] of recs.entries()) {
      console.log(`  page ${i + 1} events: ${r.events.map((e) => `${e.name}@${e.t - t0}`).join(' ')}`);
      console.log(`  page ${i + 1} resources: ${r.resources.map((x) => `${new URL(x.name).pathname.slice(0, 60)} ${Math.round(x.start - t0)}→${Math.round(x.end - t0)} ${Math.round(x.bytes / 1024)}KiB${x.transfer ? '' : ' (cache)'}`).join('\n    ')}`);
      console.log(`  page ${i + 1} long tasks: ${r.longTasks.map((l) => `${Math.round(l.start - t0)}+${Math.round(l.duration)}`).join(' ')}`);
    }
  }
  if (failed || Number.isNaN(round_.ms)) {
    round_.failed = failed ?? 'no first frame';
    round_.ms = Number.NaN;
    for (const [i, r] of recs.entries()) console.log(`  page ${i + 1} events: ${r.events.map((e) => `${e.name}@${e.t - t0}`).join(' ')}`);
  }
  return round_;
}

// ---------------------------------------------------------------- main

async function main() {
  const rounds = envNumber('BENCH_ROUNDS', 7);
  const timeoutMs = envNumber('BENCH_FRAME_TIMEOUT_S', 20) * 1000;
  const blockRaw = process.env.BENCH_CALL_BLOCK;
  const block = blockRaw ? blockRaw.split(',') : null;
  const machine = machineInfo();
  console.log(`${NAME}: ${machine.cpus} × ${machine.cpuModel}, ${machine.node}, load ${machine.loadAvg.join(' ')}; Chromium, the app, the relay and this process share the CPUs.`);
  if (block) console.log(`EXPLORATION: the app's requests matching ${blockRaw} are blocked; not the benchmark figure`);

  let databaseUrl: string | undefined;
  if (process.env.BENCH_CALL_DB === 'postgres') {
    process.env.DATABASE_URL ||= 'postgres://postgres@127.0.0.1:5432/postgres';
    const { createPostgresDatabase } = await import('../apps/server/test/db');
    const pgdb = await createPostgresDatabase();
    onCleanup(() => pgdb.drop());
    databaseUrl = pgdb.url;
  }
  const webDist = snapshotDist(await ensureWebBuild());
  let t = performance.now();
  const app = await startApp(webDist, databaseUrl);
  const baseline = await startChildServer('call-baseline', 'call-baseline/server.ts');
  console.log(`app (${databaseUrl ? 'PostgreSQL' : 'PGlite'}, demo data) at ${app.url} ready in ${Math.round(performance.now() - t)} ms; baseline page + ws relay at ${baseline.url}`);

  // Logins and the session-making, through the real API.
  const api = apiClient(app.url);
  const logIn = async (email: string) => {
    const r = await api('POST', '/api/auth/login', { json: { email, password: PASSWORD } });
    if (r.status !== 200) throw new Error(`login ${email} answered ${r.status}: ${r.text}`);
    const c = r.setCookie.map((s) => s.split(';')[0]!).find((s) => s.startsWith('tl_session='));
    if (!c) throw new Error(`login ${email} set no tl_session cookie`);
    return c;
  };
  const studentCookie = await logIn(STUDENT);
  const tutorCookie = await logIn(TUTOR);
  // The tutor has no socket here: reachable for questions only when notified while offline.
  const available = await api('PUT', '/api/help/availability', { cookie: tutorCookie, json: { online: true, notifyWhenOffline: true } });
  if (available.status !== 200) throw new Error(`availability answered ${available.status}: ${available.text}`);
  const jpeg = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#f4f1e8' } })
    .composite([{ input: Buffer.from('<svg width="800" height="600"><text x="60" y="300" font-size="80">3x − 4 = 11</text></svg>'), top: 0, left: 0 }])
    .jpeg()
    .toBuffer();
  const claimedSession = async (): Promise<string> => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' }), 'question.jpg');
    const up = await api('POST', '/api/help/photos', { cookie: studentCookie, form });
    if (up.status !== 201) throw new Error(`photo upload answered ${up.status}: ${up.text}`);
    const asked = await api('POST', '/api/help/questions', {
      cookie: studentCookie,
      json: { requestId: randomUUID(), subjectId: 'maths', level: 'grade-9-10', text: 'Solve for x', photoIds: [up.json.photoId] },
    });
    if (asked.status !== 201) throw new Error(`ask answered ${asked.status}: ${asked.text}`);
    // A tutor may claim only a question they were offered: wait for the wave (their read of it stops being a 404).
    for (let tries = 0; (await api('GET', `/api/help/questions/${asked.json.id}`, { cookie: tutorCookie })).status !== 200; tries++) {
      if (tries > 200) throw new Error('the question was never offered to the tutor');
      await new Promise((r) => setTimeout(r, 50));
    }
    const accepted = await api('POST', `/api/help/questions/${asked.json.id}/accept`, { cookie: tutorCookie });
    if (accepted.status !== 200) throw new Error(`accept answered ${accepted.status}: ${accepted.text}`);
    return accepted.json.sessionId as string;
  };
  const endSession = async (id: string) => {
    const r = await api('POST', `/api/sessions/${id}/end`, { cookie: tutorCookie });
    if (r.status !== 200) throw new Error(`ending session ${id} answered ${r.status}: ${r.text}`);
  };

  // One browser, four contexts for the whole run.
  const browser: Browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  onCleanup(() => browser.close());
  const newContext = async (baseURL: string, cookie?: string): Promise<BrowserContext> => {
    const ctx = await browser.newContext({ viewport: phone, baseURL });
    if (cookie) {
      const [name, value] = [cookie.slice(0, cookie.indexOf('=')), cookie.slice(cookie.indexOf('=') + 1)];
      await ctx.addCookies([{ name, value, url: baseURL }]);
    }
    await ctx.addInitScript({ path: instrumentPath });
    return ctx;
  };
  const students = await newContext(app.url, studentCookie);
  const tutors = await newContext(app.url, tutorCookie);
  const baseA = await newContext(baseline.url);
  const baseB = await newContext(baseline.url);
  // A user opens the room from the app: their home page (the entry files) is already in the HTTP cache.
  for (const [ctx, url] of [[students, '/student'], [tutors, '/tutor'], [baseA, '/'], [baseB, '/']] as const) {
    const p = await ctx.newPage();
    await p.goto(url, { waitUntil: 'load' });
    await p.waitForLoadState('networkidle').catch(() => undefined);
    await p.close();
  }

  /** A page of the app at the user's home, started: its socket connected and the page settled. */
  const openHome = async (p: Page, home: string) => {
    await p.goto(home, { waitUntil: 'load' });
    await p.getByTestId(home === '/student' ? 'student-home' : 'tutor-home').waitFor({ timeout: 30_000 });
    await p.waitForLoadState('networkidle').catch(() => undefined);
  };
  const ours = async (label: string, kind: 'cold' | 'in-app'): Promise<Round> => {
    const sessionId = await claimedSession();
    const pages: [Page, Page] = [await students.newPage(), await tutors.newPage()];
    // Blocked through CDP, not page.route (which turns the HTTP cache off).
    if (block) for (const p of pages) await (await p.context().newCDPSession(p)).send('Network.setBlockedURLs', { urls: block });
    const url = `/session/${sessionId}`;
    if (kind === 'in-app') await Promise.all(pages.map((p, i) => openHome(p, i === 0 ? '/student' : '/tutor')));
    const profilers = profile && kind === 'in-app' ? await Promise.all(pages.map((p) => startProfiler(p))) : null;
    const r = await openBoth(
      pages,
      kind === 'cold'
        ? { kind, urls: [url, url] }
        : {
            kind,
            // What the app's own links and redirects do: a client-side navigation (a string: bench has no DOM types).
            open: (p) => p.evaluate(`history.pushState(null, '', ${JSON.stringify(url)}); dispatchEvent(new PopStateEvent('popstate'))`),
          },
      timeoutMs,
    );
    if (profilers) for (const [i, stop] of profilers.entries()) printProfile(`${label} ${i === 0 ? 'student' : 'tutor'}`, await stop());
    await Promise.all(pages.map((p) => p.close()));
    await endSession(sessionId);
    printRound(label, r, ['student', 'tutor']);
    return r;
  };
  const bare = async (label: string, kind: 'cold' | 'in-app'): Promise<Round> => {
    const room = randomUUID();
    const pages: [Page, Page] = [await baseA.newPage(), await baseB.newPage()];
    if (kind === 'in-app') await Promise.all(pages.map((p) => p.goto('/', { waitUntil: 'load' })));
    const r = await openBoth(
      pages,
      kind === 'cold' ? { kind, urls: [`/?room=${room}`, `/?room=${room}`] } : { kind, open: (p) => p.evaluate(`window.startRoom(${JSON.stringify(room)})`) },
      timeoutMs,
    );
    await Promise.all(pages.map((p) => p.close()));
    // Whoever reached the relay second offers: list the offerer first.
    if (r.pages[0]['offer set locally'] === undefined && r.pages[1]['offer set locally'] !== undefined) {
      r.pages.reverse();
      r.perPageMs.reverse();
    }
    printRound(label, r, ['offerer', 'answerer']);
    return r;
  };

  t = performance.now();
  console.log('in-app: both already in the app (ours: home page, socket connected), the room opened from inside it');
  const warmOurs = await ours('warm-up ours', 'in-app');
  await sleep(300);
  const warmBare = await bare('warm-up baseline', 'in-app');
  const O: Round[] = [];
  const B: Round[] = [];
  for (let i = 0; i < rounds; i++) {
    await sleep(300);
    O.push(await ours(`ours #${i + 1}`, 'in-app'));
    await sleep(300);
    B.push(await bare(`baseline #${i + 1}`, 'in-app'));
  }
  // Secondary: opening the room's URL from outside the app (a WhatsApp join link), entry files in the HTTP cache.
  console.log('\ncold: both pages navigate to the room URL');
  const coldRounds = envNumber('BENCH_COLD_ROUNDS', 3);
  const CO: Round[] = [];
  const CB: Round[] = [];
  for (let i = 0; i < coldRounds; i++) {
    await sleep(300);
    CO.push(await ours(`cold ours #${i + 1}`, 'cold'));
    await sleep(300);
    CB.push(await bare(`cold baseline #${i + 1}`, 'cold'));
  }
  const coldOk = (rs: Round[]) => rs.filter((r) => !r.failed).map((r) => r.ms);
  const coldRatio = ratio(median(coldOk(CO)), median(coldOk(CB)));
  const roundsS = round((performance.now() - t) / 1000, 1);

  const okO = O.filter((r) => !r.failed).map((r) => r.ms);
  const okB = B.filter((r) => !r.failed).map((r) => r.ms);
  const failures = O.length + B.length - okO.length - okB.length;
  const p = (xs: number[], q: number) => round(percentile([...xs].sort((a, b) => a - b), q), 0);
  const oursP50 = p(okO, 50);
  const oursP90 = p(okO, 90);
  const bareP50 = p(okB, 50);
  const bareP90 = p(okB, 90);
  const headline = ratio(oursP50, bareP50);
  const perRound = O.map((o, i) => ratio(o.ms, B[i]!.ms)).filter((x) => Number.isFinite(x) && x > 0);
  const perRoundMedian = round(median(perRound), 3);
  const shownO = O.map((r) => r.shownMs).filter((x): x is number => x !== null);

  console.log(`\n${rounds} rounds each (after one warm-up of each), ${roundsS} s; ms from both opening the room (in-app) to the later first decoded remote frame:`);
  console.log(`  baseline (raw ws)  p50 ${String(bareP50).padStart(5)}  p90 ${String(bareP90).padStart(5)}   rounds: ${B.map((r) => fmt(r.ms)).join(' ')}`);
  console.log(`  ours               p50 ${String(oursP50).padStart(5)}  p90 ${String(oursP90).padStart(5)}   rounds: ${O.map((r) => fmt(r.ms)).join(' ')}`);
  console.log(`  ours, until the app SHOWS the remote video: p50 ${p(shownO, 50)}  p90 ${p(shownO, 90)}`);
  console.log(`  per-round ratios ${perRound.map((x) => x.toFixed(2)).join(', ')}; their median ${perRoundMedian.toFixed(3)}`);
  const otherCores = round(median([...O, ...B].map((r) => r.otherCores)), 2);
  console.log(`  other processes on the machine kept ${otherCores} of ${machine.cpus} cores busy (median over rounds; noise, not ours)`);
  if (failures) console.log(`  ${failures} round(s) FAILED (no first frame within ${timeoutMs / 1000} s): not counted`);

  const oursBreakdown = breakdown(O, ['student', 'tutor']);
  const bareBreakdown = breakdown(B, ['offerer', 'answerer']);
  console.log(`\nwhere the time goes, median over rounds, ms after both started navigating (per page; in ours the tutor makes the offer):`);
  printBreakdown(oursBreakdown, bareBreakdown);

  console.log(`\ncold (room URL opened from outside the app), ${coldRounds} rounds: ours p50 ${round(median(coldOk(CO)), 0)} ms, baseline p50 ${round(median(coldOk(CB)), 0)} ms, ratio ${coldRatio.toFixed(3)} (not the headline)`);
  console.log(`\nheadline: median(ours) / median(baseline) = ${oursP50} / ${bareP50} = ${headline.toFixed(3)} (target ≤ ${TARGET}); median of per-round ratios ${perRoundMedian.toFixed(3)}`);

  const strip = (r: Round) => ({ ms: r.ms, perPageMs: r.perPageMs, shownMs: r.shownMs, oursCores: r.oursCores, otherCores: r.otherCores, ...(r.failed ? { failed: r.failed } : {}) });
  report({
    bench: block || profile ? `${NAME}-explore` : NAME,
    ratio: headline,
    better: 'lower',
    target: TARGET,
    ok: headline <= TARGET && failures === 0,
    ...(block ? { blocked: blockRaw } : {}),
    mode: 'in-app: the room opened from inside the already-running app (client-side navigation; baseline: startRoom())',
    coldRatio,
    coldOursP50Ms: round(median(coldOk(CO)), 0),
    coldBaselineP50Ms: round(median(coldOk(CB)), 0),
    cold: { ours: CO.map(strip), baseline: CB.map(strip) },
    perRoundRatioMedian: perRoundMedian,
    perRoundRatios: perRound,
    oursP50Ms: oursP50,
    oursP90Ms: oursP90,
    baselineP50Ms: bareP50,
    baselineP90Ms: bareP90,
    oursShownP50Ms: p(shownO, 50),
    oursShownP90Ms: p(shownO, 90),
    failures,
    otherCoresMedian: otherCores,
    ours: O.map(strip),
    baseline: B.map(strip),
    warmup: { ours: strip(warmOurs), baseline: strip(warmBare) },
    oursBreakdown,
    baselineBreakdown: bareBreakdown,
    rounds,
    database: databaseUrl ? 'postgres' : 'pglite',
    clock: 'Date.now() in Node (start, just before both page.goto) and in the pages (end); the system wall clock',
    firstFrame: 'in-page getStats() every ~10 ms from the remote video track: inbound-rtp video framesDecoded > 0',
    machine,
  });
}

/** Exploration (BENCH_PROFILE=1): the page's JS CPU profile from opening the room to the first frame. */
const profile = process.env.BENCH_PROFILE === '1';
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
async function startProfiler(page: Page): Promise<() => Promise<{ nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  return async () => (await cdp.send('Profiler.stop')).profile as unknown as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
}
/** Self time by function (file:line), top 15. */
function printProfile(label: string, prof: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }) {
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  prof.samples.forEach((id, i) => {
    const n = byId.get(id);
    if (!n) return;
    const f = n.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url ? `${new URL(f.url, 'http://x').pathname.split('/').pop()}:${f.lineNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + (prof.timeDeltas[i] ?? 0) / 1000);
  });
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15);
  console.log(`  profile ${label}: ${top.map(([k, ms]) => `${Math.round(ms)} ms ${k}`).join(' | ')}`);
}

const fmt = (ms: number) => (Number.isNaN(ms) ? 'FAIL' : String(Math.round(ms)));

function printRound(label: string, r: Round, roles: [string, string]) {
  const m = r.pages;
  const at = (i: 0 | 1, k: keyof Milestones) => {
    const v = m[i][k];
    return v === undefined ? '-' : String(Math.round(v));
  };
  console.log(
    `${label.padEnd(18)} ${fmt(r.ms).padStart(5)} ms  (${roles[0]} ${fmt(r.perPageMs[0])}, ${roles[1]} ${fmt(r.perPageMs[1])}; shown ${r.shownMs === null ? '-' : Math.round(r.shownMs)})` +
      `  ICE connected ${at(0, 'ICE connected')}/${at(1, 'ICE connected')}, long tasks ${at(0, 'longTaskMs')}/${at(1, 'longTaskMs')} ms; cores: bench ${r.oursCores.toFixed(2)}, other ${r.otherCores.toFixed(2)}${r.failed ? `  FAILED: ${r.failed}` : ''}`,
  );
}

/** Median of each milestone over the successful rounds, per page role. */
function breakdown(rs: Round[], roles: [string, string]) {
  const ok = rs.filter((r) => !r.failed);
  const out: Record<string, Record<string, number | null>> = {};
  for (const [i, role] of roles.entries()) {
    const keys = Object.keys(ok[0]?.pages[i as 0 | 1] ?? {}) as (keyof Milestones)[];
    out[role] = Object.fromEntries(
      keys.map((k) => {
        const vals = ok.map((r) => r.pages[i as 0 | 1][k]).filter((v): v is number => v !== undefined && Number.isFinite(v));
        return [k, vals.length ? round(median(vals), 0) : null];
      }),
    );
  }
  return out;
}

function printBreakdown(ours: Record<string, Record<string, number | null>>, bare: Record<string, Record<string, number | null>>) {
  const cols = [...Object.keys(ours).map((r) => `ours ${r}`), ...Object.keys(bare).map((r) => `base ${r}`)];
  const all = [...Object.values(ours), ...Object.values(bare)];
  const keys = Object.keys(all[0] ?? {});
  console.log(`  ${''.padEnd(34)}${cols.map((c) => c.padStart(15)).join('')}`);
  for (const k of keys) {
    if (all.every((col) => col[k] === null || col[k] === undefined)) continue;
    if (TOTALS.has(k)) continue;
    console.log(`  ${k.padEnd(34)}${all.map((col) => String(col[k] ?? '-').padStart(15)).join('')}`);
  }
  console.log(`  up to the first frame:`);
  const label: Record<string, string> = { longTaskMs: 'main-thread long tasks, ms', longTasks: 'long tasks', longestTaskMs: 'longest task, ms', jsFiles: 'JS files', jsKiB: 'JS KiB (encoded)', jsKiBFromNetwork: 'JS KiB not from cache' };
  for (const k of TOTALS) console.log(`  ${label[k]!.padEnd(34)}${all.map((col) => String(col[k] ?? '-').padStart(15)).join('')}`);
}

await runBench(NAME, main);
