import { describe, expect, it } from 'vitest';
import { uploadRefusal, uploadWindows } from './media.rules';

describe('upload windows and refusals', () => {
  const limits = { perMinute: 20, perDay: 200 };

  it('counts an upload in its UTC minute and its UTC day', () => {
    expect(uploadWindows(new Date('2026-12-31T23:59:59.999Z'))).toEqual([
      { window: 'minute', startsAt: new Date('2026-12-31T23:59:00.000Z'), endsAt: new Date('2027-01-01T00:00:00.000Z') },
      { window: 'day', startsAt: new Date('2026-12-31T00:00:00.000Z'), endsAt: new Date('2027-01-01T00:00:00.000Z') },
    ]);
  });

  it('says how long to wait: seconds for the rate, hours for the daily quota, never less than a second', () => {
    expect(uploadRefusal('minute', limits, new Date('2026-12-07T06:01:00Z'), new Date('2026-12-07T06:00:45.200Z'))).toEqual({
      message: 'You are sending photos too fast: at most 20 a minute. Please wait 15 seconds and try again.',
      retryAfterSeconds: 15,
    });
    expect(uploadRefusal('minute', limits, new Date('2026-12-07T06:01:00Z'), new Date('2026-12-07T06:01:00Z')).retryAfterSeconds).toBe(1);
    expect(uploadRefusal('day', limits, new Date('2026-12-08T00:00:00Z'), new Date('2026-12-07T23:20:00Z'))).toEqual({
      message: 'You have sent 200 photos today, the most allowed in a day. You can send more in about an hour (at midnight UTC).',
      retryAfterSeconds: 2400,
    });
  });
});
