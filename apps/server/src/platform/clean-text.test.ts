import { describe, expect, it } from 'vitest';
import { cleanJson, cleanText } from './clean-text';

describe('cleanText', () => {
  it('strips NUL and replaces lone surrogates with U+FFFD, keeping real pairs', () => {
    expect(cleanText('a\u0000b\u0000')).toBe('ab');
    expect(cleanText('x\ud800y')).toBe('x\ufffdy');
    expect(cleanText('\udc00start')).toBe('\ufffdstart');
    expect(cleanText('end\ud83d')).toBe('end\ufffd');
    expect(cleanText('emoji 🙂 and 𝔸')).toBe('emoji 🙂 and 𝔸');
    expect(cleanText('\udc00\ud800')).toBe('\ufffd\ufffd');
    expect(cleanText('ok')).toBe('ok');
  });

  it('leaves text that encodes to the same UTF-8 as before', () => {
    const s = cleanText('a\u0000\ud800b');
    expect(Buffer.from(s, 'utf8').toString('utf8')).toBe(s);
  });
});

describe('cleanJson', () => {
  it('cleans every string, keys included, and keeps numbers, booleans and null', () => {
    const v = { 'k\u0000': ['a\ud800', 1, true, null, { n: 'x\u0000y' }], plain: 'ok' };
    expect(cleanJson(v)).toEqual({ k: ['a\ufffd', 1, true, null, { n: 'xy' }], plain: 'ok' });
    expect(JSON.stringify(cleanJson(v))).not.toMatch(/\\u0000|\\ud800/);
  });

  it('keeps a "__proto__" key a plain key, as JSON.parse made it', () => {
    const parsed = JSON.parse('{"__proto__":{"polluted":true},"a":1}') as Record<string, unknown>;
    const cleaned = cleanJson(parsed);
    expect(Object.getPrototypeOf(cleaned)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((cleaned as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(cleaned)).toEqual(['__proto__', 'a']);
  });
});
