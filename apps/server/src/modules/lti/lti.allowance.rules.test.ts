import { describe, expect, it } from 'vitest';
import { allowanceDraw, allowanceMonth, allowanceProblem, drawReturnsOnCancel } from './lti.allowance.rules';

describe('course allowance rules (#16, decision 068)', () => {
  it('counts a lesson in the UTC month of its start', () => {
    expect(allowanceMonth(new Date('2026-12-31T23:30:00Z'))).toBe('2026-12');
    expect(allowanceMonth(new Date('2027-01-01T00:00:00Z'))).toBe('2027-01');
  });

  it('draws one lesson, or its minutes, while it fits whole; never part of a lesson', () => {
    expect(allowanceDraw({ unit: 'lessons', perLearnerMonthly: 2 }, 1, 60)).toBe(1);
    expect(allowanceDraw({ unit: 'lessons', perLearnerMonthly: 2 }, 2, 30)).toBeNull();
    expect(allowanceDraw({ unit: 'minutes', perLearnerMonthly: 90 }, 30, 60)).toBe(60);
    expect(allowanceDraw({ unit: 'minutes', perLearnerMonthly: 90 }, 60, 60)).toBeNull();
  });

  it('pays nothing without an allowance or with one switched off', () => {
    expect(allowanceDraw(null, 0, 30)).toBeNull();
    expect(allowanceDraw({ unit: 'lessons', perLearnerMonthly: 0 }, 0, 30)).toBeNull();
  });

  it('refuses negative, fractional and absurd allowances', () => {
    expect(allowanceProblem({ unit: 'lessons', perLearnerMonthly: 4 })).toBeNull();
    expect(allowanceProblem({ unit: 'lessons', perLearnerMonthly: -1 })).toMatch(/0 or more/);
    expect(allowanceProblem({ unit: 'minutes', perLearnerMonthly: 1.5 })).toMatch(/whole number/);
    expect(allowanceProblem({ unit: 'lessons', perLearnerMonthly: 1000 })).toMatch(/at most 100/);
  });

  it("gives a cancelled lesson's draw back unless the school is billed for it: a learner's late cancellation (decision 076)", () => {
    expect(drawReturnsOnCancel({ outcome: 'late_cancellation', by: 'student' })).toBe(false);
    expect(drawReturnsOnCancel({ outcome: 'late_cancellation', by: 'tutor' })).toBe(true);
    expect(drawReturnsOnCancel({ outcome: 'late_cancellation', by: null })).toBe(true);
    expect(drawReturnsOnCancel({ outcome: 'cancelled', by: 'student' })).toBe(true);
  });
});
