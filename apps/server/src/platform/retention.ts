/**
 * The shape every module's retention function shares (issue #20, decision 073). The retention module's daily job
 * calls each module's own function through its index.ts; the module deletes its own rows and files, older than
 * `before`, except those of a session or class `held` names (an open safety report keeps them).
 */
export interface RetentionCut {
  /** The run's moment (the injected clock). */
  now: Date;
  /** Data older than this goes. */
  before: Date;
  /** Of these session or class ids, those whose data must be kept beyond retention. */
  held: (ids: readonly string[]) => Promise<Set<string>>;
}

/** What one retention function removed: rows, stored files, their bytes, and how many held scopes it kept. */
export interface RetentionCount {
  rows: number;
  files: number;
  bytes: number;
  held: number;
}

export const noneRemoved = (): RetentionCount => ({ rows: 0, files: 0, bytes: 0, held: 0 });

export function addCounts(a: RetentionCount, b: RetentionCount): RetentionCount {
  return { rows: a.rows + b.rows, files: a.files + b.files, bytes: a.bytes + b.bytes, held: a.held + b.held };
}

/** How many scopes (sessions, classes) a retention function asks about at once. */
export const RETENTION_PAGE = 500;

/**
 * The common loop: page through the scope ids that have old data (ascending, after the last one seen), ask which are
 * held, and remove the old data of the rest. Held scopes are passed over, so the loop ends.
 */
export async function removeByScope(
  cut: RetentionCut,
  scopesAfter: (after: string | undefined, limit: number) => Promise<string[]>,
  removeIn: (scopeIds: string[]) => Promise<RetentionCount>,
): Promise<RetentionCount> {
  let total = noneRemoved();
  let after: string | undefined;
  for (;;) {
    const ids = await scopesAfter(after, RETENTION_PAGE);
    if (!ids.length) break;
    const held = await cut.held(ids);
    const free = ids.filter((id) => !held.has(id));
    total = addCounts(total, { ...(free.length ? await removeIn(free) : noneRemoved()), held: ids.length - free.length });
    if (ids.length < RETENTION_PAGE) break;
    after = ids.at(-1);
  }
  return total;
}

/** How many rows a retention function deletes in one statement, so no run holds a long lock or a huge transaction. */
export const RETENTION_BATCH = 1000;

/** Calls `removeBatch(limit)` until it removes fewer than `limit` rows; returns how many it removed in all. */
export async function removeInBatches(removeBatch: (limit: number) => Promise<number>, limit = RETENTION_BATCH): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await removeBatch(limit);
    total += n;
    if (n < limit) return total;
  }
}
