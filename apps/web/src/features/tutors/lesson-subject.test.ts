import { describe, expect, it } from 'vitest';
import { lessonSubjectOf } from './lesson-subject';

const maths = { subjectId: 'maths', subjectName: 'Maths', level: 'grade-11-12' };
const physics = { subjectId: 'physics', subjectName: 'Physics', level: 'grade-11-12' };
const q = (s: string) => new URLSearchParams(s);

describe("a booked lesson's subject (#17)", () => {
  it('is the subject and level the learner came with, when the tutor teaches it', () => {
    expect(lessonSubjectOf({ subjects: [maths, physics] }, q('subject=physics&level=grade-11-12'))).toEqual({ id: 'physics', level: 'grade-11-12' });
  });
  it("is the tutor's only subject otherwise, and none when the tutor has several and nothing says which", () => {
    expect(lessonSubjectOf({ subjects: [physics] }, q('subject=chemistry&level=grade-11-12'))).toEqual({ id: 'physics', level: 'grade-11-12' });
    expect(lessonSubjectOf({ subjects: [maths, physics] }, q('subject=physics&level=grade-9-10'))).toBeUndefined();
    expect(lessonSubjectOf({ subjects: [maths, physics] }, q(''))).toBeUndefined();
  });
});
