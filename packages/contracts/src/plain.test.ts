import { describe, expect, it } from 'vitest';
import * as contracts from './index';
import * as plain from './plain';

describe('constants the web takes from contracts/plain', () => {
  it('are the very values the schemas use (one definition, re-exported)', () => {
    expect(plain.SERIES_WEEKS).toBe(contracts.SERIES_WEEKS);
    expect(plain.timesOfDay).toBe(contracts.timesOfDay);
    expect(plain.tutorSorts).toBe(contracts.tutorSorts);
    expect(plain.TUTOR_SEARCH_LIMITS).toBe(contracts.TUTOR_SEARCH_LIMITS);
    expect(contracts.timeOfDaySchema.options).toEqual([...plain.timesOfDay]);
    expect(contracts.tutorSortSchema.options).toEqual([...plain.tutorSorts]);
  });
});
