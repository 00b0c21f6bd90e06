import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

/**
 * The README promises Node.js 20.19 or newer (decision 032). npm only warns about a dependency that wants a newer Node
 * unless engine-strict is set, so a lockfile update could quietly pull in one that needs Node 22 (as cookie@2 and
 * content-disposition@3 once did). This reads the lockfile and checks every installed package against the oldest Node
 * the project supports.
 */
const root = path.resolve(import.meta.dirname, '..');
const rootPackage = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines?: { node?: string } };
const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: unknown; optional?: boolean; dev?: boolean }>;
};

describe('Node engines', () => {
  it('the project promises Node 20.19 or newer, and npm refuses a package that wants more (engine-strict)', () => {
    expect(rootPackage.engines?.node).toBe('>=20.19');
    expect(fs.readFileSync(path.join(root, '.npmrc'), 'utf8')).toMatch(/^engine-strict=true$/m);
  });

  it('every package in the lockfile runs on the oldest Node the README promises (20.19.0)', () => {
    const oldest = semver.minVersion(rootPackage.engines!.node!)!.version;
    const refused: string[] = [];
    let checked = 0;
    for (const [where, pkg] of Object.entries(lock.packages)) {
      if (!where) continue;
      // Old packages sometimes list engines as an array of strings; only a string range is enforced by npm.
      const range = pkg.engines && typeof pkg.engines === 'object' && !Array.isArray(pkg.engines) ? (pkg.engines as { node?: unknown }).node : undefined;
      if (typeof range !== 'string') continue;
      checked++;
      if (!semver.satisfies(oldest, range, { includePrerelease: true })) refused.push(`${where}@${pkg.version ?? '?'} wants node ${range}`);
    }
    expect(checked).toBeGreaterThan(100);
    expect(refused).toEqual([]);
  });

  it('the check would catch a package that needs Node 22', () => {
    expect(semver.satisfies('20.19.0', '>=22')).toBe(false);
    expect(semver.satisfies('20.19.0', '^20.19.0 || >=22.12.0')).toBe(true);
  });
});
