import { describe, expect, it } from 'vitest';
import { courseContextOf, courseQuery } from './course-context';

const course = '7d1f0f0e-8a7b-4c4d-9e0f-123456789abc';

describe('course context of a page opened from a course item', () => {
  it('reads the course, the lesson length and the subject a pool link carries, and passes them on to a tutor', () => {
    const ctx = courseContextOf(new URLSearchParams(`subject=maths&minutes=45&course=${course}`));
    expect(ctx).toEqual({ course, minutes: 45, subject: 'maths' });
    expect(courseQuery(ctx)).toBe(`?subject=maths&minutes=45&course=${course}`);
  });

  it('drops what is not a course id, a length or a subject, and carries nothing outside a course', () => {
    expect(courseContextOf(new URLSearchParams('course=../../admin&minutes=-5&subject=<b>'))).toEqual({});
    expect(courseContextOf(new URLSearchParams('minutes=lots'))).toEqual({});
    expect(courseQuery({})).toBe('');
  });
});
