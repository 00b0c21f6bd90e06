import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { breakpointsOf, classesStyledTwice, maxLines, type Sheet, sheetProblems, undefinedTokens } from './css-sheets';

// #14: apps/web/src's styles are one sheet per feature (and ui/, shell/, styles/ for what they share). These parse every
// sheet with postcss and fail on what a bad merge or paste leaves behind; the samples below prove each check fires.
const web = path.resolve(import.meta.dirname, '../apps/web/src');

function filesUnder(dir: string, ext: RegExp): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p, ext) : ext.test(e.name) ? [p] : [];
  });
}

const sheets: Sheet[] = filesUnder(web, /\.css$/).map((p) => ({ file: path.relative(web, p), css: fs.readFileSync(p, 'utf8') }));
const tokens = sheets.find((s) => s.file === 'styles/tokens.css')?.css ?? '';
const breakpoints = breakpointsOf(tokens);
/** Sheet (path under src) → the modules that import it. */
const importers = new Map<string, string[]>();
for (const p of filesUnder(web, /\.tsx?$/)) {
  for (const m of fs.readFileSync(p, 'utf8').matchAll(/^import '(\.[^']+\.css)';$/gm)) {
    const sheet = path.relative(web, path.resolve(path.dirname(p), m[1]!));
    importers.set(sheet, [...(importers.get(sheet) ?? []), path.relative(web, p)]);
  }
}
const global = (file: string) => file.startsWith('styles/') || file.startsWith('ui/');

describe("the web app's stylesheets", () => {
  it('exist, with the tokens in styles/tokens.css and its breakpoints listed', () => {
    expect(sheets.length).toBeGreaterThan(20);
    expect([...breakpoints].sort((a, b) => a - b)).toEqual([420, 480, 640, 760, 960]);
  });

  it('parse, with every block closed, no rule inside a rule, no selector twice in a sheet and only listed breakpoints', () => {
    expect(sheets.flatMap((s) => sheetProblems(s, breakpoints))).toEqual([]);
  });

  it(`stay under ${maxLines} lines, or say why in their first comment`, () => {
    // (Checked by sheetProblems above; this names the sheets, for the reader.)
    expect(sheets.filter((s) => s.css.split('\n').length > maxLines && !/longer than \d+ lines because/i.test(s.css.slice(0, 400))).map((s) => s.file)).toEqual([]);
  });

  it('read only custom properties some sheet declares, unless they give a fallback', () => {
    expect(undefinedTokens(sheets)).toEqual([]);
  });

  it('style each class on its own in one sheet, so the order lazy chunks load in cannot change a page', () => {
    expect(classesStyledTwice(sheets)).toEqual([]);
  });

  it('are each imported: the global ones (styles/, ui/) by main.tsx only, tokens and base first; the others by their components', () => {
    expect(sheets.filter((s) => !importers.has(s.file)).map((s) => s.file)).toEqual([]);
    for (const s of sheets) {
      const by = importers.get(s.file) ?? [];
      if (global(s.file)) expect(by, s.file).toEqual(['main.tsx']);
      else expect(by, s.file).not.toContain('main.tsx');
    }
    const mainImports = [...fs.readFileSync(path.join(web, 'main.tsx'), 'utf8').matchAll(/^import '\.\/([^']+\.css)';$/gm)].map((m) => m[1]);
    expect(mainImports.slice(0, 2)).toEqual(['styles/tokens.css', 'styles/base.css']);
  });
});

describe('the stylesheet checks catch', () => {
  const bp = new Set([640]);
  const check = (css: string) => sheetProblems({ file: 'features/x/x.css', css }, bp);

  it('a block pasted into another rule', () => {
    expect(check('.card {\n  padding: 8px;\n.hero {\n  color: red;\n}\n}\n')).toEqual([expect.stringContaining('".hero" is inside the rule ".card"')]);
    expect(check('.card {\n  padding: 8px;\n  @media (min-width: 640px) {\n    .hero { color: red; }\n  }\n}\n').join('\n')).toContain('@media is inside the rule ".card"');
  });

  it('an unclosed block and a stray brace', () => {
    expect(check('.card {\n  padding: 8px;\n\n.hero {\n  color: red;\n}\n')).toEqual([expect.stringContaining('Unclosed block')]);
    expect(check('.card {\n  padding: 8px;\n}\n}\n')).toEqual([expect.stringContaining('Unexpected }')]);
  });

  it('a block appended twice (two branches adding at the same place)', () => {
    expect(check('.hero {\n  color: red;\n}\n\n.lead {\n  margin: 0;\n}\n\n.hero {\n  color: red;\n}\n')).toEqual([expect.stringContaining('".hero" again (first at line 1)')]);
    // The same selector under another media query is a different rule.
    expect(check('.hero {\n  color: red;\n}\n@media (min-width: 640px) {\n  .hero {\n    color: blue;\n  }\n}\n')).toEqual([]);
  });

  it("declarations spliced into another rule's block, and declarations outside any rule", () => {
    expect(check('.hero {\n  color: red;\n  padding: 4px;\n  color: blue;\n}\n')).toEqual([expect.stringContaining('sets color twice')]);
    expect(check('.hero {\n  min-height: 100vh;\n  min-height: 100dvh;\n}\n')).toEqual([]);
    expect(check('color: red;\n.hero {\n  padding: 4px;\n}\n')).toEqual([expect.stringContaining('"color: red" is outside any rule')]);
    expect(check('.hero {\n}\n')).toEqual([expect.stringContaining('has no declarations')]);
  });

  it('a breakpoint that is not listed (641px follows a max-width: 640px)', () => {
    expect(check('@media (min-width: 700px) {\n  .hero {\n    color: red;\n  }\n}\n')).toEqual([expect.stringContaining('700px, not a breakpoint')]);
    expect(check('@media (min-width: 641px) {\n  .hero {\n    color: red;\n  }\n}\n@media (max-width: 640px) {\n  .hero {\n    color: blue;\n  }\n}\n')).toEqual([]);
  });

  it('a long sheet that does not say why', () => {
    const long = Array.from({ length: 250 }, (_, i) => `.c${i} {\n  color: red;\n}`).join('\n');
    expect(check(long)).toEqual([expect.stringContaining('lines; split it by component')]);
    expect(check(`/* Longer than 400 lines because the generated list is one table. */\n${long}`)).toEqual([]);
  });

  it('a misspelt token, and a class styled on its own in two sheets', () => {
    const a = { file: 'styles/tokens.css', css: ':root {\n  --primary: #4338ca;\n}\n' };
    const b = { file: 'features/x/x.css', css: '.hero {\n  color: var(--primay);\n  background: var(--set-by-script, #fff);\n}\n' };
    expect(undefinedTokens([a, b])).toEqual([expect.stringContaining('var(--primay) is not declared')]);
    const c = { file: 'features/y/y.css', css: '.hero:hover {\n  color: red;\n}\n.card .hero {\n  color: blue;\n}\n' };
    expect(classesStyledTwice([b, c])).toEqual([expect.stringContaining('.hero is also styled in features/x/x.css')]);
  });
});
