import { beforeEach, describe, expect, it, vi } from 'vitest';

// Spy on the one constant-time primitive: the check must go through it (a plain === would leak where codes differ).
const spy = vi.hoisted(() => ({ calls: [] as [Buffer, Buffer][] }));
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return {
    ...real,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      spy.calls.push([Buffer.from(a as Uint8Array), Buffer.from(b as Uint8Array)]);
      return real.timingSafeEqual(a, b);
    },
  };
});

const { createLinking, sameCodeHash } = await import('./whatsapp.linking');
type Repo = Parameters<typeof createLinking>[0]['repo'];

/** Just the repo calls linking makes, in memory. */
function memoryRepo() {
  const codes = new Map<string, { codeHash: string; origin: 'web' | 'whatsapp'; userId: string | null; waId: string | null; expiresAt: Date; createdAt: Date }>();
  const repo = {
    db: {},
    async addLinkCode(v: { codeHash: string; origin: 'web' | 'whatsapp'; userId?: string; waId?: string; expiresAt: Date; createdAt: Date }) {
      const old = codes.get(v.codeHash);
      if (old && old.expiresAt > v.createdAt) return false;
      codes.set(v.codeHash, { userId: null, waId: null, ...v });
      return true;
    },
    async dropLinkCodesOf() {},
    async takeLinkCode(h: string) {
      const row = codes.get(h);
      codes.delete(h);
      return row;
    },
    async countLinkAttempt() {
      return { attempts: 1, windowEndsAt: new Date(Date.now() + 60_000) };
    },
  };
  return { codes, repo: repo as unknown as Repo };
}

const logger = { info() {}, warn() {} } as unknown as Parameters<typeof createLinking>[0]['logger'];

describe('link codes are checked in constant time', () => {
  beforeEach(() => {
    spy.calls.length = 0;
  });

  it('sameCodeHash compares the digests with timingSafeEqual, and refuses digests of another length without it', () => {
    const a = Buffer.alloc(32, 1).toString('base64url');
    expect(sameCodeHash(a, a)).toBe(true);
    expect(sameCodeHash(a, Buffer.alloc(32, 2).toString('base64url'))).toBe(false);
    expect(spy.calls).toHaveLength(2);
    expect(sameCodeHash(a, Buffer.alloc(16, 1).toString('base64url'))).toBe(false);
    expect(spy.calls).toHaveLength(2);
  });

  it('a try at a code goes through the constant-time check of its HMAC, and codes are stored only as HMACs', async () => {
    const { codes, repo } = memoryRepo();
    const linking = createLinking({ repo, clock: { now: () => new Date('2026-11-22T10:00:00Z') }, logger, secret: 'x'.repeat(32), drawCode: () => '123456' });
    const { code } = await linking.issueForNumber('919800000001');
    expect([...codes.keys()]).toEqual([linking.hashOf('whatsapp', code)]);
    expect(JSON.stringify([...codes.values()])).not.toContain(code);
    spy.calls.length = 0;
    await expect(linking.tryFromWeb('user-1', '203.0.113.7', code)).resolves.toEqual({ ok: true, value: { waId: '919800000001' } });
    expect(spy.calls).toHaveLength(1);
    const [presented, stored] = spy.calls[0]!;
    expect(presented.equals(Buffer.from(linking.hashOf('whatsapp', code), 'base64url'))).toBe(true);
    expect(stored.length).toBe(32);
    // Used once: gone.
    await expect(linking.tryFromWeb('user-1', '203.0.113.7', code)).resolves.toEqual({ ok: false, reason: 'unknown_code' });
  });
});
