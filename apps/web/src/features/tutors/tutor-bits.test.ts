import { describe, expect, it } from 'vitest';
import { ratingText } from '../../lib/rating';
import { ratingLabel, ratingLine, sessionsLine } from './tutor-bits';

describe('a tutor’s counts in words', () => {
  it('says "1 lesson", never "1 lessons"', () => {
    expect(sessionsLine(1)).toBe('1 lesson');
    expect(sessionsLine(12)).toBe('12 lessons');
    expect(sessionsLine(0)).toBeNull();
  });
  it('counts ratings the same way', () => {
    expect(ratingLabel({ average: 4.8, count: 1 })).toBe('Rated 4.8 out of 5 from 1 rating');
    expect(ratingLabel({ average: 4, count: 1200 })).toBe('Rated 4.0 out of 5 from 1,200 ratings');
    expect(ratingLine({ average: 4.75, count: 3 })).toBe('★ 4.8 (3)');
    expect(ratingText({ rating: 5, ratingCount: 1 })).toBe('5.0 out of 5 (1 rating)');
  });
});
