import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lineCount, MAX_LINES, saysWhyLong, type SourceFile, sourceFiles, tooLong } from './file-size';

// #14: no source file over about 400 lines unless a note at its top says why (`// long file: <why>` in its first 5 lines).
const root = path.resolve(import.meta.dirname, '..');
const files = sourceFiles(root);

describe(`source files stay within ${MAX_LINES} lines`, () => {
  it('are found under apps/, packages/, e2e/, bench/ and scripts/, without installed or built files', () => {
    const names = files.map((f) => f.file);
    expect(names).toEqual(expect.arrayContaining(['apps/server/src/app.ts', 'apps/web/src/main.tsx', 'packages/contracts/src/index.ts', 'e2e/harness.ts', 'bench/run.mjs', 'scripts/test.mjs', 'scripts/file-size.test.ts']));
    expect(names.filter((n) => /(^|\/)(node_modules|dist)\//.test(n))).toEqual([]);
  });

  it(`have at most ${MAX_LINES} lines, or say why in their first 5 lines`, () => {
    expect(tooLong(files)).toEqual([]);
  });
});

describe('the check', () => {
  const lines = (n: number, head = '') => ({ text: head + Array.from({ length: n - lineCount(head) }, (_, i) => `export const x${i} = ${i};\n`).join('') });
  const file = (name: string, n: number, head = ''): SourceFile => ({ file: name, ...lines(n, head) });

  it('counts lines as wc -l does', () => {
    expect(lineCount('')).toBe(0);
    expect(lineCount('a\nb\n')).toBe(2);
    expect(lineCount('a\nb')).toBe(2);
    expect(lineCount(lines(401).text)).toBe(401);
  });

  it(`fails a file of ${MAX_LINES + 1} lines, not one of ${MAX_LINES}`, () => {
    expect(tooLong([file('apps/a.ts', MAX_LINES + 1), file('apps/b.ts', MAX_LINES)])).toEqual([`apps/a.ts (${MAX_LINES + 1} lines)`]);
  });

  it('passes a long file whose note is in its first 5 lines, not on line 6 or in another form', () => {
    const noted = (n: number) => `${'// a line\n'.repeat(n - 1)}// long file: one table of every state and event, read as a whole.\n`;
    expect(saysWhyLong(noted(1))).toBe(true);
    expect(saysWhyLong(noted(5))).toBe(true);
    expect(saysWhyLong(noted(6))).toBe(false);
    expect(saysWhyLong('/* long file: a block comment */\n')).toBe(false);
    expect(tooLong([file('apps/a.ts', 500, noted(5)), file('apps/b.ts', 500, noted(6))])).toEqual(['apps/b.ts (500 lines)']);
  });
});
