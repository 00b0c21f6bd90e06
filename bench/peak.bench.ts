/**
 * Claim latency under the peak hour (#19, decision 097): the compressed peak hour of `npm run load -- peak` (same
 * knobs: bench/support/peak-options.ts), on 3 nodes + HAProxy, PostgreSQL and Redis. Baseline: the same claim path
 * (a photo question dispatched to the online tutors, several racing to accept) on the idle cluster, one question at a
 * time with nothing else running, measured in the same run before the peak.
 * Headline: claim p99 during the peak / claim p99 idle, lower is better, target ≤ 3; ok only with 0 errors.
 */
import { report, ratio, runBench } from './lib';
import { parsePeakOptions } from './support/peak-options';
import { runPeak } from './load/peak';
import { describePeak } from './load/peak-report';

const NAME = 'peak';
const TARGET = 3;

await runBench(NAME, async () => {
  const figures = await runPeak(parsePeakOptions(process.argv.slice(2), process.env));
  for (const line of describePeak(figures)) console.log(line);
  const headline = ratio(figures.claimMs.peak.p99Ms, figures.claimMs.idle.p99Ms);
  report({ bench: NAME, ratio: headline, better: 'lower', target: TARGET, ok: figures.errors === 0, claimP99PeakMs: figures.claimMs.peak.p99Ms, claimP99IdleMs: figures.claimMs.idle.p99Ms, ...figures });
});
