import { describe, expect, it } from 'vitest';
import { readMarkToSend, unreadCount } from './chat-unread';

const me = 'me';
const messages = [
  { id: 3, senderId: 'tutor' },
  { id: 5, senderId: me },
  { id: 8, senderId: 'tutor' },
  { id: 9, senderId: 'tutor' },
];

describe('chat unread count from the read mark', () => {
  it('counts only others’ messages after the mark: after a reload, what was read stays read', () => {
    expect(unreadCount(messages, me, null)).toBe(3);
    expect(unreadCount(messages, me, 8)).toBe(1);
    expect(unreadCount(messages, me, 9)).toBe(0);
    // Our own message after the mark is not unread.
    expect(unreadCount(messages, me, 3)).toBe(2);
  });

  it('marks the newest message read only when it moves the mark forward', () => {
    expect(readMarkToSend(messages, 3)).toBe(9);
    expect(readMarkToSend(messages, 9)).toBe(null);
    expect(readMarkToSend([], null)).toBe(null);
  });
});
