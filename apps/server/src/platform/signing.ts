import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HMAC-signed, expiring tokens for URLs that must work without a log-in (a question photo in a WhatsApp message,
 * which Meta's servers fetch). The signature covers a purpose, the value and the expiry, so a token for one thing
 * never opens another.
 */
export function createSigner(secret: string) {
  const mac = (purpose: string, value: string, expiresAtSec: number) => createHmac('sha256', secret).update(`${purpose}\n${value}\n${expiresAtSec}`).digest('base64url');
  return {
    sign(purpose: string, value: string, expiresAt: Date): { exp: number; sig: string } {
      const exp = Math.floor(expiresAt.getTime() / 1000);
      return { exp, sig: mac(purpose, value, exp) };
    },
    verify(purpose: string, value: string, exp: number, sig: string, now: Date): boolean {
      if (!Number.isInteger(exp) || exp * 1000 <= now.getTime()) return false;
      const expected = Buffer.from(mac(purpose, value, exp));
      const given = Buffer.from(sig);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
export type Signer = ReturnType<typeof createSigner>;
