import { type BreakoutSplit, type BreakoutView, classRoomOf } from '@tutorline/contracts';
import { z } from 'zod';
import { defineJob } from '../../platform/jobs';
import type { Ok } from '../../platform/result';
import type { BreakoutRepo, OpenBreakoutRows } from './classroom.breakout.repo';
import { breakoutDue, breakoutEndsAt, decideBreakout, type BreakoutAction, type Rng, scopeOf, splitLearners } from './classroom.breakout.rules';
import { type ClassroomContext, type Refused, refused } from './classroom.context';
import type { ClassRole } from './classroom.ports';

/** Closes a class's breakout rooms at their time: durable, so a restart in between still brings everyone back. */
export const BREAKOUT_CLOSE_QUEUE = defineJob('classroom.breakout_close', z.object({ classId: z.uuid(), breakoutId: z.uuid() }));

/** The socket room of one group: its members' sockets, and the teacher's while visiting. */
export const groupRoomOf = (classId: string, groupId: string) => `${classRoomOf(classId)}:group:${groupId}`;
/** Every group's socket room of an open split (none when there is none). */
export const groupRoomsOf = (classId: string, open: OpenBreakoutRows | null): string[] => open?.groups.map((g) => groupRoomOf(classId, g.id)) ?? [];
const personalRoomOf = (classId: string, userId: string) => `${classRoomOf(classId)}:user:${userId}`;

export const breakoutView = (b: OpenBreakoutRows): BreakoutView => ({
  id: b.row.id,
  startedAt: b.row.startedAt.toISOString(),
  endsAt: b.row.endsAt.toISOString(),
  groups: b.groups,
  visitingGroupId: b.row.visitingGroupId,
  broadcast: b.row.broadcast && b.row.broadcastAt ? { text: b.row.broadcast, sentAt: b.row.broadcastAt.toISOString() } : null,
});

/** Where one person is: the open breakout (if any) and the group whose media, board and chat they share (null: the main room). */
export interface Scope {
  open: OpenBreakoutRows | null;
  groupId: string | null;
}

/**
 * Breakout rooms (decision 050): the split is stored (so a reload, a reconnect or a restart puts each learner back in
 * their group), each group is a socket room and a chat/board scope, and a durable job closes them at their time.
 */
export function createBreakoutService(ctx: ClassroomContext, breakouts: BreakoutRepo, rng: Rng) {
  const { repo, io, clock, logger } = ctx.deps;

  async function check(classId: string, role: ClassRole, action: BreakoutAction): Promise<Ok<OpenBreakoutRows | null> | Refused> {
    const [open, state] = await Promise.all([breakouts.open(classId), repo.state(classId)]);
    const d = decideBreakout(action, role, open ? { groupIds: open.groups.map((g) => g.id), endsAt: open.row.endsAt } : null, state?.endedAt != null);
    if (!d.ok) {
      logger.info({ event: 'classroom_breakout_refused', classId, action: action.kind, reason: d.reason }, 'breakout refused');
      return refused(d.reason);
    }
    return { ok: true, value: open };
  }
  const tell = (classId: string, open: OpenBreakoutRows | null, closedBy?: 'teacher' | 'timer' | 'ended') =>
    io.to(classRoomOf(classId)).emit('class:breakout', { classId, breakout: open ? breakoutView(open) : null, ...(closedBy ? { closedBy } : {}) });

  async function close(classId: string, open: OpenBreakoutRows, by: 'teacher' | 'timer' | 'ended', actorId: string | null): Promise<boolean> {
    const closed = await breakouts.close(open.row.id, clock.now(), by);
    if (!closed) return false;
    const rooms = closed.groups.map((g) => groupRoomOf(classId, g.id));
    if (rooms.length) io.in(rooms).socketsLeave(rooms);
    await ctx.event(classId, actorId, 'breakout-closed', { breakoutId: open.row.id, by });
    tell(classId, null, by);
    return true;
  }

  return {
    /** Where this person is now (one read of the open split). */
    async scope(classId: string, userId: string, role: ClassRole): Promise<Scope> {
      const open = await breakouts.open(classId);
      return { open, groupId: open ? scopeOf(open.members, open.row.visitingGroupId, userId, role) : null };
    },

    async start(classId: string, teacherId: string, split: BreakoutSplit, minutes: number): Promise<Ok<object> | Refused> {
      const ok = await check(classId, 'teacher', { kind: 'start' });
      if (!ok.ok) return ok;
      // Random: the learners here now. Chosen: any learner admitted to the class (one who is away joins their group on return).
      const [rows, present] = await Promise.all([repo.participants(classId), ctx.presentUsers(classId)]);
      const learners = rows
        .filter((r) => r.role === 'learner' && r.admission === 'admitted' && !r.removedAt && (split.mode === 'chosen' || present.has(r.userId)))
        .map((r) => r.userId)
        .sort();
      const groups = splitLearners(learners, split, rng);
      if (!groups.ok) {
        logger.info({ event: 'classroom_breakout_refused', classId, action: 'start', reason: groups.reason, learners: learners.length }, 'breakout refused');
        return refused(groups.reason);
      }
      const now = clock.now();
      const open = await breakouts.start({ classId, createdBy: teacherId, startedAt: now, endsAt: breakoutEndsAt(now, minutes), groups: groups.groups });
      if (!open) return refused('breakout_running');
      for (const g of open.groups) if (g.userIds.length) io.in(g.userIds.map((u) => personalRoomOf(classId, u))).socketsJoin(groupRoomOf(classId, g.id));
      await ctx.event(classId, teacherId, 'breakout-started', { breakoutId: open.row.id, mode: split.mode, groups: open.groups.map((g) => g.userIds.length), endsAt: open.row.endsAt.toISOString() });
      tell(classId, open);
      return { ok: true, value: {} };
    },

    /** The teacher goes into one group (its media, board and chat), or back to the main room with null. */
    async visit(classId: string, teacherId: string, groupId: string | null): Promise<Ok<object> | Refused> {
      const ok = await check(classId, 'teacher', { kind: 'visit', groupId });
      if (!ok.ok) return ok;
      const open = ok.value!;
      const row = await breakouts.update(open.row.id, { visitingGroupId: groupId });
      if (!row) return refused('no_breakout');
      const mine = io.in(personalRoomOf(classId, teacherId));
      mine.socketsLeave(open.groups.map((g) => groupRoomOf(classId, g.id)));
      if (groupId) mine.socketsJoin(groupRoomOf(classId, groupId));
      await ctx.event(classId, teacherId, 'breakout-visit', { breakoutId: row.id, groupId });
      tell(classId, { ...open, row });
      return { ok: true, value: {} };
    },

    /** One message to every group (and the main room), kept on the split so a reload still shows it. */
    async broadcast(classId: string, teacherId: string, text: string): Promise<Ok<object> | Refused> {
      const ok = await check(classId, 'teacher', { kind: 'broadcast' });
      if (!ok.ok) return ok;
      const sentAt = clock.now();
      const row = await breakouts.update(ok.value!.row.id, { broadcast: text, broadcastAt: sentAt });
      if (!row) return refused('no_breakout');
      await ctx.event(classId, teacherId, 'breakout-broadcast', { breakoutId: row.id, chars: text.length });
      io.to(classRoomOf(classId)).emit('class:breakout:broadcast', { classId, text, sentAt: sentAt.toISOString() });
      return { ok: true, value: {} };
    },

    /** "Bring everyone back". */
    async closeNow(classId: string, teacherId: string): Promise<Ok<object> | Refused> {
      const ok = await check(classId, 'teacher', { kind: 'close' });
      if (!ok.ok) return ok;
      await close(classId, ok.value!, 'teacher', teacherId);
      return { ok: true, value: {} };
    },

    /** The class ended: its groups close with it. */
    async closeForEnd(classId: string, teacherId: string) {
      const open = await breakouts.open(classId);
      if (open) await close(classId, open, 'ended', teacherId);
    },

    /** The timer's job: closes that split if it is still open and due (a split closed by the teacher is left alone). */
    async closeByTimer(classId: string, breakoutId: string) {
      const open = await breakouts.open(classId);
      if (!open || open.row.id !== breakoutId) return;
      // A job claimed early (another node's clock) must not close the groups before their time: it runs again later.
      if (!breakoutDue({ endsAt: open.row.endsAt }, clock.now())) throw new Error('breakout not due yet');
      await close(classId, open, 'timer', null);
    },
  };
}
export type BreakoutService = ReturnType<typeof createBreakoutService>;
