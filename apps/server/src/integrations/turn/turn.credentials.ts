import { createHmac } from 'node:crypto';

/**
 * Time-limited TURN credentials in coturn's `--use-auth-secret` scheme (the "TURN REST API"):
 * username = "<expiry unix seconds>:<user id>", credential = base64(HMAC-SHA1(shared secret, username)).
 * The browser gets these per participant and never sees the shared secret.
 */
export interface TurnCredential {
  username: string;
  credential: string;
  expiresAt: Date;
}

export function turnPassword(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username).digest('base64');
}

export function issueTurnCredential(opts: { secret: string; userId: string; now: Date; ttlSeconds: number }): TurnCredential {
  const expiry = Math.floor(opts.now.getTime() / 1000) + opts.ttlSeconds;
  const username = `${expiry}:${opts.userId}`;
  return { username, credential: turnPassword(opts.secret, username), expiresAt: new Date(expiry * 1000) };
}
