import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const moduleInternals = {
  regex: '^(\\./|(\\.\\./)+)modules/[^/]+/.+',
  message: 'Import another module only through its index.ts (e.g. ./modules/identity).',
};
const siblingModuleInternals = {
  regex: '^\\.\\./[^./][^/]*/.+',
  message: 'Modules import each other only through their index.ts (e.g. ../identity).',
};
/** A rules file may use another module's pure rules (its index would pull in services and I/O), and nothing else inside it. */
const siblingModuleInternalsButRules = {
  regex: '^\\.\\./[^./][^/]*/(?![^/]+\\.rules$).+',
  message: 'A rules file imports another module only through its index.ts, or that module\'s own *.rules file.',
};

/**
 * Every timestamp the application decides comes from the injected clock (platform/clock.ts), never from the machine's
 * or the database's: a job stamped by another clock than the runner's may never come due (decision 028). Measuring real
 * elapsed time (a cache's age, a rate limit) uses the monotonic performance.now(), which these rules allow.
 */
const clockOwner = 'apps/server/src/platform/clock.ts';
const serverTestCode = ['apps/server/src/**/*.test.ts', 'apps/server/src/**/*.testkit.ts', 'apps/server/src/**/*.test-support.ts'];
const envRule = { object: 'process', property: 'env', message: 'Only config.ts reads process.env; take values from Config.' };
const clockProperties = [{ object: 'Date', property: 'now', message: 'Date.now() reads the machine clock: take the time from the injected clock (or performance.now() for elapsed time).' }];
const clockSyntax = [
  { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'new Date() reads the machine clock: take the time from the injected clock.' },
  { selector: "CallExpression[callee.name='Date']", message: 'Date() reads the machine clock: take the time from the injected clock.' },
  { selector: "CallExpression[callee.property.name='defaultNow']", message: "defaultNow() stamps rows with the database's clock: pass the injected clock's time on insert." },
  {
    selector: "TaggedTemplateExpression[tag.name='sql'] TemplateElement[value.raw=/\\b(now\\(\\)|current_timestamp|current_date|localtimestamp|statement_timestamp|clock_timestamp|transaction_timestamp)/i]",
    message: "SQL's now() is the database's clock: pass the injected clock's time as a parameter.",
  },
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'test-results/**', 'bench/results/**', 'apps/server/drizzle/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-exports': ['error', { restrictDefaultExports: { direct: true, named: true, defaultFrom: true, namedFrom: true, namespaceFrom: true } }],
    },
  },
  {
    files: ['apps/web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Config files whose tools require a default export.
    files: ['**/vite.config.ts', '**/vitest.config.ts', '**/drizzle.config.ts', 'eslint.config.js'],
    rules: { 'no-restricted-exports': 'off' },
  },
  {
    files: ['apps/server/src/**/*.ts'],
    ignores: ['apps/server/src/config.ts', clockOwner, ...serverTestCode],
    rules: {
      'no-restricted-properties': ['error', envRule, ...clockProperties],
      'no-restricted-syntax': ['error', ...clockSyntax],
    },
  },
  {
    files: ['apps/server/src/config.ts'],
    rules: { 'no-restricted-properties': ['error', ...clockProperties], 'no-restricted-syntax': ['error', ...clockSyntax] },
  },
  {
    // The clock itself, and test code (which sets the clocks up), may read the real one.
    files: [clockOwner, ...serverTestCode],
    rules: { 'no-restricted-properties': ['error', envRule] },
  },
  {
    files: ['apps/server/src/**/*.ts'],
    ignores: ['apps/server/src/modules/**', '**/*.rules.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [moduleInternals] }] },
  },
  {
    files: ['apps/server/src/modules/**/*.ts'],
    ignores: ['**/*.rules.ts', '**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [siblingModuleInternals] }] },
  },
  {
    // Rules files are pure decisions: no platform code, no I/O, no clock, no environment.
    files: ['apps/server/src/**/*.rules.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '(^|/)platform(/|$)', message: 'A rules file imports no platform code: take data and time as arguments.' },
            { regex: '^node:', message: 'A rules file does no I/O.' },
            { regex: '^(drizzle-orm|pg|@electric-sql/pglite|redis|socket\\.io|fastify)(/|$)', message: 'A rules file does no I/O.' },
            { regex: '\\.(repo|service|routes)$', message: 'A rules file imports only other pure code.' },
            siblingModuleInternalsButRules,
          ],
        },
      ],
      'no-restricted-properties': ['error', { object: 'process', property: 'env' }, { object: 'Date', property: 'now', message: 'Pass the time in.' }],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Pass the time in; no new Date() in rules.' }, ...clockSyntax.slice(1)],
    },
  },
  {
    files: ['**/*.test.ts', '**/test/**/*.ts', 'e2e/**/*.ts', 'bench/**/*.ts', 'scripts/**/*'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
