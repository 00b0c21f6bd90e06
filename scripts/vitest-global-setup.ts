import fs from 'node:fs';
import { skipLedgerPath } from './skips';

// Clears the skip ledger before a run and prints its one-line summary after.
export function setup() {
  fs.rmSync(skipLedgerPath, { force: true });
}

export function teardown() {
  if (!fs.existsSync(skipLedgerPath)) {
    process.stdout.write('\nSkipped: nothing\n');
    return;
  }
  const lines = fs.readFileSync(skipLedgerPath, 'utf8').trim().split('\n').filter(Boolean);
  const reasons = [...new Set(lines.map((l) => (JSON.parse(l) as { what: string; why: string })).map((s) => `${s.what} (${s.why})`))];
  process.stdout.write(`\nSkipped: ${reasons.length} — ${reasons.join('; ')}\n`);
}
