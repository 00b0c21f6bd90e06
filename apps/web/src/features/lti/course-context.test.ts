import { afterEach, describe, expect, it, vi } from 'vitest';
import { bookingCourseOf, courseContextOf, courseQuery, rememberBookingCourse } from './course-context';

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

describe('a booking remembers the course it was made in (this tab), for the pages after paying', () => {
  afterEach(() => vi.unstubAllGlobals());
  const stubStorage = () => {
    const data = new Map<string, string>();
    vi.stubGlobal('sessionStorage', { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) });
    return data;
  };

  it('gives back the course context of a booking made from a course link, so "Pick another time" keeps ?course=', () => {
    stubStorage();
    rememberBookingCourse(['b-1', 'b-2'], { course, minutes: 45 });
    expect(bookingCourseOf('b-2')).toEqual({ course, minutes: 45 });
    expect(courseQuery(bookingCourseOf('b-1'))).toBe(`?minutes=45&course=${course}`);
    expect(bookingCourseOf('b-3')).toEqual({});
  });

  it('remembers nothing outside a course, drops junk stored by hand, and works without storage', () => {
    const data = stubStorage();
    rememberBookingCourse(['b-1'], {});
    expect(data.size).toBe(0);
    data.set('tutorline.booking-courses', JSON.stringify({ 'b-9': { course: '../admin', minutes: 9999 } }));
    expect(bookingCourseOf('b-9')).toEqual({});
    data.set('tutorline.booking-courses', '{not json');
    expect(bookingCourseOf('b-9')).toEqual({});
    vi.unstubAllGlobals();
    expect(() => rememberBookingCourse(['b-1'], { course })).not.toThrow();
    expect(bookingCourseOf('b-1')).toEqual({});
  });
});
