import { afterEach, describe, expect, it } from 'vitest';
import { setLocale } from '../../lib/format';
import { localNoticeText } from './notice-text';

afterEach(() => setLocale(null));

const moved = {
  text: 'Moved: your lesson with Nisha Singh is now on Mon 7 Dec, 05:30 (America/New_York) (was Sun 6 Dec, 05:30 (America/New_York)).',
  data: {
    bookingId: 'b',
    start: '2026-12-07T10:30:00.000Z',
    timeZone: 'America/New_York',
    whenText: 'Mon 7 Dec, 05:30 (America/New_York)',
    previousStart: '2026-12-06T10:30:00.000Z',
    previousText: 'Sun 6 Dec, 05:30 (America/New_York)',
  },
};

describe('a notice’s times on the reader’s clock', () => {
  it('rewrites the times the server marked, in a 12-hour locale', () => {
    setLocale('en-US');
    expect(localNoticeText(moved)).toBe('Moved: your lesson with Nisha Singh is now on Mon, Dec 7, 5:30 AM (New York time) (was Sun, Dec 6, 5:30 AM (New York time)).');
  });

  it('and in a 24-hour one', () => {
    setLocale('en-GB');
    expect(localNoticeText(moved)).toBe('Moved: your lesson with Nisha Singh is now on Mon 7 Dec, 05:30 (New York time) (was Sun 6 Dec, 05:30 (New York time)).');
  });

  it('leaves notices without marked times as they are', () => {
    expect(localNoticeText({ text: 'Your lesson was marked as missed.', data: { bookingId: 'b', outcome: 'tutor_no_show' } })).toBe('Your lesson was marked as missed.');
    expect(localNoticeText({ text: 'Booked on Mon 7 Dec, 05:30 (UTC).', data: { timeZone: 'UTC', start: '2026-12-07T05:30:00Z' } })).toBe('Booked on Mon 7 Dec, 05:30 (UTC).');
  });
});
