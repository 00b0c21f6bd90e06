import { createCipheriv, createDecipheriv, generateKeyPair, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { exportJWK, importJWK, type JWK, SignJWT } from 'jose';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import type { LtiRepo } from './lti.repo';

const generateRsa = promisify(generateKeyPair);

/** How long a retired key stays in /lti/jwks: longer than anything we sign lives (a deep-link response, an AGS assertion). */
export const RETIRED_KEY_PUBLISHED_MS = 24 * 60 * 60 * 1000;

/**
 * AES-256-GCM under a key derived (HKDF-SHA256) from the app's signing secret, with its own purpose label, so the
 * database alone never holds a usable private key. The output is `v1.<iv>.<tag>.<ciphertext>`, base64url.
 */
export function createKeyBox(secret: string, purpose: 'lti-tool-private-keys' | 'lti-lrs-secrets' = 'lti-tool-private-keys') {
  const key = Buffer.from(hkdfSync('sha256', secret, 'tutorline', purpose, 32));
  return {
    seal(plain: string): string {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
    },
    open(sealed: string): string {
      const [v, iv, tag, body] = sealed.split('.');
      if (v !== 'v1' || !iv || !tag || body === undefined) throw new Error('not a sealed LTI secret');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}
export type KeyBox = ReturnType<typeof createKeyBox>;

/**
 * The tool's RS256 keys: 'current' signs, 'next' is already published so platforms that cache our JWKS know it before
 * it signs anything, and a rotation retires the current key while keeping it published for a day.
 */
export function createToolKeys(deps: { repo: LtiRepo; box: KeyBox; clock: Clock; logger: Logger }) {
  const { repo, box, clock, logger } = deps;

  async function newKeyRow(status: 'next' | 'current', now: Date) {
    // Off the event loop (libuv's pool): an RSA key takes a noticeable fraction of a second on a busy machine.
    const { privateKey, publicKey } = await generateRsa('rsa', { modulusLength: 2048 });
    const kid = randomUUID();
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
    const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256' };
    return { kid, status, publicJwk, privateKeyEnc: box.seal(JSON.stringify(privateJwk)), createdAt: now, activatedAt: status === 'current' ? now : null };
  }

  /** Makes the current and next keys if they are missing: on first use, not at start, so an app that never speaks LTI pays nothing. */
  let ready: Promise<void> | null = null;
  function ensureKeys(): Promise<void> {
    ready ??= (async () => {
      const now = clock.now();
      const made = await repo.ensureToolKeys(async (missing) => Promise.all(missing.map((s) => newKeyRow(s, now))), now);
      if (made.length) logger.info({ event: 'lti_tool_keys_created', kids: made }, 'LTI tool keys created');
    })().catch((err: unknown) => {
      ready = null;
      throw err;
    });
    return ready;
  }

  return {
    ensureKeys,

    /** next becomes current, current is retired (still published for a day), and a fresh next is made. */
    async rotate(): Promise<{ current: string; next: string; retired: string | null }> {
      await ensureKeys();
      const now = clock.now();
      const result = await repo.rotateToolKeys(await newKeyRow('next', now), now, new Date(now.getTime() + RETIRED_KEY_PUBLISHED_MS));
      logger.info({ event: 'lti_tool_keys_rotated', ...result }, 'LTI tool keys rotated');
      return result;
    },

    /** The public keys platforms may verify with: next, current, and retired ones still inside their grace. */
    async jwks(): Promise<{ keys: JWK[] }> {
      await ensureKeys();
      const rows = await repo.publishedToolKeys(clock.now());
      return { keys: rows.map((r) => r.publicJwk as JWK) };
    },

    /** Signs a JWT with the current key (deep-link responses and AGS client assertions use this). */
    async sign(payload: Record<string, unknown>, opts: { audience: string | string[]; issuer: string; expiresInSeconds: number }): Promise<string> {
      await ensureKeys();
      const row = await repo.currentToolKey();
      if (!row) throw new Error('no current LTI tool key');
      const key = await importJWK(JSON.parse(box.open(row.privateKeyEnc)) as JWK, 'RS256');
      const nowSec = Math.floor(clock.now().getTime() / 1000);
      return new SignJWT(payload)
        .setProtectedHeader({ alg: 'RS256', kid: row.kid, typ: 'JWT' })
        .setIssuer(opts.issuer)
        .setAudience(opts.audience)
        .setIssuedAt(nowSec)
        .setExpirationTime(nowSec + opts.expiresInSeconds)
        .setJti(randomUUID())
        .sign(key);
    },
  };
}
export type ToolKeys = ReturnType<typeof createToolKeys>;
