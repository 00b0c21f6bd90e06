import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import converted from './apps/web/src/i18n/converted.json' with { type: 'json' };
import { i18nPlugin } from './scripts/eslint/no-untranslated-text.js';

const moduleInternals = {
  regex: '^(\\./|(\\.\\./)+)modules/[^/]+/.+',
  message: 'Import another module only through its index.ts (e.g. ./modules/identity).',
};

/**
 * Module boundaries (#14). A module is a folder modules/<m>/; a large one has sub-folders by capability
 * (modules/billing/ledger/, …), which are still that one module: they may import each other's files and their module's
 * tables (through its repos), and other modules see only <m>/index.ts. no-restricted-imports sees the import's text, not
 * the file it names, so each pattern is written for the depth of the importing file below modules/ (1: <m>/x.ts,
 * 2: <m>/<sub>/x.ts): '../' × depth leaves the module.
 */
const up = (depth) => '(\\.\\./)'.repeat(depth);
/** Another module's internals (its index is '<up>m', with no further path); its *.schema is left to otherModulesTables. */
const siblingModuleInternals = (depth) => ({
  regex: `^${up(depth)}[^./][^/]*/(?!([^/]+/)*[^/]+\\.schema$).+`,
  message: 'Modules import each other only through their index.ts (e.g. ../identity).',
});
/** Tables are owned (#14): a module's tables are in its <module>.schema.ts, and only that module's repos query them. */
const otherModulesTables = (depth) => ({
  regex: `^${up(depth)}[^./][^/]*/([^/]+/)*[^/]+\\.schema$`,
  message: "Another module's tables are its own: ask that module through its index.ts (only a *.schema.ts may name them, for a foreign key).",
});
/** This module's own tables (any *.schema import that does not leave the module). */
const ownTablesOutsideRepo = (depth) => ({
  regex: `^(?!${up(depth)})\\.{1,2}/([^/]+/)*[^/]+\\.schema$`,
  message: "Only this module's *.repo.ts files query its tables: put the query in a repo and call it.",
});
const ormOutsideRepo = {
  regex: '^drizzle-orm(/|$)',
  message: "Only a *.repo.ts (or *.schema.ts) uses the ORM: put the query in this module's repo.",
};
/** A rules file may use another module's pure rules (its index would pull in services and I/O), and nothing else inside it. */
const siblingModuleInternalsButRules = (depth) => ({
  regex: `^${up(depth)}[^./][^/]*/(?!([^/]+/)*[^/]+\\.rules$).+`,
  message: 'A rules file imports another module only through its index.ts, or that module\'s own *.rules file.',
});
/** What a rules file may not import, at a depth below modules/. */
const rulesFilePatterns = (depth) => [
  { regex: '(^|/)platform(/|$)', message: 'A rules file imports no platform code: take data and time as arguments.' },
  { regex: '^node:', message: 'A rules file does no I/O.' },
  { regex: '^(drizzle-orm|pg|@electric-sql/pglite|redis|socket\\.io|fastify)(/|$)', message: 'A rules file does no I/O.' },
  { regex: '\\.(repo|service|routes)$', message: 'A rules file imports only other pure code.' },
  siblingModuleInternalsButRules(depth),
];
/** The module files at a depth below modules/ (1: modules/<m>/*, 2: modules/<m>/<sub>/*) matching a file pattern. */
const atDepth = (depth, file) => `apps/server/src/modules/${'*/'.repeat(depth)}${file}`;
const moduleDepths = [1, 2];
/** Folders whose every file is pure, like a *.rules.ts file: the WhatsApp conversation machines (#14). */
const pureFolders = ['apps/server/src/modules/whatsapp/conversation/**/*.ts'];

const formatModule = 'apps/web/src/lib/format.ts (formatTime, formatDate, formatDateTime, formatMoney, formatDuration, formatRelative, plural, zoneName…)';
/** What only apps/web/src/lib/format.ts may do: format by hand or through Intl and toLocale*String. */
const adHocFormatting = {
  properties: [
    ...['toLocaleTimeString', 'toLocaleDateString', 'toLocaleString', 'toTimeString', 'toDateString', 'getHours', 'getMinutes', 'getUTCHours', 'getUTCMinutes'].map((property) => ({
      property,
      message: `Dates, times and numbers are written in one place, ${formatModule}.`,
    })),
    ...['DateTimeFormat', 'RelativeTimeFormat', 'NumberFormat', 'PluralRules', 'ListFormat', 'DisplayNames', 'DurationFormat'].map((property) => ({
      object: 'Intl',
      property,
      message: `Intl is used in one place only, ${formatModule}.`,
    })),
  ],
  syntax: [
    {
      selector: "Property[key.name=/^(hour12|hourCycle|timeStyle|dateStyle)$/]",
      message: `Clock and date styles are chosen in one place, ${formatModule}.`,
    },
    {
      // n === 1 ? 'lesson' : 'lessons' — plural rules differ by language.
      selector: 'ConditionalExpression[test.type="BinaryExpression"][test.operator=/^[!=]==?$/][test.right.value=1]:matches([consequent.type="Literal"], [consequent.type="TemplateLiteral"])',
      message: `Counted words go through plural(n, { one, other }) in ${formatModule}.`,
    },
    {
      // `${n} lessons` and {n} lessons: a count glued to a plural noun says "1 lessons".
      selector: [
        'TemplateLiteral > TemplateElement[value.raw=/^ (lessons|questions|credits|tutors|minutes|reviews|sessions|photos|messages|ratings|weeks|days|starts|students|admins)\\b/]',
        'JSXExpressionContainer + JSXText[value=/^ (lessons|questions|credits|tutors|minutes|reviews|sessions|photos|messages|ratings|weeks|days|starts|students|admins)\\b/]',
      ].join(', '),
      message: `Counted words go through plural(n, { one, other }) in ${formatModule}.`,
    },
  ],
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
/**
 * Job payloads are typed by their queue (decision 036): a queue is declared once with defineJob(queue, zodSchema), the
 * runner parses each stored payload with it, and platform/jobs.ts enqueues only through such a def. A cast of a value
 * named `payload` is how untyped payloads crept back in, so it is refused in server code.
 */
const standInSyntax = [{ selector: "CallExpression[callee.property.name='replaceForTest']", message: 'replaceForTest is for tests: a module provides its ports with ports.provide.' }];
const jobPayloadSyntax = [
  {
    selector: "TSAsExpression[expression.type='Identifier'][expression.name='payload'], TSTypeAssertion[expression.type='Identifier'][expression.name='payload']",
    message: "Don't cast a payload: declare its shape once with defineJob(queue, schema) (platform/jobs.ts), or parse it with a zod schema.",
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
    // Issue #13: dates, times, money, durations and counts are written by apps/web/src/lib/format.ts alone, from the
    // user's locale, so no page mixes "4:50 AM" with "05:30" or says "1 lessons".
    files: ['apps/web/src/**/*.{ts,tsx}'],
    ignores: ['apps/web/src/lib/format.ts', 'apps/web/src/lib/format-lists.ts', '**/*.test.ts'],
    rules: {
      'no-restricted-properties': ['error', ...adHocFormatting.properties],
      'no-restricted-syntax': ['error', ...adHocFormatting.syntax],
    },
  },
  {
    // Issue #21: in the files converted to the catalog, every word a user sees goes through t() (decision 081).
    files: converted.files,
    ignores: ['**/*.test.ts'],
    plugins: { 'tutorline-i18n': i18nPlugin },
    rules: { 'tutorline-i18n/no-untranslated-text': 'error' },
  },
  {
    // Config files whose tools require a default export, and the types of a package whose API is its default export.
    files: ['**/vite.config.ts', 'apps/web/build/**/*.ts', '**/vitest.config.ts', '**/drizzle.config.ts', 'eslint.config.js', 'apps/server/src/integrations/janus/janode.d.ts'],
    rules: { 'no-restricted-exports': 'off' },
  },
  {
    files: ['apps/server/src/**/*.ts'],
    ignores: ['apps/server/src/config.ts', clockOwner, ...serverTestCode],
    rules: {
      'no-restricted-properties': ['error', envRule, ...clockProperties],
      'no-restricted-syntax': ['error', ...clockSyntax, ...jobPayloadSyntax, ...standInSyntax],
    },
  },
  {
    files: ['apps/server/src/config.ts'],
    rules: { 'no-restricted-properties': ['error', ...clockProperties], 'no-restricted-syntax': ['error', ...clockSyntax] },
  },
  {
    // The clock itself, and test code (which sets the clocks up), may read the real one.
    files: [clockOwner, ...serverTestCode],
    rules: { 'no-restricted-properties': ['error', envRule], 'no-restricted-syntax': ['error', ...jobPayloadSyntax] },
  },
  {
    files: ['apps/server/src/**/*.ts'],
    ignores: ['apps/server/src/modules/**', '**/*.rules.ts', 'apps/server/src/config.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [moduleInternals] }] },
  },
  {
    // The configuration is read before the app is loaded (a bad one is refused in well under a second), so it may use a
    // module's pure *.rules file, as rules files do, and nothing else inside a module.
    files: ['apps/server/src/config.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ ...moduleInternals, regex: '^(\\./|(\\.\\./)+)modules/[^/]+/(?!([^/]+/)*[^/]+\\.rules$).+' }] }] },
  },
  ...moduleDepths.flatMap((depth) => [
    {
      files: [atDepth(depth, '*.ts')],
      ignores: ['**/*.rules.ts', '**/*.test.ts', '**/*.schema.ts', '**/*.repo.ts', '**/*.testkit.ts', '**/*.test-support.ts'],
      rules: { 'no-restricted-imports': ['error', { patterns: [siblingModuleInternals(depth), otherModulesTables(depth), ownTablesOutsideRepo(depth), ormOutsideRepo] }] },
    },
    {
      // A repo queries its own module's tables only (#14).
      files: [atDepth(depth, '*.repo.ts')],
      rules: { 'no-restricted-imports': ['error', { patterns: [siblingModuleInternals(depth), otherModulesTables(depth)] }] },
    },
    {
      // A schema file may name another module's table for a foreign key, and nothing else of that module.
      files: [atDepth(depth, '*.schema.ts')],
      rules: { 'no-restricted-imports': ['error', { patterns: [siblingModuleInternals(depth)] }] },
    },
    {
      // Test kits set up rows directly; they may read any module's tables but still not its internals.
      files: [atDepth(depth, '*.testkit.ts'), atDepth(depth, '*.test-support.ts')],
      rules: { 'no-restricted-imports': ['error', { patterns: [siblingModuleInternals(depth)] }] },
    },
  ]),
  {
    // Rules files are pure decisions: no platform code, no I/O, no clock, no environment.
    files: ['apps/server/src/**/*.rules.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: rulesFilePatterns(1) }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env' }, { object: 'Date', property: 'now', message: 'Pass the time in.' }],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Pass the time in; no new Date() in rules.' }, ...clockSyntax.slice(1), ...jobPayloadSyntax],
    },
  },
  {
    // The same, for a rules file in a module's sub-folder (modules/<m>/<sub>/x.rules.ts).
    files: [atDepth(2, '*.rules.ts')],
    rules: { 'no-restricted-imports': ['error', { patterns: rulesFilePatterns(2) }] },
  },
  {
    // Folders of pure decisions (a machine split by verb, #14) are held to the rules-file rules, file by file.
    files: pureFolders,
    ignores: ['**/*.test.ts', '**/*.test-support.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: rulesFilePatterns(2) }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env' }, { object: 'Date', property: 'now', message: 'Pass the time in.' }],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Pass the time in; no new Date() in rules.' }, ...clockSyntax.slice(1), ...jobPayloadSyntax],
    },
  },
  {
    files: ['**/*.test.ts', '**/test/**/*.ts', 'e2e/**/*.ts', 'bench/**/*.ts', 'scripts/**/*'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
