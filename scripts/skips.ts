import fs from 'node:fs';
import path from 'node:path';

export const skipLedgerPath = path.resolve(import.meta.dirname, '../test-results/skips.jsonl');

/**
 * Records that a suite could not run, and why. Outside CI the suite may then skip itself;
 * when CI=true a skip is a failure, so this throws instead.
 */
export function skipBecause(what: string, why: string): void {
  if (process.env.CI === 'true') throw new Error(`${what} cannot run in CI: ${why}`);
  fs.mkdirSync(path.dirname(skipLedgerPath), { recursive: true });
  fs.appendFileSync(skipLedgerPath, `${JSON.stringify({ what, why })}\n`);
}
