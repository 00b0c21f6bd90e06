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
 *
 * Read top-down: main() below; the app and its API in call-setup/app.ts, one round of two pages and what they recorded
 * in call-setup/rounds.ts, what is printed in call-setup/print.ts.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { chromiumArgs, chromiumPath, phone } from '../e2e/harness';
import { benchDatabaseUrl, ensureWebBuild, snapshotDist, startApp } from './call-setup/app';
import { breakdown, fmt, printBreakdown, printProfile, printRound, profile, startProfiler } from './call-setup/print';
import { openBoth, type Round } from './call-setup/rounds';
import { callParties } from './call-setup/sessions';
import { benchDir, envNumber, machineInfo, median, onCleanup, percentile, ratio, report, round, runBench, startChildServer } from './lib';

const NAME = 'call-setup';
const TARGET = 1.5;
const instrumentPath = path.join(benchDir, 'call-setup/instrument.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- main

async function main() {
  const rounds = envNumber('BENCH_ROUNDS', 7);
  const timeoutMs = envNumber('BENCH_FRAME_TIMEOUT_S', 20) * 1000;
  const blockRaw = process.env.BENCH_CALL_BLOCK;
  const block = blockRaw ? blockRaw.split(',') : null;
  const machine = machineInfo();
  console.log(`${NAME}: ${machine.cpus} × ${machine.cpuModel}, ${machine.node}, load ${machine.loadAvg.join(' ')}; Chromium, the app, the relay and this process share the CPUs.`);
  if (block) console.log(`EXPLORATION: the app's requests matching ${blockRaw} are blocked; not the benchmark figure`);

  const databaseUrl = await benchDatabaseUrl();
  const webDist = snapshotDist(await ensureWebBuild());
  let t = performance.now();
  const app = await startApp(webDist, databaseUrl);
  const baseline = await startChildServer('call-baseline', 'call-baseline/server.ts');
  console.log(`app (${databaseUrl ? 'PostgreSQL' : 'PGlite'}, demo data) at ${app.url} ready in ${Math.round(performance.now() - t)} ms; baseline page + ws relay at ${baseline.url}`);

  // Logins and the session-making, through the real API.
  const { studentCookie, tutorCookie, claimedSession, endSession } = await callParties(app.url);

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

await runBench(NAME, main);
