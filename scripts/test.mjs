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
  failed = r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
  skipped = r.numPendingTests + r.numTodoTests;
} else if (status !== 0) failed = 1;

console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (process.env.CI === 'true' && skipped > 0) {
  console.error('CI=true: skipped tests count as failures here.');
  process.exit(1);
}
process.exit(status === 0 && failed === 0 ? 0 : 1);
