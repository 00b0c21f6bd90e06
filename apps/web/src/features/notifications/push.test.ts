import { describe, expect, it } from 'vitest';
import { type RenewEnv, renewPush } from './push';

const subscription = { toJSON: () => ({ endpoint: 'https://push.example.test/abc', keys: { p256dh: 'p', auth: 'a' } }) } as unknown as PushSubscription;

function env(over: Partial<RenewEnv> = {}) {
  const sent: unknown[] = [];
  const e: RenewEnv = { supported: () => true, permission: () => 'granted', subscription: async () => subscription, send: async (b) => void sent.push(b), ...over };
  return { e, sent };
}

describe('renewPush (#20: a subscription is kept for a while after its last renewal)', () => {
  it("sends this browser's existing subscription again", async () => {
    const { e, sent } = env();
    expect(await renewPush(e)).toBe(true);
    expect(sent).toEqual([{ endpoint: 'https://push.example.test/abc', keys: { p256dh: 'p', auth: 'a' } }]);
  });

  it('does nothing where push is unsupported, not granted, or not subscribed', async () => {
    for (const over of [{ supported: () => false }, { permission: () => 'default' as const }, { permission: () => 'denied' as const }, { subscription: async () => null }]) {
      const { e, sent } = env(over);
      expect(await renewPush(e)).toBe(false);
      expect(sent).toEqual([]);
    }
  });
});
