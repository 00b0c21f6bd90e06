import { createECDH, type ECDH, randomBytes } from 'node:crypto';
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
  return vapidKeysOf(ecdh);
}

/**
 * The pair of a P-256 key, encoded. getPrivateKey() drops leading zero bytes (one key in 256 comes back as 31 bytes), so
 * the bytes are padded back to 32 before encoding: padding the base64url text instead shifts every bit and gives a
 * different key, whose VAPID signatures push services refuse with 401.
 */
export function vapidKeysOf(ecdh: ECDH): VapidKeys {
  const d = ecdh.getPrivateKey();
  const privateKey = Buffer.concat([Buffer.alloc(32 - d.length), d]);
  return { publicKey: ecdh.getPublicKey().toString('base64url'), privateKey: privateKey.toString('base64url') };
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
  if (!isPair(keys)) {
    // A pair written before the padding fix (one in 256) signs nothing a push service accepts: it is replaced, and
    // browsers subscribed under it subscribe again when their user next opens settings.
    fs.rmSync(file, { force: true });
    return loadOrCreateVapidKeys(dataDir);
  }
  return keys;
}

/** Whether the private key is the one behind the public key. */
export function isPair(keys: VapidKeys): boolean {
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(Buffer.from(keys.privateKey, 'base64url'));
    return ecdh.getPublicKey().toString('base64url') === keys.publicKey;
  } catch {
    return false;
  }
}
