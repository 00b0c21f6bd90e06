import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSigner, loadOrCreateSigningSecret, SIGNING_SECRET_FILE } from './signing';

const DAY = 86_400;

describe('signed URL tokens', () => {
  const signer = createSigner('a-test-secret-that-is-long-enough-1234', { maxTtlSeconds: DAY });
  const now = new Date('2026-11-27T10:00:00Z');
  const later = new Date(now.getTime() + 60_000);

  it('verifies its own token until it expires', () => {
    const { exp, sig } = signer.sign('photo', 'abc', later);
    expect(signer.verify('photo', 'abc', exp, sig, now)).toBe(true);
    expect(signer.verify('photo', 'abc', exp, sig, new Date(later.getTime() + 1000))).toBe(false);
  });
  it('refuses another value, another purpose, a changed expiry, a tampered or foreign signature', () => {
    const { exp, sig } = signer.sign('photo', 'abc', later);
    expect(signer.verify('photo', 'abd', exp, sig, now)).toBe(false);
    expect(signer.verify('avatar', 'abc', exp, sig, now)).toBe(false);
    expect(signer.verify('photo', 'abc', exp + 3600, sig, now)).toBe(false);
    expect(signer.verify('photo', 'abc', exp, `${sig.slice(0, -1)}A`, now)).toBe(false);
    expect(signer.verify('photo', 'abc', exp, 'short', now)).toBe(false);
    expect(createSigner('another-secret-that-is-long-enough-9876', { maxTtlSeconds: DAY }).verify('photo', 'abc', exp, sig, now)).toBe(false);
  });
  it('refuses a correctly signed token whose expiry lies beyond the configured maximum (a 10-year link)', () => {
    const tenYears = signer.sign('photo', 'abc', new Date(now.getTime() + 10 * 365 * DAY * 1000));
    expect(signer.verify('photo', 'abc', tenYears.exp, tenYears.sig, now)).toBe(false);
    const justOver = signer.sign('photo', 'abc', new Date(now.getTime() + (DAY + 1) * 1000));
    expect(signer.verify('photo', 'abc', justOver.exp, justOver.sig, now)).toBe(false);
    const atMax = signer.sign('photo', 'abc', new Date(now.getTime() + DAY * 1000));
    expect(signer.verify('photo', 'abc', atMax.exp, atMax.sig, now)).toBe(true);
    // The same link becomes acceptable once it is within the window, and never after it expires.
    expect(signer.verify('photo', 'abc', justOver.exp, justOver.sig, new Date(now.getTime() + 2000))).toBe(true);
  });
});

describe('the development signing secret', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-signing-'));
    dirs.push(dir);
    return path.join(dir, 'data');
  };
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('is random, made once, kept in DATA_DIR readable by its owner only, and the same on the next start', () => {
    const dataDir = tempDir();
    const first = loadOrCreateSigningSecret(dataDir);
    const file = path.join(dataDir, SIGNING_SECRET_FILE);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadOrCreateSigningSecret(dataDir)).toBe(first);
    // Another data folder gets another secret: nothing about it is derived from the configuration.
    expect(loadOrCreateSigningSecret(tempDir())).not.toBe(first);
  });

  it('tightens the permissions of a secret file others could read, and refuses one too short to be a secret', () => {
    const dataDir = tempDir();
    fs.mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, SIGNING_SECRET_FILE);
    fs.writeFileSync(file, 'x'.repeat(40), { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    expect(loadOrCreateSigningSecret(dataDir)).toBe('x'.repeat(40));
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    fs.writeFileSync(file, 'short');
    expect(() => loadOrCreateSigningSecret(dataDir)).toThrow(/fewer than 32 characters/);
  });
});
