import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// Proves the architecture rules in eslint.config.js fire, so a refactor of the config cannot silently drop them.
const root = path.resolve(import.meta.dirname, '..');
const eslint = new ESLint({ cwd: root });

async function messages(file: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('architecture lint rules', () => {
  it('a rules file imports no platform code, does no I/O and reads no clock or env', async () => {
    const found = await messages(
      'apps/server/src/modules/help/help.rules.ts',
      "import { schema } from '../../platform/db';\nimport fs from 'node:fs';\nexport const f = () => [schema, fs, new Date(), Date.now(), process.env.X];\n",
    );
    expect(found.join('\n')).toMatch(/platform code/);
    expect(found.join('\n')).toMatch(/no I\/O/);
    expect(found.join('\n')).toMatch(/no new Date\(\)/);
    expect(found.join('\n')).toMatch(/Date\.now/);
    expect(found.join('\n')).toMatch(/process\.env/);
  });

  it('modules import each other only through index.ts', async () => {
    const inside = await messages('apps/server/src/modules/help/help.service.ts', "import { x } from '../identity/identity.repo';\nexport const y = x;\n");
    expect(inside.join('\n')).toMatch(/only through their index\.ts/);
    const outside = await messages('apps/server/src/app2.ts', "import { x } from './modules/identity/identity.repo';\nexport const y = x;\n");
    expect(outside.join('\n')).toMatch(/only through its index\.ts/);
    const viaIndex = await messages('apps/server/src/modules/help/help.service.ts', "import { caller } from '../identity';\nexport const y = caller;\n");
    expect(viaIndex).toEqual([]);
  });

  it('a rules file may use another module\'s pure rules file, and no other internals', async () => {
    expect(await messages('apps/server/src/modules/tutors/tutors.rules.ts', "import { computeSlots } from '../scheduling/scheduling.rules';\nexport const f = computeSlots;\n")).toEqual([]);
    const repo = await messages('apps/server/src/modules/tutors/tutors.rules.ts', "import { x } from '../scheduling/scheduling.lessons';\nexport const f = x;\n");
    expect(repo.join('\n')).toMatch(/own \*\.rules file/);
  });

  it('only config.ts reads process.env', async () => {
    expect((await messages('apps/server/src/platform/thing.ts', 'export const p = process.env.PORT;\n')).join()).toMatch(/Only config\.ts/);
    expect(await messages('apps/server/src/config.ts', 'export const p = process.env.PORT;\n')).toEqual([]);
  });
});
