#!/usr/bin/env node
// Writes scripts/test-durations.json from the last `npm test` run's report (test-results/vitest.json): each file's
// wall time in seconds, by path. The test sequencer (scripts/vitest-sequencer.ts) runs the longest
// files first with it. Run after a full run on a quiet machine, and commit the result.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const report = JSON.parse(fs.readFileSync(path.join(root, 'test-results/vitest.json'), 'utf8'));
const out = {};
for (const f of report.testResults ?? []) {
  const file = path.relative(root, f.name);
  const s = ((f.endTime ?? 0) - (f.startTime ?? 0)) / 1000;
  if (Number.isFinite(s) && s > 0) out[file] = Math.round(s * 10) / 10;
}
const sorted = Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
fs.writeFileSync(path.join(root, 'scripts/test-durations.json'), `${JSON.stringify(sorted, null, 1)}\n`);
console.log(`scripts/test-durations.json: ${Object.keys(sorted).length} files`);
