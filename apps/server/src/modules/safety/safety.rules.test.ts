import { describe, expect, it } from 'vitest';
import { bioRefusal, boardWarning, isSevere, longCallAt, maskWarning, repeatReached } from './safety.rules';

describe('repeat attempts', () => {
  it('flags the third attempt in a session and the fifth in a day, once each', () => {
    expect(repeatReached({ inSession: 1, sinceTime: 1 })).toBeNull();
    expect(repeatReached({ inSession: 2, sinceTime: 2 })).toBeNull();
    expect(repeatReached({ inSession: 3, sinceTime: 3 })).toBe('session');
    expect(repeatReached({ inSession: 4, sinceTime: 4 })).toBeNull();
    expect(repeatReached({ inSession: 1, sinceTime: 5 })).toBe('day');
    expect(repeatReached({ inSession: 2, sinceTime: 6 })).toBeNull();
  });
});

describe('severity and words', () => {
  it('treats sexual content, grooming and threats as severe', () => {
    expect(['sexual_content', 'grooming', 'threats'].every((c) => isSevere(c as never))).toBe(true);
    expect(isSevere('contact_request')).toBe(false);
    expect(isSevere('other')).toBe(false);
  });
  it('names what was hidden', () => {
    expect(maskWarning(['phone', 'email'])).toContain('phone numbers, email addresses');
  });
  it('treats a booked call as long 30 minutes after its booked end, an instant one an hour after its start', () => {
    expect(longCallAt({ startedAt: new Date('2026-01-01T09:00:00Z'), bookedEnd: new Date('2026-01-01T10:00:00Z') }).toISOString()).toBe('2026-01-01T10:30:00.000Z');
    expect(longCallAt({ startedAt: new Date('2026-01-01T09:00:00Z'), bookedEnd: null }).toISOString()).toBe('2026-01-01T10:00:00.000Z');
  });
});

describe('board and bio words (#20)', () => {
  it('name what was found by category, never a value', () => {
    expect(boardWarning(['phone', 'payment'])).toBe("Contact details (phone numbers, payment handles) aren't allowed on the board with students under 18. Please remove them: this was recorded, and repeated attempts are reviewed by our safety team.");
    expect(bioRefusal(['email'])).toMatch(/^Your profile can't include contact details: we found email addresses\. /);
  });
});
