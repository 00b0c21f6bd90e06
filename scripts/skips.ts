import fs from 'node:fs';
import path from 'node:path';

export const skipLedgerPath = path.resolve(import.meta.dirname, '../test-results/skips.jsonl');

/**
 * Records that a suite could not run, and why. Outside CI the suite may then skip itself;
 * when CI=true a skip is a failure, so this throws instead.
 */
export function skipBecause(what: string, why: string): void {
  if (process.env.CI === 'true') throw new Error(`${what} cannot run in CI: ${why}`);
  notRunBecause(what, why);
}

/**
 * Records a part of a suite that is not run because the engine under test lacks the feature, where the issue allows
 * exactly that (#21: Debian's WebKitGTK has no WebRTC, so the WebKit call part). Unlike skipBecause it does not throw in
 * CI: the suite proves the absence with an assertion, which fails the day the feature arrives. The closing summary
 * line lists it with the skips, so a run never reads "Skipped: nothing" while a part was left out.
 */
export function notRunBecause(what: string, why: string): void {
  fs.mkdirSync(path.dirname(skipLedgerPath), { recursive: true });
  fs.appendFileSync(skipLedgerPath, `${JSON.stringify({ what, why })}\n`);
}
