#!/usr/bin/env node
// `npm run bench -- <name>` runs bench/<name>.bench.ts; `npm run bench` lists them.
// Exit code: the benchmark's own (non-zero only when it crashed, never because a target was missed).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const here = import.meta.dirname;
const repoRoot = path.resolve(here, '..');
const available = fs
  .readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length))
  .sort();

function list(stream = process.stdout) {
  stream.write('Benchmarks (run one with `npm run bench -- <name>`):\n');
  for (const name of available) stream.write(`  ${name}\n`);
}

const [name, ...rest] = process.argv.slice(2);
if (!name || name === '--list' || name === '-l') {
  list();
  process.exit(0);
}
if (!available.includes(name)) {
  process.stderr.write(`No benchmark named "${name}".\n`);
  list(process.stderr);
  process.exit(2);
}

const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, `${name}.bench.ts`), ...rest], {
  cwd: repoRoot,
  env: process.env,
  stdio: 'inherit',
});

// Pass Ctrl-C / termination on to the benchmark so it can stop its servers and drop its database.
const forward = (signal) => () => {
  if (child.exitCode === null && child.pid) process.kill(child.pid, signal);
};
process.on('SIGINT', forward('SIGINT'));
process.on('SIGTERM', forward('SIGTERM'));

child.on('error', (err) => {
  process.stderr.write(`could not start the benchmark: ${err.message}\n`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  if (signal) process.stderr.write(`benchmark ${name} was killed by ${signal}\n`);
  process.exit(code ?? 1);
});
