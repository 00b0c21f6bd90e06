/**
 * One per-minute figure for the ops dashboard's rollups (decision 060): the minute, what it counts, its split, the
 * count. Each module reads its own tables into these; the ops module stores and sums them.
 */
export interface RollupFact {
  bucket: Date;
  metric: string;
  dim: string;
  value: number;
}

/** The rows of a `select bucket, metric, dim, value` query as facts (drivers give timestamps and counts in several types). */
export function rollupFactsOf(res: unknown): RollupFact[] {
  return (res as { rows: { bucket: Date | string; metric: string; dim: string; value: number | string }[] }).rows.map((r) => ({ bucket: new Date(r.bucket), metric: r.metric, dim: r.dim, value: Number(r.value) }));
}
