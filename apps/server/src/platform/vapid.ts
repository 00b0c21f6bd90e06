import { createECDH, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** A VAPID key pair (RFC 8292): P-256, base64url without padding, as web-push and pushManager.subscribe take them. */
export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

export const VAPID_KEYS_FILE = 'vapid-keys.json';

export function generateVapidKeys(): VapidKeys {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  // The private key is 32 bytes; a leading zero byte is dropped by getPrivateKey, so pad it back.
  return { publicKey: ecdh.getPublicKey().toString('base64url'), privateKey: ecdh.getPrivateKey().toString('base64url').padStart(43, 'A') };
}

/**
 * Development without VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY: a pair made on first start and kept in `dataDir` (owner-only),
 * so browsers' subscriptions keep working across restarts. Production never comes here: config refuses to start without keys.
 */
export function loadOrCreateVapidKeys(dataDir: string): VapidKeys {
  const file = path.join(dataDir, VAPID_KEYS_FILE);
  fs.mkdirSync(dataDir, { recursive: true });
  if (!fs.existsSync(file)) {
    // Written to a draft, then linked into place: of two processes starting at once, exactly one pair wins (as signing.ts).
    const draft = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
    fs.writeFileSync(draft, JSON.stringify(generateVapidKeys()), { mode: 0o600, flag: 'wx' });
    try {
      fs.linkSync(draft, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      fs.rmSync(draft, { force: true });
    }
  }
  const keys = JSON.parse(fs.readFileSync(file, 'utf8')) as VapidKeys;
  if (typeof keys.publicKey !== 'string' || typeof keys.privateKey !== 'string') throw new Error(`${file} does not hold a VAPID key pair: delete it to make a new one`);
  return keys;
}
