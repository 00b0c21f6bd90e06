import { describe, expect, it } from 'vitest';
import { pairOriginals } from './pair-originals';

const at = (s: number) => new Date(Date.UTC(2026, 0, 5, 10, 0, s)).toISOString();

describe('pairOriginals: the ops view shows what was hidden under the message it was hidden in', () => {
  it('pairs each masked message with its sender’s nearest original, never an unmasked line or the other person’s', () => {
    const chat = [
      { senderId: 't', text: 'hi', sentAt: at(0) },
      { senderId: 's', text: 'hello', sentAt: at(1) },
      { senderId: 't', text: 'call me on •••', sentAt: at(2) },
      { senderId: 't', text: 'or mail •••', sentAt: at(6) },
    ];
    const attempts = [
      { senderId: 't', original: 'or mail riya@example.com', categories: ['email'], at: at(6) },
      { senderId: 't', original: 'call me on 98765 43210', categories: ['phone'], at: at(2) },
      { senderId: 't', original: 'my handle is @riya', categories: ['social'], at: at(50) },
    ];
    const { lines, unpaired } = pairOriginals(chat, attempts);
    expect(lines.map((l) => l.original)).toEqual([null, null, 'call me on 98765 43210', 'or mail riya@example.com']);
    // Too far from any masked message (the board, or WhatsApp): listed apart.
    expect(unpaired.map((a) => a.original)).toEqual(['my handle is @riya']);
  });

  it('leaves a masked message without an original when none is near (the attempt went elsewhere)', () => {
    const { lines, unpaired } = pairOriginals([{ senderId: 't', text: '•••', sentAt: at(0) }], []);
    expect(lines[0]!.original).toBeNull();
    expect(unpaired).toEqual([]);
  });
});
