import type { NoticeView } from '@tutorline/contracts';
import { describe, expect, it } from 'vitest';
import { badgeText, withPushedNotice } from './notice-list';

const notice = (id: number, readAt: string | null = null): NoticeView => ({ id, kind: 'booking_confirmed', text: `notice ${id}`, data: {}, createdAt: '2026-11-30T00:00:00.000Z', readAt });

describe('the notification bell', () => {
  it('shows nothing at zero unread and caps the badge at 9+', () => {
    expect(badgeText(0)).toBe('');
    expect(badgeText(3)).toBe('3');
    expect(badgeText(9)).toBe('9');
    expect(badgeText(12)).toBe('9+');
  });

  it('puts a pushed notice first and counts it once, even when a refetch already brought it', () => {
    const view = { notices: [notice(2), notice(1, '2026-11-29T00:00:00.000Z')], unread: 1 };
    const after = withPushedNotice(view, notice(3));
    expect(after).toEqual({ notices: [notice(3), notice(2), notice(1, '2026-11-29T00:00:00.000Z')], unread: 2 });
    expect(withPushedNotice(after, notice(3))).toBe(after);
    // Nothing cached yet: the next fetch brings it.
    expect(withPushedNotice(undefined, notice(3))).toBeUndefined();
  });

});
