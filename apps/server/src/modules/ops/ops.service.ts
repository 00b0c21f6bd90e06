import type { OpsSummary } from '@tutorline/contracts';
import type { Clock } from '../../platform/clock';
import type { Db, Tx } from '../../platform/db';
import type { Logger } from '../../platform/logger';
import type { OpsRepo, RollupFact } from './ops.repo';
import { ceilTo, DAY_MS, floorTo, HOUR_MS, MINUTE_MS, rollupWindow } from './ops.rules';

/** A module's figures for the rollups: the metric prefixes it owns, and its per-minute facts for a range (its index.ts). */
export interface RollupSource {
  name: string;
  prefixes: readonly string[];
  facts(q: Db | Tx, range: { since: Date; until: Date }): Promise<RollupFact[]>;
}

export interface RollupOptions {
  /** How far before the last run's end each run starts again (rows committed late with an earlier time). */
  lookbackMs: number;
  /** The most one run rewrites (a long backlog goes in steps). */
  maxSpanMs: number;
  /** Where a source with no mark yet starts. */
  firstSpanMs: number;
  /** Minute rows kept this long; the hours keep the rest. */
  keepMinutesMs: number;
}

export const defaultRollupOptions: RollupOptions = { lookbackMs: 5 * MINUTE_MS, maxSpanMs: DAY_MS, firstSpanMs: 8 * DAY_MS, keepMinutesMs: 8 * DAY_MS };

/**
 * Keeps the rollup tables current (decision 060). `catchUp` moves each source's mark forward from where it stopped,
 * in steps; `touch` rewrites only the last minutes (after an event, for the live tiles) without moving the mark.
 */
export function createRollups(deps: { repo: OpsRepo; sources: readonly RollupSource[]; clock: Clock; logger: Logger; options?: Partial<RollupOptions> }) {
  const { repo, sources, clock, logger } = deps;
  const opts = { ...defaultRollupOptions, ...deps.options };

  async function rewrite(source: RollupSource, since: Date, until: Date, advance: boolean) {
    const range = { since, until, hourSince: floorTo(since, HOUR_MS), hourUntil: ceilTo(until, HOUR_MS), daySince: floorTo(since, DAY_MS), dayUntil: ceilTo(until, DAY_MS) };
    return repo.rewrite(source, range, (tx) => source.facts(tx, { since, until }), advance);
  }

  return {
    /** Brings every source up to now; returns how many minute rows were written. */
    async catchUp(): Promise<number> {
      let written = 0;
      for (const source of sources) {
        for (;;) {
          const now = clock.now();
          const window = rollupWindow(await repo.doneUntil(source.name), now, opts);
          written += await rewrite(source, window.since, window.until, true);
          if (window.until.getTime() >= floorTo(now, MINUTE_MS).getTime() + MINUTE_MS) break;
        }
      }
      await repo.pruneMinutes(new Date(clock.now().getTime() - opts.keepMinutesMs));
      logger.debug({ event: 'ops_rollups_caught_up', written }, 'ops rollups caught up');
      return written;
    },
    /** Rewrites the current and previous minute of every source (the live path after an event). */
    async touch(): Promise<void> {
      const now = clock.now();
      const since = floorTo(new Date(now.getTime() - MINUTE_MS), MINUTE_MS);
      const until = new Date(floorTo(now, MINUTE_MS).getTime() + MINUTE_MS);
      for (const source of sources) await rewrite(source, since, until, false);
    },
    /** Rewrites [since, until) of every source in day steps (the bench's backfill after generating history). */
    async rebuild(since: Date, until: Date): Promise<void> {
      for (const source of sources) {
        for (let t = floorTo(since, MINUTE_MS).getTime(); t < until.getTime(); t += DAY_MS) await rewrite(source, new Date(t), new Date(Math.min(until.getTime(), t + DAY_MS)), true);
      }
    },
  };
}
export type Rollups = ReturnType<typeof createRollups>;

export type { OpsSummary };
