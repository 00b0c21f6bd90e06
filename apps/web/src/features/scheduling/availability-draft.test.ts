import { describe, expect, it } from 'vitest';
import { bodyFromDraft, cleanMessage, copyMondayToWeekdays, draftFromPolicy, draftProblems, errorKeyFor, suggestRange } from './availability-draft';

const policy = {
  timeZone: 'Asia/Kolkata',
  rules: [
    { weekday: 3, start: '14:00', end: '18:00' },
    { weekday: 1, start: '16:00', end: '24:00' },
    { weekday: 1, start: '09:00', end: '12:00' },
  ],
  overrides: [
    { date: '2026-12-25', ranges: [] },
    { date: '2026-12-01', ranges: [{ start: '08:00', end: '10:00' }] },
  ],
  durationsMinutes: [60, 30],
  bufferMinutes: 10,
  minNoticeMinutes: 720,
  maxPerDay: null,
  horizonDays: 60,
  cancelFreeHours: 24,
  updatedAt: null,
};

describe('availability draft', () => {
  it('round-trips a policy, sorted by weekday and start, with 24:00 shown as 00:00 and sent back as 24:00', () => {
    const draft = draftFromPolicy(policy);
    expect(draft.week[1].map((r) => [r.start, r.end])).toEqual([
      ['09:00', '12:00'],
      ['16:00', '00:00'],
    ]);
    expect(draft.overrides.map((o) => o.date)).toEqual(['2026-12-01', '2026-12-25']);
    const { body, ruleKeys } = bodyFromDraft(draft);
    expect(body.rules).toEqual([
      { weekday: 1, start: '09:00', end: '12:00' },
      { weekday: 1, start: '16:00', end: '24:00' },
      { weekday: 3, start: '14:00', end: '18:00' },
    ]);
    expect(body.durationsMinutes).toEqual([30, 60]);
    expect(body.maxPerDay).toBeNull();
    expect(ruleKeys).toEqual([draft.week[1][0]!.key, draft.week[1][1]!.key, draft.week[3][0]!.key]);
  });

  it('sends a typed daily cap as a number', () => {
    const draft = { ...draftFromPolicy(policy), maxPerDay: ' 4 ' };
    expect(bodyFromDraft(draft).body.maxPerDay).toBe(4);
  });

  it('copies Monday onto Tuesday to Friday as new rows, leaving the weekend', () => {
    const draft = draftFromPolicy(policy);
    const week = copyMondayToWeekdays(draft.week);
    for (const day of [2, 3, 4, 5] as const) expect(week[day].map((r) => r.start)).toEqual(['09:00', '16:00']);
    expect(week[2][0]!.key).not.toBe(week[1][0]!.key);
    expect(week[6]).toEqual([]);
  });

  it('finds problems before sending: end before start, duplicate or missing dates, no length, a bad cap', () => {
    const draft = draftFromPolicy(policy);
    draft.week[3][0]!.end = '13:00';
    draft.overrides[1]!.date = '2026-12-01';
    draft.overrides.push({ key: 'x', date: '', ranges: [] });
    draft.durationsMinutes = [];
    draft.maxPerDay = '0';
    const problems = draftProblems(draft);
    expect(problems[draft.week[3][0]!.key]).toMatch(/after the start/);
    expect(problems[draft.overrides[1]!.key]).toMatch(/already listed/);
    expect(problems.x).toMatch(/Pick a date/);
    expect(problems.durationsMinutes).toBeDefined();
    expect(problems.maxPerDay).toBeDefined();
    // An end of 00:00 means midnight, after any start.
    expect(problems[draft.week[1][1]!.key]).toBeUndefined();
  });

  it('places server errors beside their rows, in both path styles', () => {
    const keys = { ruleKeys: ['a', 'b'], overrideKeys: ['o1', 'o2'], overrideRangeKeys: [[], ['r1']] };
    expect(errorKeyFor('rules[1]', keys)).toBe('b');
    expect(errorKeyFor('body.rules.0.end', keys)).toBe('a');
    expect(errorKeyFor('overrides[1].ranges[0]', keys)).toBe('r1');
    expect(errorKeyFor('overrides[0]', keys)).toBe('o1');
    expect(errorKeyFor('body.bufferMinutes', keys)).toBe('bufferMinutes');
    expect(errorKeyFor('timeZone', keys)).toBe('timeZone');
    expect(cleanMessage('rules[3]: end must be after start')).toBe('End must be after start');
  });

  it('suggests the next range after the last one', () => {
    expect(suggestRange([])).toEqual({ start: '09:00', end: '12:00' });
    expect(suggestRange([{ key: 'k', start: '09:00', end: '12:30' }])).toEqual({ start: '13:30', end: '15:30' });
  });
});
