import { z } from 'zod';

/**
 * Breakout rooms in a class (issue #15, decision 050): the teacher splits the learners into groups, each with its own
 * media room, board and chat; visits one, broadcasts to all, and brings everyone back (or the timer does).
 */
export const BREAKOUT_LIMITS = {
  maxGroups: 15,
  minMinutes: 1,
  maxMinutes: 120,
  broadcastChars: 500,
} as const;

const id = z.uuid('must be an id');

/** How to split: at random into `count` groups, or the teacher's own lists of learners (each learner at most once). */
export const breakoutSplitSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('random'), count: z.number().int().min(2, 'at least 2 groups').max(BREAKOUT_LIMITS.maxGroups, `at most ${BREAKOUT_LIMITS.maxGroups} groups`) }),
  z.strictObject({
    mode: z.literal('chosen'),
    groups: z
      .array(z.array(id).min(1, 'a group needs at least one learner').max(30))
      .min(2, 'at least 2 groups')
      .max(BREAKOUT_LIMITS.maxGroups, `at most ${BREAKOUT_LIMITS.maxGroups} groups`),
  }),
]);
export type BreakoutSplit = z.infer<typeof breakoutSplitSchema>;

/** The teacher's breakout commands, sent inside `class:control` (so the one teacher check refuses them to anyone else). */
export const breakoutCommandSchemas = [
  z.strictObject({
    type: z.literal('breakout-start'),
    split: breakoutSplitSchema,
    minutes: z.number().int().min(BREAKOUT_LIMITS.minMinutes).max(BREAKOUT_LIMITS.maxMinutes, `at most ${BREAKOUT_LIMITS.maxMinutes} minutes`),
  }),
  /** Join one group's room (audio, video, board and chat), or null to go back to the main room. */
  z.strictObject({ type: z.literal('breakout-visit'), groupId: id.nullable() }),
  z.strictObject({ type: z.literal('breakout-broadcast'), text: z.string().trim().min(1, 'a message needs text').max(BREAKOUT_LIMITS.broadcastChars) }),
  /** Bring everyone back to the main room now. */
  z.strictObject({ type: z.literal('breakout-close') }),
] as const;

export interface BreakoutGroupView {
  id: string;
  /** 1, 2, 3…: "Group 2". */
  number: number;
  userIds: string[];
}
export interface BreakoutView {
  id: string;
  startedAt: string;
  /** When the timer brings everyone back. */
  endsAt: string;
  groups: BreakoutGroupView[];
  /** The group the teacher is in now (null: the main room). */
  visitingGroupId: string | null;
  /** The teacher's last message to every group. */
  broadcast: { text: string; sentAt: string } | null;
}

export interface BreakoutServerEvents {
  /** Breakout rooms started, changed (a visit) or closed (null): clients rejoin to load their group's board and chat. */
  'class:breakout': (payload: { classId: string; breakout: BreakoutView | null; closedBy?: 'teacher' | 'timer' | 'ended' }) => void;
  /** The teacher's message to every group. */
  'class:breakout:broadcast': (payload: { classId: string; text: string; sentAt: string }) => void;
}

/** The group a user is in now: a learner's own, the teacher's visited one; null for the main room. */
export function breakoutGroupOf(b: BreakoutView | null, userId: string, role: 'teacher' | 'learner' | 'observer'): BreakoutGroupView | null {
  if (!b) return null;
  if (role === 'teacher') return b.groups.find((g) => g.id === b.visitingGroupId) ?? null;
  return b.groups.find((g) => g.userIds.includes(userId)) ?? null;
}
