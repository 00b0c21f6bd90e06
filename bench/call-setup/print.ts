import type { Page } from 'playwright-core';
import { median, round } from '../lib';
import { type Milestones, type Round, TOTALS } from './rounds';

// What call-setup.bench.ts prints: each round, where the time goes, and (exploration) the pages' CPU profiles.

/** Exploration (BENCH_PROFILE=1): the page's JS CPU profile from opening the room to the first frame. */
export const profile = process.env.BENCH_PROFILE === '1';
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
export async function startProfiler(page: Page): Promise<() => Promise<{ nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  return async () => (await cdp.send('Profiler.stop')).profile as unknown as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
}
/** Self time by function (file:line), top 15. */
export function printProfile(label: string, prof: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }) {
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

export const fmt = (ms: number) => (Number.isNaN(ms) ? 'FAIL' : String(Math.round(ms)));

export function printRound(label: string, r: Round, roles: [string, string]) {
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
export function breakdown(rs: Round[], roles: [string, string]) {
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

export function printBreakdown(ours: Record<string, Record<string, number | null>>, bare: Record<string, Record<string, number | null>>) {
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
