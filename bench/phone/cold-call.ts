import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext } from 'playwright-core';
import { phone } from '../../e2e/harness';
import { printRound } from '../call-setup/print';
import { openBoth, type Round } from '../call-setup/rounds';
import type { CallParties } from '../call-setup/sessions';

// The second figure of phone.bench.ts: a room's URL opened from outside the app (a WhatsApp join link) by both people,
// each in a FRESH context (empty HTTP cache, no service worker), to the later first decoded remote frame; against
// call-setup's bare two-peer page opened the same way. The round itself is call-setup's (call-setup/rounds.ts).

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function fresh(browser: Browser, baseURL: string, instrumentPath: string, cookie?: string): Promise<BrowserContext> {
  const ctx = await browser.newContext({ viewport: phone, baseURL, serviceWorkers: 'block' });
  if (cookie) {
    const at = cookie.indexOf('=');
    await ctx.addCookies([{ name: cookie.slice(0, at), value: cookie.slice(at + 1), url: baseURL }]);
  }
  await ctx.addInitScript({ path: instrumentPath });
  return ctx;
}

async function twoFresh(browser: Browser, baseURL: string, instrumentPath: string, cookies: [string, string] | null, url: string, timeoutMs: number) {
  const ctxs = await Promise.all([0, 1].map((i) => fresh(browser, baseURL, instrumentPath, cookies?.[i])));
  try {
    const pages = (await Promise.all(ctxs.map((c) => c.newPage()))) as [Awaited<ReturnType<BrowserContext['newPage']>>, Awaited<ReturnType<BrowserContext['newPage']>>];
    return await openBoth(pages, { kind: 'cold', urls: [url, url] }, timeoutMs);
  } finally {
    await Promise.all(ctxs.map((c) => c.close()));
  }
}

/** BENCH_CALL_ROUNDS of each, alternating ours / baseline, after one warm-up of each (printed, not counted). */
export async function coldCallRounds(opts: { browser: Browser; appUrl: string; baselineUrl: string; parties: CallParties; instrumentPath: string; rounds: number; timeoutMs: number }) {
  const { browser, parties } = opts;
  const ours = async (label: string) => {
    const sessionId = await parties.claimedSession();
    const r = await twoFresh(browser, opts.appUrl, opts.instrumentPath, [parties.studentCookie, parties.tutorCookie], `/session/${sessionId}`, opts.timeoutMs);
    await parties.endSession(sessionId);
    printRound(label, r, ['student', 'tutor']);
    return r;
  };
  const bare = async (label: string) => {
    const r = await twoFresh(browser, opts.baselineUrl, opts.instrumentPath, null, `/?room=${randomUUID()}`, opts.timeoutMs);
    printRound(label, r, ['peer 1', 'peer 2']);
    return r;
  };
  await ours('cold call warm-up ours');
  await bare('cold call warm-up baseline');
  const O: Round[] = [];
  const B: Round[] = [];
  for (let i = 0; i < opts.rounds; i++) {
    await sleep(300);
    O.push(await ours(`cold call ours #${i + 1}`));
    await sleep(300);
    B.push(await bare(`cold call baseline #${i + 1}`));
  }
  return { ours: O, baseline: B };
}
