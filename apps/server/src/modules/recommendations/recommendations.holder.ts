import type { Logger } from '../../platform/logger';
import { deserializeModel, type EaseModel } from './model/ease';
import type { RecommendationsRepo } from './recommendations.repo';

/** A model in memory, with its tutor index and what the diversity re-rank needs. */
export interface LoadedModel {
  model: EaseModel;
  indexOf: Map<string, number>;
  /** The largest |B| off the diagonal, so a similarity can be read in [0, 1]. */
  maxAbs: number;
  /** Positive interactions per tutor in the training window. */
  popularity: ReadonlyMap<string, number>;
}

export function loadedFrom(model: EaseModel, popularity: Record<string, number> = {}): LoadedModel {
  let maxAbs = 0;
  for (const v of model.B) if (Math.abs(v) > maxAbs) maxAbs = Math.abs(v);
  return { model, indexOf: new Map(model.tutorIds.map((id, i) => [id, i])), maxAbs, popularity: new Map(Object.entries(popularity)) };
}

/**
 * The latest trained model, in memory on every node (#17). `refresh` reads the newest model's version (a small query)
 * and loads its bytes only when it changed; nodes poll it (the way session invalidation falls back when there is no
 * Redis, decision 016), and the node that trained refreshes at once. A model that cannot be read (missing bytes, a bad
 * checksum) is logged with why, and serving stays on what it had: the previous model, or cold start.
 */
export function createModelHolder(deps: { repo: RecommendationsRepo; logger: Logger }) {
  const { repo, logger } = deps;
  let current: LoadedModel | null = null;
  let coldStartReason: string | null = 'no model has been trained yet';
  let triedVersion: string | null = null;
  let missingLogged = false;
  let timer: NodeJS.Timeout | undefined;
  let refreshing: Promise<void> | null = null;

  async function load(): Promise<void> {
    const head = await repo.latestModelHead();
    if (!head) {
      // Said once, not at every poll: serving is on cold start until a model is trained.
      if (!current && !missingLogged) logger.warn({ event: 'recommendation_model_missing', fallback: 'cold start' }, 'no recommendation model has been trained yet: serving cold start');
      missingLogged = true;
      if (!current) coldStartReason = 'no model has been trained yet';
      return;
    }
    if (head.version === triedVersion) return;
    triedVersion = head.version;
    const stored = await repo.modelBytes(head.version);
    use(head.version, stored);
  }

  /** Makes `stored` the model in memory, or logs why it cannot be (the previous model, or cold start, stays). */
  function use(version: string, stored: { bytes: Uint8Array; popularity: Record<string, number> } | undefined): void {
    try {
      if (!stored) throw new Error('the model row is gone');
      const model = deserializeModel(Buffer.from(stored.bytes.buffer, stored.bytes.byteOffset, stored.bytes.byteLength));
      current = loadedFrom(model, stored.popularity);
      coldStartReason = null;
      logger.info({ event: 'recommendation_model_loaded', version: model.version, tutors: model.tutorIds.length, trainedAt: model.trainedAt }, 'recommendation model loaded');
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      if (!current) coldStartReason = `the latest model (${version}) could not be read: ${why}`;
      logger.error({ event: 'recommendation_model_unusable', version, reason: why, fallback: current ? `previous model ${current.model.version}` : 'cold start' }, 'recommendation model could not be loaded');
    }
  }

  return {
    current: () => current,
    coldStartReason: () => coldStartReason,
    /** Loads the newest model if it is not the one in memory (concurrent calls share one load). */
    refresh(): Promise<void> {
      refreshing ??= load().finally(() => {
        refreshing = null;
      });
      return refreshing;
    },
    /**
     * The node that trained a model and stored it loads the same bytes directly; the version is marked as tried, so the
     * next poll does not read it back from the database.
     */
    adopt(version: string, bytes: Uint8Array, popularity: Record<string, number>): void {
      triedVersion = version;
      use(version, { bytes, popularity });
    },
    /** Polls for a newer model every `ms` (the timer does not keep the process alive). */
    start(ms: number) {
      if (timer) return;
      timer = setInterval(() => {
        this.refresh().catch((err: unknown) => logger.warn({ event: 'recommendation_model_poll_failed', err }, 'could not check for a newer recommendation model'));
      }, ms);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
export type ModelHolder = ReturnType<typeof createModelHolder>;
