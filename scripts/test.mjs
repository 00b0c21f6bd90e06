#!/usr/bin/env node
// `npm test`: builds the web app (the e2e suite serves it), runs unit, integration and e2e tests with vitest,
// then prints one closing line "N passed, N failed, N skipped". When CI=true a skipped test fails the run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const env = { ...process.env, TZ: 'UTC' };
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, env, stdio: 'inherit' }).status ?? 1;

const extra = process.argv.slice(2);
if (!extra.length || extra.some((a) => a.includes('e2e'))) {
  if (run('npm', ['run', 'build', '--silent']) !== 0) {
    console.error('The web build failed; the e2e tests need it.');
    process.exit(1);
  }
}

const report = path.join(root, 'test-results/vitest.json');
fs.rmSync(report, { force: true });
const status = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra]);

let passed = 0;
let failed = 0;
let skipped = 0;
if (fs.existsSync(report)) {
  const r = JSON.parse(fs.readFileSync(report, 'utf8'));
  passed = r.numPassedTests;
  // A file that failed outside its tests (a beforeAll hook, an import) fails none of them, only skips them: count
  // it, or the closing line says "0 failed" for a failed run (stop 31's CI-like run did).
  const filesFailedOutsideTests = (r.testResults ?? []).filter((f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed')).length;
  failed = r.numFailedTests + Math.max(filesFailedOutsideTests, r.numRuntimeErrorTestSuites ?? 0);
  skipped = r.numPendingTests + r.numTodoTests;
  // The slowest files, so that the suite's time (kept well under 30 minutes on the 2-core CI machine) is tuned from
  // figures in the CI log rather than guessed.
  const files = (r.testResults ?? [])
    .map((f) => ({ file: path.relative(root, f.name), s: ((f.endTime ?? 0) - (f.startTime ?? 0)) / 1000 }))
    .filter((f) => Number.isFinite(f.s) && f.s > 0)
    .sort((a, b) => b.s - a.s);
  if (files.length) {
    console.log('\nslowest test files (wall time of each file, s):');
    for (const f of files.slice(0, 20)) console.log(`${f.s.toFixed(1).padStart(8)}  ${f.file}`);
  }
} else if (status !== 0) failed = 1;

console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (process.env.CI === 'true' && skipped > 0) {
  console.error('CI=true: skipped tests count as failures here.');
  process.exit(1);
}
process.exit(status === 0 && failed === 0 ? 0 : 1);
