import type { PushSubscriptionBody } from '@tutorline/contracts';
import { api } from '../../lib/api';

/** What this browser can do about push (#21): unsupported, blocked by the user, subscribed, or not yet. */
export type PushDeviceState = 'unsupported' | 'denied' | 'on' | 'off';

export function pushSupported(): boolean {
  return typeof window !== 'undefined' && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

/** The applicationServerKey pushManager.subscribe wants: the VAPID public key's bytes. */
function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

async function registration(): Promise<ServiceWorkerRegistration | null> {
  if (!pushSupported()) return null;
  return (await navigator.serviceWorker.getRegistration('/')) ?? null;
}

export async function pushDeviceState(): Promise<PushDeviceState> {
  if (!pushSupported()) return 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  const reg = await registration();
  return reg && (await reg.pushManager.getSubscription()) ? 'on' : 'off';
}

/**
 * Turns push on for this browser: asks for permission (after a tap), subscribes with the server's VAPID key and stores
 * the subscription. An existing subscription is sent again, so a browser that changed its keys is up to date.
 */
export async function enablePush(): Promise<PushDeviceState> {
  if (!pushSupported()) return 'unsupported';
  if ((await Notification.requestPermission()) !== 'granted') return Notification.permission === 'denied' ? 'denied' : 'off';
  const reg = (await registration()) ?? (await navigator.serviceWorker.ready);
  const { publicKey } = await api.get<{ publicKey: string | null }>('/api/notifications/push/key');
  if (!publicKey) return 'unsupported';
  const sub = (await reg.pushManager.getSubscription()) ?? (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) }));
  await api.post('/api/notifications/push/subscriptions', sub.toJSON() as PushSubscriptionBody);
  return 'on';
}

/** What renewPush needs from the browser and the API (the tests pass their own). */
export interface RenewEnv {
  supported(): boolean;
  permission(): NotificationPermission;
  subscription(): Promise<PushSubscription | null>;
  send(body: PushSubscriptionBody): Promise<unknown>;
}

const browserEnv: RenewEnv = {
  supported: pushSupported,
  permission: () => Notification.permission,
  subscription: async () => {
    const reg = await registration();
    return reg ? reg.pushManager.getSubscription() : null;
  },
  send: (body) => api.post('/api/notifications/push/subscriptions', body),
};

/**
 * Sends this browser's existing subscription again, once per log-in: the server keeps a subscription for
 * RETAIN_PUSH_SUBSCRIPTIONS_DAYS after it was last renewed (#20), so only browsers no longer used lose it. Does nothing
 * where push is off, blocked or unsupported; never asks for permission. True when it renewed one.
 */
export async function renewPush(env: RenewEnv = browserEnv): Promise<boolean> {
  if (!env.supported() || env.permission() !== 'granted') return false;
  const sub = await env.subscription();
  if (!sub) return false;
  await env.send(sub.toJSON() as PushSubscriptionBody);
  return true;
}

export async function disablePush(): Promise<PushDeviceState> {
  const reg = await registration();
  const sub = reg ? await reg.pushManager.getSubscription() : null;
  if (sub) {
    await api.delete('/api/notifications/push/subscriptions', { endpoint: sub.endpoint });
    await sub.unsubscribe();
  }
  return pushDeviceState();
}
