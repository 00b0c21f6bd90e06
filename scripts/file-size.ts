import fs from 'node:fs';
import path from 'node:path';

// #14 "files read by verb": no source file over about 400 lines unless a note at its top says why.

export const MAX_LINES = 400;
/** The folders checked, from the repository's root. */
export const CHECKED_DIRS = ['apps', 'packages', 'e2e', 'bench', 'scripts'];
const SOURCE = /\.(ts|tsx|mjs)$/;
/** Installed, built or generated, not written here. */
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'results', 'test-results', 'data', 'coverage']);
/** A long file says why in one of its first lines: `// long file: <why>`. */
const NOTE_WITHIN_LINES = 5;
const NOTE = '// long file:';

/** Lines as `wc -l` counts them (a final newline does not start another line). */
export function lineCount(text: string): number {
  if (text === '') return 0;
  const lines = text.split('\n').length;
  return text.endsWith('\n') ? lines - 1 : lines;
}

export function saysWhyLong(text: string): boolean {
  return text
    .split('\n', NOTE_WITHIN_LINES)
    .some((line) => line.trimStart().startsWith(NOTE));
}

export interface SourceFile {
  /** From the repository's root, with forward slashes. */
  file: string;
  text: string;
}

/** Files over MAX_LINES without a note, as "path (n lines)". */
export function tooLong(files: SourceFile[]): string[] {
  return files.filter((f) => lineCount(f.text) > MAX_LINES && !saysWhyLong(f.text)).map((f) => `${f.file} (${lineCount(f.text)} lines)`);
}

/** Every .ts, .tsx and .mjs file under the checked folders of `root`. */
export function sourceFiles(root: string): SourceFile[] {
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return SKIPPED_DIRS.has(e.name) || e.name.startsWith('.') ? [] : walk(p);
      return e.isFile() && SOURCE.test(e.name) ? [p] : [];
    });
  return CHECKED_DIRS.filter((d) => fs.existsSync(path.join(root, d)))
    .flatMap((d) => walk(path.join(root, d)))
    .map((p) => ({ file: path.relative(root, p).split(path.sep).join('/'), text: fs.readFileSync(p, 'utf8') }));
}
