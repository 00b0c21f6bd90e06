import { describe, expect, it } from 'vitest';
import { classifyText, decideStudent, type StudentState } from '.';
import { ctx, states, ofType, next } from './fixtures.test-support';

// What free text means.
describe('free text', () => {
  const cases: [string, string][] = [
    ['cancel', 'cancel'],
    ['  CANCEL!! ', 'cancel'],
    ['Stop', 'cancel'],
    ['band karo', 'cancel'],
    ['रद्द', 'cancel'],
    ['help', 'help'],
    ['Menu', 'help'],
    ['madad', 'help'],
    ['मदद', 'help'],
    ['Hi', 'help'],
    ['namaste', 'help'],
    ['status', 'status'],
    ['Status?', 'status'],
    ['kya hua', 'status'],
    ['yes', 'yes'],
    ['Haan', 'yes'],
    ['theek hai', 'yes'],
    ['3', 'stars'],
    ['5 stars', 'stars'],
    ['⭐⭐⭐⭐', 'stars'],
    ['6', 'other'],
    ['0', 'other'],
    ['12', 'other'],
    ['cancel my maths question', 'other'],
    ['please help with q5', 'other'],
    ['', 'other'],
  ];
  it.each(cases)('%j → %s', (raw, intent) => {
    expect(classifyText(raw).intent).toBe(intent);
  });
  it('reads the stars', () => {
    expect(classifyText('⭐⭐⭐⭐')).toEqual({ intent: 'stars', stars: 4 });
    expect(classifyText(' 1 star')).toEqual({ intent: 'stars', stars: 1 });
  });
  it('a digit outside the rating prompt is not a rating', () => {
    const d = decideStudent(states.idle, { type: 'text', text: '5' }, ctx(0));
    expect(ofType(d, 'record_rating')).toEqual([]);
  });
  it('text alone starts a question only when text-only questions are on, and only when long enough', () => {
    const q = { type: 'text', text: 'How do I find the area of a circle?' } as const;
    expect(next(decideStudent(states.idle, q, ctx(0))).name).toBe('idle');
    expect(next(decideStudent(states.idle, q, ctx(0, { textOnlyQuestions: true })))).toMatchObject({
      name: 'choosing_subject',
      draft: { photoMediaRefs: [], text: 'How do I find the area of a circle?' },
    });
    expect(next(decideStudent(states.idle, { type: 'text', text: 'thanks' }, ctx(0, { textOnlyQuestions: true }))).name).toBe('idle');
  });
  it('caps the question text at the ask limit', () => {
    const d = decideStudent(states.choosing_subject, { type: 'text', text: 'x'.repeat(3000) }, ctx(100));
    expect((next(d) as Extract<StudentState, { name: 'choosing_subject' }>).draft.text!.length).toBe(2000);
  });
});

