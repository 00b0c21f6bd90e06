import type { TutorQuality } from '@tutorline/contracts';

/** A week's ratings from one source. */
export interface RatingWeekFacts {
  week: string;
  count: number;
  sum: number;
}

/** Accepted over offered, or null before the first offer. */
export function acceptanceRate(offered: number, accepted: number): number | null {
  return offered > 0 ? accepted / offered : null;
}

/** Merges weekly ratings from several sources into one series (by week, oldest first) and the overall average. */
export function mergeRatings(...sources: RatingWeekFacts[][]): TutorQuality['ratings'] {
  const byWeek = new Map<string, { count: number; sum: number }>();
  for (const w of sources.flat()) {
    const acc = byWeek.get(w.week) ?? { count: 0, sum: 0 };
    acc.count += w.count;
    acc.sum += w.sum;
    byWeek.set(w.week, acc);
  }
  const weeks = [...byWeek.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([week, w]) => ({ week, count: w.count, average: w.sum / w.count }));
  const count = weeks.reduce((n, w) => n + w.count, 0);
  const sum = [...byWeek.values()].reduce((n, w) => n + w.sum, 0);
  return { count, average: count ? sum / count : null, weeks };
}
