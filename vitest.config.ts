import os from 'node:os';
import { defineConfig } from 'vitest/config';
import { i18nCatalogs } from './apps/web/build/i18n-catalogs.ts';
import { DurationSequencer } from './scripts/vitest-sequencer.ts';

/** Unit files that replace a module with `vi.mock`: the mock must not leak into files that share their module graph. */
const mockingUnitFiles = ['apps/server/src/modules/whatsapp/whatsapp.linking.test.ts'];

/** e2e files that measure media or networks, or run Janus with several pages: they run alone, after the others. */
const mediaE2eFiles = [
  'e2e/check.e2e.test.ts',
  'e2e/class-recording.e2e.test.ts',
  'e2e/cluster.e2e.test.ts',
  'e2e/classroom.e2e.test.ts',
  'e2e/room-conditions.e2e.test.ts',
  'e2e/room-resilience.e2e.test.ts',
  'e2e/room-turn.e2e.test.ts',
  'e2e/session-recording.e2e.test.ts',
];

// Projects: unit (nothing running), int (PGlite, and PostgreSQL when DATABASE_URL is set), e2e and e2e-media (built
// server + Chromium).
export default defineConfig({
  test: {
    // Vitest's default is one worker fewer than the cores: a single worker on the 2-core CI machine, which ran unit and
    // int files one at a time while each mostly waited on PostgreSQL, PGlite or a child process. e2e files still run
    // one at a time after the others (fileParallelism: false).
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
    globalSetup: ['./scripts/vitest-global-setup.ts'],
    // Longest files first, from the durations in scripts/test-durations.json (a fresh clone has no Vitest cache).
    sequence: { sequencer: DurationSequencer },
    projects: [
      {
        // The web app's translation catalogs are compiled on import, as in its build (decision 081).
        plugins: [i18nCatalogs()],
        test: {
          name: 'unit',
          setupFiles: ['./apps/web/src/i18n/test-setup.ts'],
          include: ['apps/**/*.test.ts', 'packages/**/*.test.ts', 'scripts/**/*.test.ts', 'bench/support/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**', ...mockingUnitFiles],
          environment: 'node',
          // One module graph for every unit file: isolating them cost about 3 s of imports per file (92 files), more
          // than the tests themselves. Files that mock a module get their own project below.
          isolate: false,
          // Unit tests wait on nothing, so a timeout only catches a hang; 5 s (the default) failed CPU-heavy ones on a
          // loaded 2-core CI machine (stop 23).
          testTimeout: 20_000,
        },
      },
      {
        plugins: [i18nCatalogs()],
        test: {
          name: 'unit-isolated',
          setupFiles: ['./apps/web/src/i18n/test-setup.ts'],
          include: mockingUnitFiles,
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'int',
          include: ['apps/**/*.int.test.ts'],
          exclude: ['**/node_modules/**'],
          environment: 'node',
          // The files share one module graph: each otherwise spent seconds importing the app again before its first test.
          // They keep no state in modules (every one builds its own app and database), mock nothing and set no env.
          isolate: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.test.ts'],
          exclude: [...mediaE2eFiles, '**/node_modules/**'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // After the unit and int files (group 0), two journeys at a time: each starts its own server on a free port
          // with its own data folder and Chromium; most of a journey's time is spent waiting on pages.
          sequence: { groupOrder: 1 },
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: 'e2e-media',
          include: mediaE2eFiles,
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Last, one at a time: these measure media and networks (frame sizes, reconnects, TURN, Janus with several
          // pages), and Chrome adapts its video to a busy CPU, so they get the machine to themselves (stop 26's CI run
          // failed two of them beside the classroom's four pages).
          sequence: { groupOrder: 2 },
          maxWorkers: 1,
        },
      },
    ],
  },
});
