import { afterEach, describe, expect, it, vi } from 'vitest';
import { tagBookingWithCourse } from './course-tag';

describe('tagBookingWithCourse', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('tags the booking with the course the page was opened from', async () => {
    const fetchMock = vi.fn().mockResolvedValue(new Response('{"tagged":true}'));
    vi.stubGlobal('fetch', fetchMock);
    await tagBookingWithCourse('b1', '?minutes=45&course=7d1f0f0e-8a7b-4c4d-9e0f-123456789abc');
    expect(fetchMock).toHaveBeenCalledOnce();
    expect(fetchMock.mock.calls[0]![0]).toBe('/api/lti/courses/7d1f0f0e-8a7b-4c4d-9e0f-123456789abc/bookings');
    expect(JSON.parse(String((fetchMock.mock.calls[0]![1] as RequestInit).body))).toEqual({ bookingId: 'b1' });
  });

  it('sends nothing outside a course, or for a course that is not an id', async () => {
    const fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
    await tagBookingWithCourse('b1', '?minutes=45');
    await tagBookingWithCourse('b1', '?course=../../admin');
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('never fails the booking when tagging fails', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('offline')));
    await expect(tagBookingWithCourse('b1', '?course=7d1f0f0e-8a7b-4c4d-9e0f-123456789abc')).resolves.toBeUndefined();
  });
});
