import fs from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import * as jobsModule from '../apps/server/src/platform/jobs';

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

  it('every file of a pure folder (the WhatsApp conversation machines) is held to the rules-file rules', async () => {
    const file = 'apps/server/src/modules/whatsapp/conversation/student.machine.ts';
    const found = (
      await messages(file, "import { enqueue } from '../../../platform/jobs';\nimport { x } from '../whatsapp.service';\nimport { y } from '../../help/help.service';\nexport const f = () => [enqueue, x, y, new Date(), Date.now()];\n")
    ).join('\n');
    expect(found).toMatch(/platform code/);
    expect(found).toMatch(/only other pure code/);
    expect(found).toMatch(/only through its index\.ts, or that module's own \*\.rules file/);
    expect(found).toMatch(/no new Date\(\)/);
    expect(found).toMatch(/Date\.now/);
    // Allowed: its own module's pure files, another module's index (for its types) or rules, and its tests' fixtures.
    expect(await messages(file, "import { x } from '../whatsapp.age.rules';\nimport type { ClaimRefusal } from '../../help';\nimport { y } from '../../help/help.rules';\nexport const f = (r: ClaimRefusal) => [x, y, r];\n")).toEqual([]);
    expect(await messages('apps/server/src/modules/whatsapp/conversation/fixtures.test-support.ts', "import { subjectsCatalogue } from '../../identity';\nexport const s = [subjectsCatalogue, new Date()];\n")).toEqual([]);
  });

  it("a module's sub-folders (billing/ledger/, …) import each other, while other modules and tables stay out of reach", async () => {
    const nested = 'apps/server/src/modules/billing/payouts/payouts.service.ts';
    const lint = async (file: string, spec: string) => (await messages(file, `import { x } from '${spec}';\nexport const y = x;\n`)).join('\n');
    // Inside the module: sibling sub-folders' files, another module's index, the platform.
    for (const spec of ['../ledger/ledger.service', '../ledger/ledger.repo', '../billing.ports', '../../identity', '../../../platform/db', './payouts.rules']) {
      expect(await lint(nested, spec), spec).toBe('');
    }
    // Another module's internals and tables, from a sub-folder.
    expect(await lint(nested, '../../identity/identity.repo')).toMatch(/only through their index\.ts/);
    expect(await lint(nested, '../../help/help.schema')).toMatch(/Another module's tables/);
    // The module's own tables and the ORM, outside a repo.
    expect(await lint(nested, '../billing.schema')).toMatch(/Only this module's \*\.repo\.ts/);
    expect(await lint(nested, 'drizzle-orm')).toMatch(/Only a \*\.repo\.ts/);
    // A repo in a sub-folder queries its module's tables, not another module's.
    expect(await lint('apps/server/src/modules/billing/payouts/payouts.repo.ts', '../billing.schema')).toBe('');
    expect(await lint('apps/server/src/modules/billing/payouts/payouts.repo.ts', '../../scheduling/scheduling.schema')).toMatch(/Another module's tables/);
    // A rules file in a sub-folder: pure code only.
    expect(await lint('apps/server/src/modules/billing/payouts/payouts.rules.ts', '../ledger/ledger.service')).toMatch(/only other pure code/);
    expect(await lint('apps/server/src/modules/billing/payouts/payouts.rules.ts', '../../scheduling/scheduling.lessons')).toMatch(/own \*\.rules file/);
    expect(await lint('apps/server/src/modules/billing/payouts/payouts.rules.ts', '../ledger/ledger.rules')).toBe('');
    // Nobody outside the module reaches into its sub-folders.
    expect(await lint('apps/server/src/modules/help/help.service.ts', '../billing/ledger/ledger.repo')).toMatch(/only through their index\.ts/);
    expect(await lint('apps/server/src/app2.ts', './modules/billing/ledger/ledger.repo')).toMatch(/only through its index\.ts/);
  });

  it('the server reads time only from the injected clock: no Date.now(), new Date(), Date(), defaultNow() or SQL now()', async () => {
    const code = [
      "import { sql } from 'drizzle-orm';",
      "import { timestamp } from 'drizzle-orm/pg-core';",
      'export const a = Date.now();',
      'export const b = new Date();',
      'export const c = Date();',
      "export const d = timestamp('created_at').notNull().defaultNow();",
      'export const e = sql`update jobs set run_at = now()`;',
      'export const f = sql`select current_timestamp`;',
      '',
    ].join('\n');
    for (const file of ['apps/server/src/modules/help/help.service.ts', 'apps/server/src/platform/jobs.ts', 'apps/server/src/platform/db/schema.ts', 'apps/server/src/config.ts']) {
      const found = (await messages(file, code)).join('\n');
      expect(found, file).toMatch(/'Date\.now' is restricted/);
      expect(found, file).toMatch(/new Date\(\) reads the machine clock/);
      expect(found, file).toMatch(/Date\(\) reads the machine clock/);
      expect(found, file).toMatch(/defaultNow\(\) stamps rows/);
      expect(found.match(/SQL's now\(\)/g), file).toHaveLength(2);
    }
    // Allowed: a given instant, the injected clock, elapsed real time, the clock itself, and tests setting clocks up.
    const fine = 'export const f = (clock: { now(): Date }) => [new Date(0), new Date(clock.now().getTime() + 1), performance.now()];\n';
    expect(await messages('apps/server/src/modules/help/help.service.ts', fine)).toEqual([]);
    expect(await messages('apps/server/src/platform/clock.ts', 'export const now = () => new Date(Date.now());\n')).toEqual([]);
    expect(await messages('apps/server/src/modules/help/help.claim.int.test.ts', 'export const now = () => new Date(Date.now());\n')).toEqual([]);
  });

  it("a module's repo queries its own tables only, in every module: another module's tables are read through its index.ts (#14)", async () => {
    const modulesDir = path.join(root, 'apps/server/src/modules');
    const modules = fs.readdirSync(modulesDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    const owners = modules.filter((m) => fs.existsSync(path.join(modulesDir, m, `${m}.schema.ts`)));
    expect(owners).toEqual(expect.arrayContaining(['billing', 'help', 'identity', 'notifications', 'rooms', 'scheduling', 'tutors']));
    for (const m of modules) {
      const other = owners.find((o) => o !== m)!;
      const lint = async (file: string, spec: string) => (await messages(`apps/server/src/modules/${m}/${file}`, `import { x } from '${spec}';\nexport const y = x;\n`)).join('\n');
      // A repo (and any other file) importing another module's tables fails; its own tables and the owner's index do not.
      expect(await lint(`${m}.repo.ts`, `../${other}/${other}.schema`), `${m} → ${other}`).toMatch(/Another module's tables/);
      expect(await lint(`${m}.lookups.repo.ts`, `../${other}/${other}.schema`), `${m} → ${other}`).toMatch(/Another module's tables/);
      expect(await lint(`${m}.service.ts`, `../${other}/${other}.schema`), `${m} → ${other}`).toMatch(/Another module's tables/);
      expect(await lint(`${m}.repo.ts`, `../${other}`), `${m} → ${other}'s index`).toBe('');
      if (owners.includes(m)) expect(await lint(`${m}.repo.ts`, `./${m}.schema`)).toBe('');
    }
  });

  it('no server file switches the module-boundary rule off: no eslint-disable of no-restricted-imports anywhere under apps/server/src', () => {
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) walk(full);
        else if (/\.(ts|tsx|js|mjs)$/.test(e.name)) {
          fs.readFileSync(full, 'utf8')
            .split('\n')
            .forEach((line, i) => {
              // eslint-disable, -line, -next-line, or a block comment naming the rule (or disabling every rule).
              if (/eslint-disable(-next-line|-line)?(?![\w-])/.test(line) && (/no-restricted-imports/.test(line) || !/eslint-disable(-next-line|-line)?\s+[\w@]/.test(line))) {
                found.push(`${path.relative(root, full)}:${i + 1}: ${line.trim()}`);
              }
            });
        }
      }
    };
    walk(path.join(root, 'apps/server/src'));
    expect(found).toEqual([]);
  });

  it('a job payload is typed by its queue: only a def enqueues, and a payload is never cast (decision 036)', async () => {
    const cast = "export const f = (payload: unknown) => [(payload as { questionId: string }).questionId, <{ a: 1 }>payload];\n";
    for (const file of [
      'apps/server/src/modules/help/help.dispatch.ts',
      'apps/server/src/app.ts',
      'apps/server/src/modules/billing/bookings/bookings.service.ts',
      'apps/server/src/modules/help/help.rules.ts',
      'apps/server/src/modules/whatsapp/conversation/student.machine.ts',
      'apps/server/src/modules/help/help.claim.int.test.ts',
    ]) {
      const found = await messages(file, cast);
      expect(found.filter((m) => /Don't cast a payload: declare its shape once with defineJob/.test(m)), file).toHaveLength(2);
    }
    // Allowed: parsing a payload, and a cast of something else (a row's payload column read in a test).
    const fine = "import { z } from 'zod';\nexport const f = (payload: unknown, row: { payload: unknown }) => [z.object({ a: z.string() }).parse(payload), row.payload as string];\n";
    expect(await messages('apps/server/src/modules/help/help.dispatch.ts', fine)).toEqual([]);
    // platform/jobs.ts enqueues only through a queue's def: there is no untyped enqueue to call.
    const jobs = jobsModule;
    expect(Object.keys(jobs)).toContain('defineJob');
    expect(Object.keys(jobs)).not.toContain('enqueue');
    expect(Object.keys(jobs)).not.toContain('enqueueMany');
  });

  it('only config.ts reads process.env', async () => {
    expect((await messages('apps/server/src/platform/thing.ts', 'export const p = process.env.PORT;\n')).join()).toMatch(/Only config\.ts/);
    expect(await messages('apps/server/src/config.ts', 'export const p = process.env.PORT;\n')).toEqual([]);
  });
});
