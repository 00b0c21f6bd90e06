import { launch } from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { chromiumArgs, chromiumPath } from '../../e2e/harness';
import { median, onCleanup, round } from '../lib';

// The extras of phone.bench.ts: Lighthouse 12.2.3's performance score in its default mobile mode (simulated slow 4G,
// 4× CPU) for the pages issue #21 names, the median of a few runs each, as Lighthouse advises for its own variance.

export interface LighthouseRun {
  score: number;
  fcpMs: number;
  lcpMs: number;
  tbtMs: number;
  cls: number;
  speedIndexMs: number;
  scriptKB: number;
}

class TraceError extends Error {}

async function measureOnce(port: number, url: string, cookie: string | null): Promise<LighthouseRun> {
  const result = await lighthouse(url, { port, onlyCategories: ['performance'], output: 'json', logLevel: 'error', ...(cookie ? { extraHeaders: { Cookie: cookie } } : {}) }, undefined);
  const lhr = result?.lhr;
  if (!lhr) throw new Error(`${url}: Lighthouse returned nothing`);
  if (lhr.runtimeError) throw new TraceError(`${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
  if (lhr.finalDisplayedUrl !== url) throw new Error(`${url}: ended on ${lhr.finalDisplayedUrl} (a redirect would measure another page)`);
  const num = (id: string) => Number(lhr.audits[id]?.numericValue ?? Number.NaN);
  const items = (lhr.audits['resource-summary']?.details as { items?: { resourceType: string; transferSize: number }[] } | undefined)?.items ?? [];
  const script = items.find((i) => i.resourceType === 'script')?.transferSize ?? 0;
  return {
    score: round((lhr.categories.performance?.score ?? Number.NaN) * 100, 1),
    fcpMs: Math.round(num('first-contentful-paint')),
    lcpMs: Math.round(num('largest-contentful-paint')),
    tbtMs: Math.round(num('total-blocking-time')),
    cls: round(num('cumulative-layout-shift'), 3),
    speedIndexMs: Math.round(num('speed-index')),
    scriptKB: round(script / 1024, 1),
  };
}

/** The run with the median score, so the figures printed belong to one real run. */
function medianRun(runs: LighthouseRun[]): LighthouseRun {
  const m = median(runs.map((r) => r.score));
  return runs.reduce((best, r) => (Math.abs(r.score - m) < Math.abs(best.score - m) ? r : best));
}

/**
 * Each page's median run over `rounds`, in one Chromium started for it and stopped with the bench. Lighthouse's own trace
 * errors (NO_NAVSTART, NO_FCP under a loaded machine) are tried again, twice at most, and counted.
 */
export async function lighthouseScores(pages: { path: string; cookie: string | null }[], baseUrl: string, rounds: number) {
  const chrome = await launch({ chromePath: chromiumPath, chromeFlags: chromiumArgs.filter((a) => !a.startsWith('--use-fake')) });
  onCleanup(() => chrome.kill()); // also when the bench is stopped or times out mid-run
  let traceErrors = 0;
  const measure = async (url: string, cookie: string | null): Promise<LighthouseRun> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await measureOnce(chrome.port, url, cookie);
      } catch (err) {
        if (!(err instanceof TraceError) || attempt >= 3) throw err;
        traceErrors++;
        console.log(`${url}: ${err.message}; measuring again`);
      }
    }
  };
  await measure(`${baseUrl}/`, null); // warm-up, not counted: the first run in a fresh Chromium pays for its start-up
  const runs = new Map(pages.map((p) => [p.path, [] as LighthouseRun[]]));
  for (let i = 0; i < rounds; i++) for (const p of pages) runs.get(p.path)!.push(await measure(`${baseUrl}${p.path}`, p.cookie));
  const figures = Object.fromEntries([...runs].map(([k, rs]) => [k, { ...medianRun(rs), scores: rs.map((r) => r.score) }]));
  for (const [k, f] of Object.entries(figures)) {
    console.log(`  ${k.padEnd(14)} score ${String(f.score).padStart(5)} (runs ${f.scores.join(', ')})  FCP ${f.fcpMs} ms  LCP ${f.lcpMs} ms  TBT ${f.tbtMs} ms  CLS ${f.cls}  SI ${f.speedIndexMs} ms  script ${f.scriptKB} KB`);
  }
  const worst = Object.entries(figures).reduce((a, b) => (b[1].score < a[1].score ? b : a));
  return { pages: figures, worstPage: worst[0], worstScore: worst[1].score, traceErrors, allAtLeast90: Object.values(figures).every((f) => f.score >= 90) };
}
