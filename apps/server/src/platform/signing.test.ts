import { spawn } from 'node:child_process';
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

  it('gives processes starting at once on one folder the same secret, and none a half-written one', async () => {
    // Two nodes sharing DATA_DIR once failed to start: one read the file the other had created but not yet written.
    const base = tempDir();
    fs.mkdirSync(base, { recursive: true });
    const go = path.join(base, 'go');
    const folders = 150;
    const script = `
      const fs = require('node:fs');
      const { loadOrCreateSigningSecret } = require(${JSON.stringify(path.join(import.meta.dirname, 'signing.ts'))});
      console.log('ready');
      while (!fs.existsSync(${JSON.stringify(go)})) {}
      const out = [];
      for (let i = 0; i < ${folders}; i++) {
        try { out.push(loadOrCreateSigningSecret(${JSON.stringify(base)} + '/f' + i)); } catch (err) { out.push('error: ' + err.message); }
      }
      console.log(JSON.stringify(out));`;
    const runs = Array.from({ length: 4 }, () => {
      const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      const ready = new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => ((out += String(d)), out.startsWith('ready') && resolve())));
      const done = new Promise<string[]>((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.slice(out.indexOf('\n') + 1)) as string[]) : reject(new Error(`exit ${code}`)))));
      return { ready, done };
    });
    await Promise.all(runs.map((r) => r.ready));
    fs.writeFileSync(go, '');
    const results = await Promise.all(runs.map((r) => r.done));
    for (let i = 0; i < folders; i++) {
      const seen = new Set(results.map((r) => r[i]));
      expect([...seen], `folder ${i}`).toHaveLength(1);
      expect([...seen][0]!.length, `folder ${i}: ${[...seen][0]}`).toBeGreaterThanOrEqual(32);
      expect(fs.readdirSync(path.join(base, `f${i}`)), 'no draft left behind').toEqual([SIGNING_SECRET_FILE]);
    }
  }, 60_000);

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
