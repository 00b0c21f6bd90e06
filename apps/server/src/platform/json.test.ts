import { describe, expect, it } from 'vitest';
import { AppError } from './errors';
import { jsonNestingExceeds, MAX_JSON_DEPTH, parseJsonBytes } from './json';

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('jsonNestingExceeds', () => {
  it('counts arrays and objects, on text and on bytes alike', () => {
    for (const input of [nested(64), `{"a":${nested(63)}}`]) {
      expect(jsonNestingExceeds(input)).toBe(false);
      expect(jsonNestingExceeds(Buffer.from(input))).toBe(false);
    }
    for (const input of [nested(65), `{"a":{"b":${nested(63)}}}`, '['.repeat(300_000)]) {
      expect(jsonNestingExceeds(input)).toBe(true);
      expect(jsonNestingExceeds(Buffer.from(input))).toBe(true);
    }
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    const s = JSON.stringify({ text: `${'['.repeat(100)}\\"{{{ "quoted" ${'{'.repeat(100)}`, ok: [1, [2]] });
    expect(jsonNestingExceeds(s)).toBe(false);
    expect(jsonNestingExceeds(Buffer.from(s))).toBe(false);
    // Multi-byte characters next to brackets (UTF-8 never contains these ASCII bytes inside a character).
    expect(jsonNestingExceeds(Buffer.from(`["é${'['.repeat(80)}🙂"]`))).toBe(false);
  });

  it('counts siblings once: depth goes back down after each close', () => {
    expect(jsonNestingExceeds(`[${Array.from({ length: 1000 }, () => nested(60)).join(',')}]`)).toBe(false);
  });

  it('takes another limit', () => {
    expect(jsonNestingExceeds('[[[]]]', 2)).toBe(true);
    expect(jsonNestingExceeds('[[]]', 2)).toBe(false);
  });
});

describe('parseJsonBytes', () => {
  it('parses ordinary JSON', () => {
    expect(parseJsonBytes(Buffer.from('{"a":[1,"x"]}'))).toEqual({ a: [1, 'x'] });
  });

  it('refuses depth, bad syntax and proto poisoning with a 400 AppError', () => {
    const code = (raw: string) => {
      try {
        parseJsonBytes(Buffer.from(raw));
      } catch (err) {
        expect(err).toBeInstanceOf(AppError);
        expect((err as AppError).status).toBe(400);
        return (err as AppError).code;
      }
      return 'parsed';
    };
    expect(code(nested(MAX_JSON_DEPTH + 1))).toBe('json_too_deep');
    expect(code('{"a":')).toBe('invalid_json');
    expect(code('{"__proto__":{"x":1}}')).toBe('invalid_json');
    expect(code('{"constructor":{"prototype":{"x":1}}}')).toBe('invalid_json');
  });
});
