/**
 * `npm run load -- <scenario> [knobs]`: bounded load against a cluster on loopback. One scenario so far, `peak`: the
 * compressed peak hour (decision 097; knobs in bench/support/peak-options.ts). Prints a readable report, then one
 * JSON line with every figure, also written to bench/results/load-peak.json. Exit code 0 when the run finished (its
 * `ok` says whether errors were 0, as a benchmark's says whether it met its target), 1 when it crashed, 2 for bad options.
 */
import fs from 'node:fs';
import path from 'node:path';
import { benchDir, runBench } from '../lib';
import { parsePeakOptions, PeakOptionsError, usage } from '../support/peak-options';
import { runPeak } from './peak';
import { describePeak } from './peak-report';

const [scenario, ...rest] = process.argv.slice(2);
if (scenario !== 'peak') {
  process.stderr.write(`${scenario ? `No load scenario named "${scenario}".` : 'Name a load scenario.'}\n${usage}\n`);
  process.exit(2);
}
let options;
try {
  options = parsePeakOptions(rest, process.env);
} catch (err) {
  if (!(err instanceof PeakOptionsError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(2);
}

await runBench('load-peak', async () => {
  const figures = await runPeak(options);
  for (const line of describePeak(figures)) console.log(line);
  const out = { load: 'peak', ok: figures.errors === 0, ...figures };
  fs.mkdirSync(path.join(benchDir, 'results'), { recursive: true });
  fs.writeFileSync(path.join(benchDir, 'results', 'load-peak.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log(JSON.stringify(out));
});
