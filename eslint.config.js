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
    ignores: ['apps/server/src/config.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Only config.ts reads process.env; take values from Config.' }],
    },
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
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Pass the time in; no new Date() in rules.' }],
    },
  },
  {
    files: ['**/*.test.ts', '**/test/**/*.ts', 'e2e/**/*.ts', 'bench/**/*.ts', 'scripts/**/*'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
