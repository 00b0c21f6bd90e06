import { describe, expect, it } from 'vitest';
import { createSigner } from './signing';

describe('signed URL tokens', () => {
  const signer = createSigner('a-test-secret-that-is-long-enough-1234');
  const now = new Date('2026-11-27T10:00:00Z');
  const later = new Date(now.getTime() + 60_000);

  it('verifies its own token until it expires', () => {
    const { exp, sig } = signer.sign('photo', 'abc', later);
    expect(signer.verify('photo', 'abc', exp, sig, now)).toBe(true);
    expect(signer.verify('photo', 'abc', exp, sig, new Date(later.getTime() + 1000))).toBe(false);
  });
  it('refuses another value, another purpose, a changed expiry, a tampered or foreign signature', () => {
    const { exp, sig } = signer.sign('photo', 'abc', later);
    expect(signer.verify('photo', 'abd', exp, sig, now)).toBe(false);
    expect(signer.verify('avatar', 'abc', exp, sig, now)).toBe(false);
    expect(signer.verify('photo', 'abc', exp + 3600, sig, now)).toBe(false);
    expect(signer.verify('photo', 'abc', exp, `${sig.slice(0, -1)}A`, now)).toBe(false);
    expect(signer.verify('photo', 'abc', exp, 'short', now)).toBe(false);
    expect(createSigner('another-secret-that-is-long-enough-9876').verify('photo', 'abc', exp, sig, now)).toBe(false);
  });
});
