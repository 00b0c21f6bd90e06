import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { processCpuMs, round } from '../lib';

// One round of call-setup.bench.ts: two pages open the room at the same moment; what they recorded, and the CPU used.

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
export type Milestones = ReturnType<typeof milestones>;
export const TOTALS = new Set(['longTaskMs', 'longTasks', 'longestTaskMs', 'jsFiles', 'jsKiB', 'jsKiBFromNetwork']);

export interface Round {
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
export type OpenMode = { kind: 'cold'; urls: [string, string] } | { kind: 'in-app'; open: (page: Page, i: number) => Promise<unknown> };

export async function openBoth(pages: [Page, Page], mode: OpenMode, timeoutMs: number): Promise<Round> {
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

