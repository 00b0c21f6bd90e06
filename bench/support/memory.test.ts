import { describe, expect, it } from 'vitest';
import { bytesPerConnection } from './memory';

describe('bytesPerConnection', () => {
  it('divides the growth by the number of connections', () => {
    expect(bytesPerConnection(100_000_000, 130_000_000, 2000)).toBe(15_000);
    expect(bytesPerConnection(0, 3, 2)).toBe(1.5);
  });

  it('fails closed: no growth, shrinkage, a bad count or a non-finite value give NaN', () => {
    expect(bytesPerConnection(100, 100, 10)).toBeNaN();
    expect(bytesPerConnection(200, 100, 10)).toBeNaN();
    expect(bytesPerConnection(100, 200, 0)).toBeNaN();
    expect(bytesPerConnection(100, 200, -5)).toBeNaN();
    expect(bytesPerConnection(100, 200, 2.5)).toBeNaN();
    expect(bytesPerConnection(Number.NaN, 200, 10)).toBeNaN();
    expect(bytesPerConnection(100, Number.POSITIVE_INFINITY, 10)).toBeNaN();
    expect(bytesPerConnection(-1, 200, 10)).toBeNaN();
  });
});
