import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileCatalog } from '../../build/i18n-catalogs';
import { areas } from './areas';
import { languages } from './languages';

// Issue #21: every language has every English message, each a valid ICU message with the same placeholders, plurals
// and tags, so no screen shows a key, a raw "{count}" or a link without its text. Held per catalog: the core
// (locales/<lang>.json) and each area's (locales/<area>/<lang>.json, i18n/areas.ts).
const root = path.join(import.meta.dirname, 'locales');
const catalogs = [{ name: 'core', dir: root }, ...areas.map((area) => ({ name: area, dir: path.join(root, area) }))];
const readIn = (dir: string, code: string) => JSON.parse(fs.readFileSync(path.join(dir, `${code}.json`), 'utf8')) as Record<string, string>;

type Token = string | [string, string?, unknown?];

/** What a compiled message needs from its caller and keeps of its markup: "{count, plural}", "{name}", "<0>". */
function shape(compiled: unknown): string[] {
  const found = new Set<string>();
  const walk = (tokens: Token[]) => {
    for (const token of tokens) {
      if (typeof token === 'string') {
        for (const tag of token.matchAll(/<(\/?)(\d+)\/?>/g)) found.add(`<${tag[1]}${tag[2]}>`);
        continue;
      }
      const [name, type, format] = token;
      found.add(type ? `{${name}, ${type}}` : `{${name}}`);
      if (format && typeof format === 'object') {
        if (type === 'plural' || type === 'selectordinal' || type === 'select') expect(Object.keys(format), `${name} needs an "other" case`).toContain('other');
        for (const [key, choice] of Object.entries(format)) if (key !== 'offset' && Array.isArray(choice)) walk(choice as Token[]);
      }
    }
  };
  walk(typeof compiled === 'string' ? [compiled] : (compiled as Token[]));
  return [...found].sort();
}

describe('translation catalogs', () => {
  it('has the core catalog and one folder per area, and nothing else', () => {
    const entries = fs.readdirSync(root, { withFileTypes: true });
    expect(entries.filter((e) => e.isDirectory()).map((e) => e.name).sort()).toEqual([...areas].sort());
  });

  it('gives every area key its area as prefix, and no key to two catalogs', () => {
    const seen = new Map<string, string>();
    for (const { name, dir } of catalogs) {
      for (const key of Object.keys(readIn(dir, 'en'))) {
        if (name !== 'core') expect(key.startsWith(`${name}.`), `${name} ${key}`).toBe(true);
        expect(seen.get(key), `${key} in ${name}`).toBeUndefined();
        seen.set(key, name);
      }
    }
  });

  for (const { name, dir } of catalogs) {
    describe(name, () => {
      const read = (code: string) => readIn(dir, code);
      const en = read('en');

      it('has one catalog file per language the interface offers, and no other', () => {
        const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
        expect(files.sort()).toEqual(languages.map((l) => l.code).sort());
      });

      it('holds plain text only: every value a string, no code', () => {
        for (const { code } of languages) {
          for (const [key, value] of Object.entries(read(code))) expect(typeof value, `${code} ${key}`).toBe('string');
        }
      });

      for (const { code } of languages.filter((l) => l.code !== 'en')) {
        describe(code, () => {
          const catalog = read(code);

          it('has every English key, and no key English does not have', () => {
            expect(Object.keys(en).filter((k) => !(k in catalog)), 'missing').toEqual([]);
            expect(Object.keys(catalog).filter((k) => !(k in en)), 'unknown').toEqual([]);
          });

          it('parses every message, with the same placeholders, plural arguments and tags as English', () => {
            const compiledEn = compileCatalog(en);
            const compiled = compileCatalog(catalog);
            for (const key of Object.keys(en)) expect(shape(compiled[key]), `${code} ${key}: ${catalog[key]}`).toEqual(shape(compiledEn[key]));
          });

          it('is translated: no message is left in English', () => {
            // Messages that are only placeholders, names or abbreviations read the same in every language.
            const wordsOf = (message: string) => message.replace(/\{[^{}]*\}|<\/?\d+>|Tutorline|WhatsApp|LMS|SVG|MB|ZIP/g, '').match(/\p{L}{2,}/gu) ?? [];
            const same = Object.keys(en).filter((key) => wordsOf(en[key]!).length > 0 && catalog[key] === en[key]);
            expect(same).toEqual([]);
          });
        });
      }
    });
  }

  it('refuses a malformed message, naming its key (the build fails the same way)', () => {
    expect(() => compileCatalog({ 'ask.photosFailed': '{count, plural, one {# photo}' })).toThrow(/ask\.photosFailed/);
  });

  it('finds a placeholder a translation dropped or renamed', () => {
    expect(shape(compileCatalog({ k: 'Hi, {name}' }).k)).not.toEqual(shape(compileCatalog({ k: 'नमस्ते, {naam}' }).k));
    expect(shape(compileCatalog({ k: '{count, plural, one {# tutor} other {# tutors}}' }).k)).not.toEqual(shape(compileCatalog({ k: '{count} ट्यूटर' }).k));
    expect(shape(compileCatalog({ k: 'New? <0>Sign up</0>' }).k)).not.toEqual(shape(compileCatalog({ k: 'नए हैं? साइन अप करें' }).k));
  });
});
