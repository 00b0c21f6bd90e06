import fs from 'node:fs';
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Seconds each test file took in a recent full run, by path from the repository root (each file is in one project) (scripts/test-durations.mjs). */
export const durationsPath = path.resolve(import.meta.dirname, 'test-durations.json');

function readDurations(): Record<string, number> {
  try {
    return JSON.parse(fs.readFileSync(durationsPath, 'utf8')) as Record<string, number>;
  } catch {
    return {};
  }
}

/**
 * Longest file first, from durations committed in scripts/test-durations.json. Vitest's own sequencer orders by the
 * durations in its cache, which a fresh clone (every CI run) does not have: it then keeps the glob's order, and a
 * long file that happens to come last runs alone at the end while the other worker idles (stop 31's CI-like run had
 * a11y.e2e, a fifth of the e2e phase, in that place). A file without a recorded duration (a new one) counts as its
 * project's median. Groups and projects keep Vitest's order: groupOrder, then project, then isolated
 * files first.
 */
export class DurationSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const durations = readDurations();
    const root = this.ctx.config.root;
    const known = (f: TestSpecification) => durations[path.relative(root, f.moduleId)];
    const medians = new Map<string, number>();
    for (const name of new Set(files.map((f) => f.project.name))) {
      const xs = files.filter((f) => f.project.name === name).map(known).filter((s): s is number => s !== undefined).sort((a, b) => a - b);
      medians.set(name, xs.length ? xs[Math.floor(xs.length / 2)]! : 0);
    }
    const seconds = (f: TestSpecification) => known(f) ?? medians.get(f.project.name)!;
    return [...files].sort((a, b) => {
      const group = a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder;
      if (group !== 0) return group;
      if (a.project.name !== b.project.name) return a.project.name < b.project.name ? -1 : 1;
      if (a.project.config.isolate !== b.project.config.isolate) return a.project.config.isolate ? -1 : 1;
      const sa = seconds(a);
      const sb = seconds(b);
      return sa === sb ? 0 : sb > sa ? 1 : -1;
    });
  }
}
