import type { TimeOfDay, TutorSort } from '@tutorline/contracts';

/** The contract's parts of the day, in order. */
export { timesOfDay } from '@tutorline/contracts/plain';

/** The find-a-tutor filters as the form holds them (strings from inputs), and their query string. */
export interface SearchFilters {
  q: string;
  subject: string;
  level: string;
  language: string;
  /** Major units as typed ("500", "12.50"); sent as minor units with `currency`. */
  minPrice: string;
  maxPrice: string;
  currency: string;
  minRating: string;
  availableWithinDays: string;
  timesOfDay: TimeOfDay[];
  favouritesOnly: boolean;
  sort: TutorSort;
}

export const emptyFilters: SearchFilters = {
  q: '',
  subject: '',
  level: '',
  language: '',
  minPrice: '',
  maxPrice: '',
  currency: 'INR',
  minRating: '',
  availableWithinDays: '',
  timesOfDay: [],
  favouritesOnly: false,
  sort: 'relevance',
};

/** "12.50" → 1250; null for anything that is not an amount. */
export function toMinorUnits(major: string): number | null {
  const text = major.trim();
  if (!/^\d+(\.\d{1,2})?$/.test(text)) return null;
  return Math.round(Number(text) * 100);
}

/** The GET /api/tutors query string: empty filters are left out, prices go in minor units, times of day need the zone. */
export function searchParamsFor(f: SearchFilters, zone: string): URLSearchParams {
  const p = new URLSearchParams();
  const set = (key: string, value: string) => {
    if (value.trim() !== '') p.set(key, value.trim());
  };
  set('q', f.q);
  set('subject', f.subject);
  if (f.subject) set('level', f.level);
  set('language', f.language);
  const min = toMinorUnits(f.minPrice);
  const max = toMinorUnits(f.maxPrice);
  if (min !== null) p.set('minPrice', String(min));
  if (max !== null) p.set('maxPrice', String(max));
  if (min !== null || max !== null) p.set('currency', f.currency);
  set('minRating', f.minRating);
  set('availableWithinDays', f.availableWithinDays);
  if (f.timesOfDay.length) {
    p.set('timesOfDay', f.timesOfDay.join(','));
    p.set('zone', zone);
  }
  if (f.favouritesOnly) p.set('favouritesOnly', 'true');
  if (f.sort !== 'relevance') p.set('sort', f.sort);
  return p;
}

/** How many filters are on (for the "Filters (3)" button). */
export function activeFilterCount(f: SearchFilters): number {
  return [f.subject, f.language, f.minRating, f.availableWithinDays].filter(Boolean).length + (f.minPrice || f.maxPrice ? 1 : 0) + (f.timesOfDay.length ? 1 : 0) + (f.favouritesOnly ? 1 : 0);
}
