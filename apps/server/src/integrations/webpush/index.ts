import type { Agent } from 'node:https';
import webpush from 'web-push';

/** A stored subscription, as the push service and the browser agreed it. */
export interface PushTarget {
  endpoint: string;
  p256dh: string;
  auth: string;
}

/** The push service's answer: its HTTP status (null when none came: a network error, a timeout) and Retry-After in ms. */
export interface PushAnswer {
  status: number | null;
  retryAfterMs: number | null;
  message: string;
}

export interface PushSender {
  send(target: PushTarget, body: string, opts: { ttlSeconds: number; urgency: 'very-low' | 'low' | 'normal' | 'high'; topic?: string }): Promise<PushAnswer>;
}

const TIMEOUT_MS = 10_000;

function retryAfterMs(headers: Record<string, string | string[] | undefined> | undefined): number | null {
  const raw = headers?.['retry-after'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  // An HTTP date: no clock is at hand here, and push services send seconds in practice; the runner's back-off applies.
  return null;
}

/**
 * Web Push through the `web-push` library (decision 078): RFC 8291 aes128gcm encryption to the browser's keys and an
 * RFC 8292 VAPID signature, POSTed to the subscription's endpoint (RFC 8030). It never throws: every outcome is an answer.
 */
export function createWebPushSender(vapid: { publicKey: string; privateKey: string; subject: string }, agent?: Agent): PushSender {
  return {
    async send(target, body, opts) {
      try {
        const res = await webpush.sendNotification({ endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } }, body, {
          vapidDetails: vapid,
          TTL: opts.ttlSeconds,
          urgency: opts.urgency,
          ...(opts.topic ? { topic: opts.topic } : {}),
          contentEncoding: 'aes128gcm',
          timeout: TIMEOUT_MS,
          ...(agent ? { agent } : {}),
        });
        return { status: res.statusCode, retryAfterMs: null, message: 'sent' };
      } catch (err) {
        if (err instanceof webpush.WebPushError) return { status: err.statusCode, retryAfterMs: retryAfterMs(err.headers), message: err.body || err.message };
        return { status: null, retryAfterMs: null, message: err instanceof Error ? err.message : String(err) };
      }
    },
  };
}
