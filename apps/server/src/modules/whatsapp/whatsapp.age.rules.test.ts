import { describe, expect, it } from 'vitest';
import { birthDateFromAnswer, parseGuardianContact } from './whatsapp.age.rules';

const now = new Date('2026-11-22T10:00:00Z');

describe('reading an age answer', () => {
  it.each([
    ['15', '2011-11-22'],
    [' I am 15 ', '2011-11-22'],
    ["I'm 12 years old", '2014-11-22'],
    ['age 9', '2017-11-22'],
    ['14 saal', '2012-11-22'],
    ['१३', '2013-11-22'],
    ['2012', '2012-12-31'],
    ['born in 2008', '2008-12-31'],
  ])('%j → %s (the youngest birth date the answer allows)', (answer, birthDate) => {
    expect(birthDateFromAnswer(answer, now)).toBe(birthDate);
  });

  it.each(['', 'hello', 'maths question 5 please', '3', '121', '2031', '12 or 13', '12345', '1.5'])('%j is not an age', (answer) => {
    expect(birthDateFromAnswer(answer, now)).toBeNull();
  });

  it('29 February: the same age, a day earlier in a year without it', () => {
    expect(birthDateFromAnswer('13', new Date('2028-02-29T12:00:00Z'))).toBe('2015-02-28');
  });
});

describe("reading a guardian's contact", () => {
  it.each([
    ['Mum@Example.com', 'mum@example.com'],
    ['+91 98765-43210', '+919876543210'],
    ['(020) 7946 0958', '02079460958'],
  ])('%j → %s', (raw, contact) => expect(parseGuardianContact(raw)).toBe(contact));

  it.each(['my mum', '12345', 'mum@home', `${'a'.repeat(250)}@example.com`])('%j is neither', (raw) => expect(parseGuardianContact(raw)).toBeNull());
});
