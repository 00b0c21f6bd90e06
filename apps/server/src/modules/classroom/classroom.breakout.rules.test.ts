import { describe, expect, it } from 'vitest';
import { breakoutDue, breakoutEndsAt, decideBreakout, scopeOf, seededRng, splitLearners } from './classroom.breakout.rules';

const learners = Array.from({ length: 7 }, (_, i) => `u${i}`);
const open = { groupIds: ['g1', 'g2'], endsAt: new Date('2026-11-27T10:10:00Z') };

describe('splitting learners into groups', () => {
  it('deals a random split into K groups whose sizes differ by at most one, each learner exactly once', () => {
    for (const count of [2, 3, 4, 7]) {
      const r = splitLearners(learners, { mode: 'random', count }, seededRng(count));
      if (!r.ok) throw new Error(r.reason);
      expect(r.groups).toHaveLength(count);
      expect(r.groups.flat().sort()).toEqual([...learners].sort());
      const sizes = r.groups.map((g) => g.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it('is decided by the injected random numbers: the same seed gives the same groups, another seed another order', () => {
    const a = splitLearners(learners, { mode: 'random', count: 3 }, seededRng(42));
    const b = splitLearners(learners, { mode: 'random', count: 3 }, seededRng(42));
    const c = splitLearners(learners, { mode: 'random', count: 3 }, seededRng(43));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    // rng always 0: each swap takes the first element, a fixed permutation anyone can check by hand.
    expect(splitLearners(['a', 'b', 'c', 'd'], { mode: 'random', count: 2 }, () => 0)).toEqual({ ok: true, groups: [['b', 'd'], ['c', 'a']] });
  });

  it('refuses K outside 2..N', () => {
    expect(splitLearners(learners, { mode: 'random', count: 8 }, seededRng(1))).toEqual({ ok: false, reason: 'breakout_too_few_learners' });
    expect(splitLearners(learners, { mode: 'random', count: 1 }, seededRng(1))).toEqual({ ok: false, reason: 'breakout_too_few_learners' });
    expect(splitLearners(['a'], { mode: 'chosen', groups: [['a'], []] }, seededRng(1))).toEqual({ ok: false, reason: 'breakout_too_few_learners' });
  });

  it("takes the teacher's groups as given, leaving unlisted learners in the main room", () => {
    expect(splitLearners(learners, { mode: 'chosen', groups: [['u0', 'u1'], ['u2']] }, seededRng(1))).toEqual({ ok: true, groups: [['u0', 'u1'], ['u2']] });
  });

  it("refuses a teacher's split listing a learner twice, or someone who is not a learner here", () => {
    expect(splitLearners(learners, { mode: 'chosen', groups: [['u0', 'u1'], ['u1']] }, seededRng(1))).toEqual({ ok: false, reason: 'breakout_learner_twice' });
    expect(splitLearners(learners, { mode: 'chosen', groups: [['u0', 'u0'], ['u1']] }, seededRng(1))).toEqual({ ok: false, reason: 'breakout_learner_twice' });
    expect(splitLearners(learners, { mode: 'chosen', groups: [['u0'], ['stranger']] }, seededRng(1))).toEqual({ ok: false, reason: 'breakout_not_a_learner' });
  });
});

describe('who may do what with breakout rooms', () => {
  it('lets only the teacher start, visit, broadcast and close', () => {
    for (const action of [{ kind: 'start' }, { kind: 'visit', groupId: 'g1' }, { kind: 'broadcast' }, { kind: 'close' }] as const) {
      for (const role of ['learner', 'observer'] as const) expect(decideBreakout(action, role, action.kind === 'start' ? null : open, false)).toEqual({ ok: false, reason: 'teacher_only' });
      expect(decideBreakout(action, 'teacher', action.kind === 'start' ? null : open, false)).toEqual({ ok: true });
    }
  });

  it('refuses a second start while groups run, and visits, broadcasts and closes when none run', () => {
    expect(decideBreakout({ kind: 'start' }, 'teacher', open, false)).toEqual({ ok: false, reason: 'breakout_running' });
    for (const action of [{ kind: 'visit', groupId: null }, { kind: 'broadcast' }, { kind: 'close' }] as const) expect(decideBreakout(action, 'teacher', null, false)).toEqual({ ok: false, reason: 'no_breakout' });
  });

  it('refuses a visit to a group of another breakout, allows going back to the main room, and refuses everything once the class ended', () => {
    expect(decideBreakout({ kind: 'visit', groupId: 'g9' }, 'teacher', open, false)).toEqual({ ok: false, reason: 'no_such_group' });
    expect(decideBreakout({ kind: 'visit', groupId: null }, 'teacher', open, false)).toEqual({ ok: true });
    expect(decideBreakout({ kind: 'close' }, 'teacher', open, true)).toEqual({ ok: false, reason: 'class_ended' });
  });
});

describe('the timer and where people are', () => {
  it('closes at endsAt and not a millisecond before', () => {
    const endsAt = breakoutEndsAt(new Date('2026-11-27T10:00:00Z'), 10);
    expect(endsAt.toISOString()).toBe('2026-11-27T10:10:00.000Z');
    expect(breakoutDue({ endsAt }, new Date(endsAt.getTime() - 1))).toBe(false);
    expect(breakoutDue({ endsAt }, endsAt)).toBe(true);
    expect(breakoutDue({ endsAt }, new Date(endsAt.getTime() + 60_000))).toBe(true);
  });

  it("puts a learner in their group, the teacher in the group visited, and everyone else in the main room", () => {
    const members = new Map([['u0', 'g1'], ['u1', 'g2']]);
    expect(scopeOf(members, 'g2', 'u0', 'learner')).toBe('g1');
    expect(scopeOf(members, 'g2', 'u5', 'learner')).toBeNull();
    expect(scopeOf(members, 'g2', 't', 'teacher')).toBe('g2');
    expect(scopeOf(members, null, 't', 'teacher')).toBeNull();
    expect(scopeOf(members, 'g2', 'u0', 'observer')).toBeNull();
  });
});
