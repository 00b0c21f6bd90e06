import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface SignerOptions {
  /** A token whose expiry lies further than this from `now` is refused, however it was signed. */
  maxTtlSeconds: number;
}

/**
 * HMAC-signed, expiring tokens for URLs that must work without a log-in (a question photo in a WhatsApp message,
 * which Meta's servers fetch). The signature covers a purpose, the value and the expiry, so a token for one thing
 * never opens another; and no expiry beyond `maxTtlSeconds` is accepted, so even a leaked secret or a careless caller
 * cannot mint a link that works for years.
 */
export function createSigner(secret: string, options: SignerOptions) {
  const maxMs = options.maxTtlSeconds * 1000;
  const mac = (purpose: string, value: string, expiresAtSec: number) => createHmac('sha256', secret).update(`${purpose}\n${value}\n${expiresAtSec}`).digest('base64url');
  return {
    maxTtlSeconds: options.maxTtlSeconds,
    sign(purpose: string, value: string, expiresAt: Date): { exp: number; sig: string } {
      const exp = Math.floor(expiresAt.getTime() / 1000);
      return { exp, sig: mac(purpose, value, exp) };
    },
    verify(purpose: string, value: string, exp: number, sig: string, now: Date): boolean {
      if (!Number.isInteger(exp) || exp * 1000 <= now.getTime()) return false;
      if (exp * 1000 - now.getTime() > maxMs) return false;
      const expected = Buffer.from(mac(purpose, value, exp));
      const given = Buffer.from(sig);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
export type Signer = ReturnType<typeof createSigner>;

export const SIGNING_SECRET_FILE = 'signing-secret';
const MIN_SECRET_CHARS = 32;

/**
 * Development and tests without SIGNING_SECRET: a random secret made once and kept in `dataDir` (readable by its
 * owner only), so links survive a restart but nobody can compute the secret from the configuration.
 */
export function loadOrCreateSigningSecret(dataDir: string): string {
  const file = path.join(dataDir, SIGNING_SECRET_FILE);
  fs.mkdirSync(dataDir, { recursive: true });
  if (!fs.existsSync(file)) {
    // Written whole to a file of its own, then linked into place: a link fails if the name exists, so of two processes
    // starting at once on one folder exactly one secret wins, and nobody can read a file that is created but not yet
    // written (as with a plain exclusive create, which the other process could read empty).
    const draft = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
    fs.writeFileSync(draft, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
    try {
      fs.linkSync(draft, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      fs.rmSync(draft, { force: true });
    }
  }
  if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
  const secret = fs.readFileSync(file, 'utf8').trim();
  if (secret.length < MIN_SECRET_CHARS) throw new Error(`${file} holds fewer than ${MIN_SECRET_CHARS} characters; delete it to make a new signing secret`);
  return secret;
}
