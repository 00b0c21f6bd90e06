import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// Issue #13: the web app writes dates, times, money and counts through apps/web/src/lib/format.ts only. These prove
// the eslint rules that hold it there fire, so no page can go back to mixing "4:50 AM" with "05:30" or "1 lessons".
const root = path.resolve(import.meta.dirname, '..');
const eslint = new ESLint({ cwd: root });

async function messages(file: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

const component = 'apps/web/src/features/scheduling/some-card.tsx';

describe('ad-hoc date, time and number formatting in the web app', () => {
  it('forbids toLocale*String and the Date getters a component would build "HH:mm" from', async () => {
    const found = await messages(
      component,
      [
        'const d = new Date();',
        'export const a = d.toLocaleTimeString();',
        "export const b = d.toLocaleDateString('en-GB');",
        'export const c = d.toLocaleString();',
        'export const e = `${d.getHours()}:${d.getMinutes()}`;',
        'export const f = d.toDateString();',
      ].join('\n'),
    );
    for (const name of ['toLocaleTimeString', 'toLocaleDateString', 'toLocaleString', 'getHours', 'getMinutes', 'toDateString']) {
      expect(found.filter((m) => m.startsWith(`no-restricted-properties: '${name}' is restricted`)), name).toHaveLength(1);
    }
    expect(found.every((m) => m.includes('lib/format.ts'))).toBe(true);
    expect(found).toHaveLength(6);
  });

  it('forbids Intl formatters and hand-picked clock styles outside lib/format.ts', async () => {
    const found = await messages(
      'apps/web/src/routes/some-page.tsx',
      [
        "export const t = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', hour12: true });",
        "export const u = new Intl.DateTimeFormat('en-GB', { timeStyle: 'short', hourCycle: 'h23' });",
        "export const n = new Intl.NumberFormat('en', { style: 'currency', currency: 'INR' });",
        "export const r = new Intl.RelativeTimeFormat('en');",
        "export const p = new Intl.PluralRules('en');",
      ].join('\n'),
    );
    const text = found.join('\n');
    for (const name of ['DateTimeFormat', 'NumberFormat', 'RelativeTimeFormat', 'PluralRules']) expect(text).toContain(`'Intl.${name}'`);
    expect(found.filter((m) => m.includes('Clock and date styles'))).toHaveLength(3);
  });

  it('forbids hand-made plurals and counts glued to a plural noun', async () => {
    const found = await messages(
      component,
      [
        "export const a = (n: number) => `${n} ${n === 1 ? 'lesson' : 'lessons'}`;",
        'export const b = (n: number) => `${n} lessons`;',
        'export const C = ({ n }: { n: number }) => <p>{n} questions</p>;',
      ].join('\n'),
    );
    expect(found.filter((m) => m.includes('plural(n, { one, other })'))).toHaveLength(3);
  });

  it('lets lib/format.ts do all of it, and a component that uses it passes', async () => {
    expect(await messages('apps/web/src/lib/format.ts', "export const t = new Intl.DateTimeFormat('en', { timeStyle: 'short' }).format(new Date(0));\nexport const s = new Date(0).toLocaleString();\n")).toEqual([]);
    expect(
      await messages(
        component,
        "import { formatTime, plural } from '../../lib/format';\nexport const a = (iso: string, n: number) => `${formatTime(iso)} · ${plural(n, { one: '# lesson', other: '# lessons' })}`;\n",
      ),
    ).toEqual([]);
    // Tests compute their expectations independently, with Intl.
    expect(await messages('apps/web/src/features/scheduling/some-card.test.ts', "export const t = new Intl.DateTimeFormat('en-GB').format(0);\n")).toEqual([]);
  });

  it('finds none of it anywhere in the web app today', async () => {
    const results = await eslint.lintFiles(['apps/web/src/**/*.{ts,tsx}']);
    const offending = results.flatMap((r) =>
      r.messages.filter((m) => m.ruleId === 'no-restricted-properties' || m.ruleId === 'no-restricted-syntax').map((m) => `${path.relative(root, r.filePath)}:${m.line} ${m.message}`),
    );
    expect(offending).toEqual([]);
  }, 120_000);
});
