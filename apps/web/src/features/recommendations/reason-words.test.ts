import { describe, expect, it } from 'vitest';
import { namesList, reasonWords } from './reason-words';

describe('reason words', () => {
  it('words each reason', () => {
    expect(reasonWords({ kind: 'history', how: 'session', tutorNames: ['Asha', 'Ravi'] })).toBe('Because you had sessions with Asha and Ravi');
    expect(reasonWords({ kind: 'history', how: 'lesson', tutorNames: ['Meera'] })).toBe('Because you had lessons with Meera');
    expect(reasonWords({ kind: 'also_booked', tutorName: 'Meera' })).toBe('Students who booked Meera also booked this tutor');
    expect(reasonWords({ kind: 'new' })).toMatch(/^New tutor/);
    expect(reasonWords({ kind: 'popular' })).toMatch(/Popular/);
  });

  it('lists names the way the locale does', () => {
    expect(namesList([])).toBe('');
    expect(namesList(['A'])).toBe('A');
    expect(namesList(['A', 'B', 'C'], { locale: 'en-GB' })).toBe('A, B and C');
    expect(namesList(['A', 'B', 'C'], { locale: 'en-US' })).toBe('A, B, and C');
  });
});
