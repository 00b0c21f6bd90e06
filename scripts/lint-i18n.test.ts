import fs from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// Issue #21: in a converted file every word a user sees goes through the catalog. These prove the rule that holds it
// (scripts/eslint/no-untranslated-text.js, applied to the files listed in apps/web/src/i18n/converted.json) fires.
const root = path.resolve(import.meta.dirname, '..');
const eslint = new ESLint({ cwd: root });
const rule = 'tutorline-i18n/no-untranslated-text';
const converted = JSON.parse(fs.readFileSync(path.join(root, 'apps/web/src/i18n/converted.json'), 'utf8')) as { files: string[] };

async function reports(file: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === rule).map((m) => `${m.line}: ${m.message}`);
}

const page = 'apps/web/src/routes/login.tsx';

describe('untranslated words in converted files', () => {
  it('reports words between tags, in attributes people read, in shown fields and titles, and sentences in code', async () => {
    const found = await reports(
      page,
      [
        "import { usePageTitle } from '../lib/page-title';",
        'export function A({ n }: { n: number }) {',
        "  usePageTitle('Log in');",
        "  const items = [{ to: '/student', label: 'Home' }];",
        "  const problem = 'Could not log out.';",
        '  const count = `${n} tutors notified`;',
        '  return (',
        '    <section aria-label="Account">',
        '      <h1>Log in</h1>',
        '      <input placeholder={`Type ${n} words`} />',
        '      <p>{problem}{count}{items.length}</p>',
        '    </section>',
        '  );',
        '}',
      ].join('\n'),
    );
    expect(found.map((m) => Number(m.split(':')[0]))).toEqual([3, 4, 5, 6, 8, 9, 10]);
  });

  it('leaves class names, paths, test ids, catalog keys, developer errors and the product name alone', async () => {
    const found = await reports(
      page,
      [
        "import { useT } from '../i18n';",
        'export function B({ id }: { id: string }) {',
        '  const t = useT();',
        "  if (!id) throw new Error('B needs an id: pass the question id.');",
        "  const items = [{ to: '/student', label: 'nav.home' }];",
        '  return (',
        '    <a className="btn btn-primary btn-small" href={`/session/${id}`} data-testid="join-session" title={t(\'nav.home\')}>',
        "      {t('nav.home')} {items.length}",
        '      <span className="wordmark-text">Tutorline</span>',
        '    </a>',
        '  );',
        '}',
      ].join('\n'),
    );
    expect(found).toEqual([]);
  });

  it('applies only to converted files: a file not yet converted is not held to it', async () => {
    expect(await reports('apps/web/src/routes/tutor-home.tsx', 'export const A = () => <h1>Log in</h1>;')).toEqual([]);
  });

  it('lists only files that exist, and every converted file passes', async () => {
    // lintFiles refuses a pattern that matches no file, so a renamed file cannot drop out of the list unnoticed.
    const results = await eslint.lintFiles(converted.files);
    expect(results.length).toBeGreaterThanOrEqual(converted.files.length);
    const problems = results.flatMap((r) => r.messages.filter((m) => m.ruleId === rule).map((m) => `${path.relative(root, r.filePath)}:${m.line} ${m.message}`));
    expect(problems).toEqual([]);
  });
});
