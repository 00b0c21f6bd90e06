import { describe, expect, it } from 'vitest';
import { newMessageWords, readMarkToSend, unreadCount } from './chat-unread';

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

describe('new messages said to a screen reader', () => {
  it('names the sender of each message from others after the mark, and says a photo is a photo', () => {
    const list = [
      { id: 3, senderId: 'tutor', text: 'old', photo: null },
      { id: 5, senderId: me, text: 'mine', photo: null },
      { id: 8, senderId: 'tutor', text: 'Try x = 5', photo: null },
      { id: 9, senderId: 'tutor', text: null, photo: { id: 'p', url: '/p', thumbUrl: '/t', width: 1, height: 1 } },
    ];
    expect(newMessageWords(list, me, 3, { tutor: 'Asha' })).toEqual(['Asha wrote: Try x = 5', 'Asha wrote: sent a photo']);
    expect(newMessageWords(list, me, 9, { tutor: 'Asha' })).toEqual([]);
  });
});
