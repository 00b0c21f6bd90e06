import type { BreakoutSplit, ClassRefusalCode, ClassRole } from '@tutorline/contracts';

/**
 * Breakout rooms' pure decisions (decision 050): splitting the learners into groups, the checks on a teacher's own
 * split, who may do what while groups run, where each person is, and when the timer closes them. Randomness and time
 * come in as arguments.
 */

export type BreakoutRefusal = Extract<
  ClassRefusalCode,
  'teacher_only' | 'class_ended' | 'breakout_running' | 'no_breakout' | 'breakout_too_few_learners' | 'breakout_learner_twice' | 'breakout_not_a_learner' | 'no_such_group'
>;
export type Split = { ok: true; groups: string[][] } | { ok: false; reason: BreakoutRefusal };

/** A number in [0, 1), as Math.random; tests pass a seeded one. */
export type Rng = () => number;

/** A small seeded generator (mulberry32): the same seed gives the same split, for tests and for replaying a log. */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Splits the class's learners into groups. Random: shuffled (Fisher–Yates with `rng`) and dealt round-robin, so group
 * sizes differ by at most one; K must be within 2..N. Chosen: every listed user must be one of `learners`, listed at
 * most once, in 2..N non-empty groups; learners left out stay in the main room with the teacher.
 */
export function splitLearners(learners: readonly string[], split: BreakoutSplit, rng: Rng): Split {
  const n = learners.length;
  if (split.mode === 'random') {
    if (split.count < 2 || n < split.count) return { ok: false, reason: 'breakout_too_few_learners' };
    const order = [...learners];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const groups: string[][] = Array.from({ length: split.count }, () => []);
    order.forEach((u, i) => groups[i % split.count]!.push(u));
    return { ok: true, groups };
  }
  const k = split.groups.length;
  if (k < 2 || n < k || split.groups.some((g) => g.length === 0)) return { ok: false, reason: 'breakout_too_few_learners' };
  const known = new Set(learners);
  const seen = new Set<string>();
  for (const g of split.groups)
    for (const u of g) {
      if (!known.has(u)) return { ok: false, reason: 'breakout_not_a_learner' };
      if (seen.has(u)) return { ok: false, reason: 'breakout_learner_twice' };
      seen.add(u);
    }
  return { ok: true, groups: split.groups.map((g) => [...g]) };
}

/** What someone asks of breakout rooms. */
export type BreakoutAction = { kind: 'start' } | { kind: 'visit'; groupId: string | null } | { kind: 'broadcast' } | { kind: 'close' };

export interface OpenBreakout {
  groupIds: readonly string[];
  endsAt: Date;
}

/** May this person do this now? Only the teacher, only while the class runs; start needs none open, the rest need one. */
export function decideBreakout(action: BreakoutAction, role: ClassRole, open: OpenBreakout | null, ended: boolean): { ok: true } | { ok: false; reason: BreakoutRefusal } {
  if (ended) return { ok: false, reason: 'class_ended' };
  if (role !== 'teacher') return { ok: false, reason: 'teacher_only' };
  if (action.kind === 'start') return open ? { ok: false, reason: 'breakout_running' } : { ok: true };
  if (!open) return { ok: false, reason: 'no_breakout' };
  if (action.kind === 'visit' && action.groupId !== null && !open.groupIds.includes(action.groupId)) return { ok: false, reason: 'no_such_group' };
  return { ok: true };
}

/** The timer: groups close at `endsAt` (the job runs then; a late run still closes). */
export const breakoutDue = (open: Pick<OpenBreakout, 'endsAt'>, now: Date): boolean => now.getTime() >= open.endsAt.getTime();

/** When the groups close, from the start and the teacher's minutes. */
export const breakoutEndsAt = (startedAt: Date, minutes: number): Date => new Date(startedAt.getTime() + minutes * 60_000);

/**
 * Which group's room (media, board, chat) a person is in: a learner their own group, the teacher the group they visit;
 * null is the main room (learners left out of the split, observers, the teacher between visits).
 */
export function scopeOf(members: ReadonlyMap<string, string>, visitingGroupId: string | null, userId: string, role: ClassRole): string | null {
  if (role === 'teacher') return visitingGroupId;
  if (role === 'learner') return members.get(userId) ?? null;
  return null;
}
