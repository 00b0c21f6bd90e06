import { createECDH, createPublicKey, randomBytes, verify } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import webpush from 'web-push';
import { describe, expect, it } from 'vitest';
import { generateVapidKeys, isPair, loadOrCreateVapidKeys, VAPID_KEYS_FILE, vapidKeysOf } from './vapid';

/** Signs a VAPID header with web-push (as the app's sender does) and checks it under the public key, as a push service does. */
function signsUnderItsPublicKey(keys: { publicKey: string; privateKey: string }): boolean {
  const { Authorization } = webpush.getVapidHeaders('https://push.example', 'mailto:ops@tutorline.example', keys.publicKey, keys.privateKey, 'aes128gcm');
  const [, jwt] = /^vapid t=([^,\s]+), k=/.exec(Authorization)!;
  const [h, p, s] = jwt!.split('.') as [string, string, string];
  const raw = Buffer.from(keys.publicKey, 'base64url');
  const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33, 65).toString('base64url') }, format: 'jwk' });
  return verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'));
}

describe('VAPID keys (#21)', () => {
  it('encodes a private key whose first byte is zero as the same 32 bytes, so its signatures verify (one pair in 256)', () => {
    const d = Buffer.concat([Buffer.from([0]), randomBytes(31)]);
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(d);
    expect(ecdh.getPrivateKey()).toHaveLength(31); // what Node hands back: the zero byte is gone
    const keys = vapidKeysOf(ecdh);
    expect(keys.privateKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(keys.privateKey, 'base64url').equals(d)).toBe(true);
    expect(signsUnderItsPublicKey(keys)).toBe(true);
  });

  it('makes pairs whose private key matches the public key, in the lengths the config accepts', () => {
    for (let i = 0; i < 20; i++) {
      const keys = generateVapidKeys();
      expect(keys.publicKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
      expect(keys.privateKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const again = createECDH('prime256v1');
      again.setPrivateKey(Buffer.from(keys.privateKey, 'base64url'));
      expect(again.getPublicKey().toString('base64url')).toBe(keys.publicKey);
    }
    expect(signsUnderItsPublicKey(generateVapidKeys())).toBe(true);
  });
});

describe('the development pair kept in the data folder (#21)', () => {
  it('replaces a stored pair whose private key is not the public key’s (written by the old padding), and keeps a good one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tutorline-vapid-'));
    try {
      const good = loadOrCreateVapidKeys(dir);
      expect(isPair(good)).toBe(true);
      expect(loadOrCreateVapidKeys(dir)).toEqual(good);
      // The old encoding of a 31-byte key: its text padded with 'A', a different number.
      const d = Buffer.concat([Buffer.from([0]), randomBytes(31)]);
      const ecdh = createECDH('prime256v1');
      ecdh.setPrivateKey(d);
      const broken = { publicKey: ecdh.getPublicKey().toString('base64url'), privateKey: ecdh.getPrivateKey().toString('base64url').padStart(43, 'A') };
      expect(isPair(broken)).toBe(false);
      fs.writeFileSync(path.join(dir, VAPID_KEYS_FILE), JSON.stringify(broken));
      const replaced = loadOrCreateVapidKeys(dir);
      expect(replaced.publicKey).not.toBe(broken.publicKey);
      expect(isPair(replaced)).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
