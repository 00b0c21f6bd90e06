/** Pure decisions of the ops dashboard (decision 060): time buckets, percentiles from histograms, the funnel, throttling. */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export const floorTo = (at: Date, stepMs: number) => new Date(Math.floor(at.getTime() / stepMs) * stepMs);
export const ceilTo = (at: Date, stepMs: number) => new Date(Math.ceil(at.getTime() / stepMs) * stepMs);

/**
 * The range of minutes one rollup run rewrites: from `lookbackMs` before where the last run stopped (rows committed late
 * with an earlier time) to the end of the current minute; at most `maxSpanMs` at a time, so a long backlog goes in steps.
 */
export function rollupWindow(doneUntil: Date | null, now: Date, opts: { lookbackMs: number; maxSpanMs: number; firstSpanMs: number }): { since: Date; until: Date } {
  const end = new Date(floorTo(now, MINUTE_MS).getTime() + MINUTE_MS);
  const since = doneUntil ? floorTo(new Date(doneUntil.getTime() - opts.lookbackMs), MINUTE_MS) : floorTo(new Date(end.getTime() - opts.firstSpanMs), MINUTE_MS);
  const until = new Date(Math.min(end.getTime(), since.getTime() + opts.maxSpanMs));
  return { since, until };
}

/** A histogram bucket's label ('le:30', 'le:inf') as its upper bound in seconds. */
export function bucketBound(dim: string): number {
  const v = dim.slice(3);
  return v === 'inf' ? Number.POSITIVE_INFINITY : Number(v);
}

/**
 * p50, p90 and p99 from a histogram of upper bounds: the bound of the bucket the rank falls in (an upper estimate,
 * exact to the bucket). Null without observations; the open last bucket reads as the largest finite bound it passed.
 */
export function percentilesOf(histogram: { dim: string; value: number }[]): { count: number; p50: number | null; p90: number | null; p99: number | null } {
  const buckets = histogram.map((h) => ({ bound: bucketBound(h.dim), n: h.value })).filter((b) => b.n > 0 && !Number.isNaN(b.bound));
  buckets.sort((a, b) => a.bound - b.bound);
  const count = buckets.reduce((s, b) => s + b.n, 0);
  const finite = buckets.filter((b) => Number.isFinite(b.bound));
  const largest = finite.length ? finite.at(-1)!.bound : null;
  const at = (p: number) => {
    if (!count) return null;
    const rank = Math.ceil(p * count);
    let seen = 0;
    for (const b of buckets) {
      seen += b.n;
      if (seen >= rank) return Number.isFinite(b.bound) ? b.bound : largest;
    }
    return largest;
  };
  return { count, p50: at(0.5), p90: at(0.9), p99: at(0.99) };
}

/** The exact percentile of raw values by the same rank rule (the test's direct computation, and its bucket check). */
export function exactPercentile(values: number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

export interface DayFigure {
  day: string;
  metric: string;
  value: number;
}

const FUNNEL = { asked: 'help.asked', claimed: 'help.claimed', connected: 'sessions.connected:instant', completed: 'help.answered', rated: 'help.rated' } as const;

/** asked → claimed → both connected → completed → rated per day, for every day in `days` (missing figures are 0). */
export function funnelByDay(days: string[], figures: DayFigure[]) {
  const get = (day: string, metric: string) => figures.filter((f) => f.day === day && f.metric === metric).reduce((s, f) => s + f.value, 0);
  return days.map((day) => ({
    day,
    asked: get(day, FUNNEL.asked),
    claimed: get(day, FUNNEL.claimed),
    connected: get(day, FUNNEL.connected),
    completed: get(day, FUNNEL.completed),
    rated: get(day, FUNNEL.rated),
  }));
}

/** The UTC days ending with today's, oldest first, as YYYY-MM-DD. */
export function lastDays(now: Date, n: number): string[] {
  const today = floorTo(now, DAY_MS).getTime();
  return Array.from({ length: n }, (_, i) => new Date(today - (n - 1 - i) * DAY_MS).toISOString().slice(0, 10));
}

/**
 * Open questions grouped by subject, with the oldest wait and the last hour's demand, set against the tutors online
 * and free (not in a session) who teach it; a subject with tutors and no demand is listed too. Most open first.
 */
export function openBySubject(open: { subjectId: string; askedAt: Date }[], askedLastHour: { dim: string; value: number }[], now: Date, tutors: { subjectId: string; online: number; free: number }[] = []) {
  type Row = { subjectId: string; open: number; oldestWaitingSeconds: number; askedLastHour: number; tutorsOnline: number; tutorsFree: number };
  const by = new Map<string, Row>();
  const entry = (subjectId: string) => by.get(subjectId) ?? by.set(subjectId, { subjectId, open: 0, oldestWaitingSeconds: 0, askedLastHour: 0, tutorsOnline: 0, tutorsFree: 0 }).get(subjectId)!;
  for (const q of open) {
    const e = entry(q.subjectId);
    e.open++;
    e.oldestWaitingSeconds = Math.max(e.oldestWaitingSeconds, Math.round((now.getTime() - q.askedAt.getTime()) / 1000));
  }
  for (const a of askedLastHour) entry(a.dim).askedLastHour += a.value;
  for (const t of tutors) Object.assign(entry(t.subjectId), { tutorsOnline: t.online, tutorsFree: t.free });
  return [...by.values()].sort((a, b) => b.open - a.open || b.askedLastHour - a.askedLastHour || a.subjectId.localeCompare(b.subjectId));
}

const CHECK_OUTCOMES = ['pass', 'warn', 'fail', 'skipped'] as const;

/**
 * The /check reports' rollup rows ('network:direct|pass', 'device:phone|fail'…) as one row per split with a count per
 * verdict: the networks first, then the device classes, each most reports first.
 */
export function checksBySplit(rows: { dim: string; value: number }[]) {
  type Row = { split: string; total: number } & Record<(typeof CHECK_OUTCOMES)[number], number>;
  const by = new Map<string, Row>();
  for (const r of rows) {
    const cut = r.dim.lastIndexOf('|');
    const split = r.dim.slice(0, cut);
    const outcome = r.dim.slice(cut + 1) as (typeof CHECK_OUTCOMES)[number];
    if (cut < 0 || !CHECK_OUTCOMES.includes(outcome)) continue;
    const e = by.get(split) ?? by.set(split, { split, total: 0, pass: 0, warn: 0, fail: 0, skipped: 0 }).get(split)!;
    e[outcome] += r.value;
    e.total += r.value;
  }
  const rank = (split: string) => (split.startsWith('network:') ? 0 : 1);
  return [...by.values()].sort((a, b) => rank(a.split) - rank(b.split) || b.total - a.total || a.split.localeCompare(b.split));
}

/**
 * A leading-and-trailing throttle's decision: run now when the last run is at least `everyMs` old, else once at
 * the end of that interval (a burst of claims gives two pushes, not one per claim).
 */
export function throttleDelay(lastRunAt: number | null, nowMs: number, everyMs: number): number {
  if (lastRunAt === null) return 0;
  return Math.max(0, lastRunAt + everyMs - nowMs);
}
