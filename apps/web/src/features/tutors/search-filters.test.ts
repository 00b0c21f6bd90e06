import { describe, expect, it } from 'vitest';
import { activeFilterCount, emptyFilters, searchParamsFor, toMinorUnits } from './search-filters';

describe('tutor search filters', () => {
  it('sends nothing for empty filters', () => {
    expect(searchParamsFor(emptyFilters, 'Asia/Kolkata').toString()).toBe('');
    expect(activeFilterCount(emptyFilters)).toBe(0);
  });

  it('sends prices in minor units with the currency, times of day with the zone, and the sort', () => {
    const p = searchParamsFor(
      { ...emptyFilters, subject: 'maths', level: 'grade-9-10', minPrice: '5', maxPrice: '12.50', currency: 'USD', timesOfDay: ['evening', 'morning'], sort: 'price_asc', favouritesOnly: true },
      'America/New_York',
    );
    expect(Object.fromEntries(p)).toEqual({
      subject: 'maths',
      level: 'grade-9-10',
      minPrice: '500',
      maxPrice: '1250',
      currency: 'USD',
      timesOfDay: 'evening,morning',
      zone: 'America/New_York',
      favouritesOnly: 'true',
      sort: 'price_asc',
    });
  });

  it('drops a level without a subject, and bad prices', () => {
    const p = searchParamsFor({ ...emptyFilters, level: 'university', minPrice: 'abc' }, 'UTC');
    expect(p.toString()).toBe('');
    expect(toMinorUnits('12.5')).toBe(1250);
    expect(toMinorUnits('1.234')).toBeNull();
  });
});
