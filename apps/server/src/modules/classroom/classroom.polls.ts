import { classRoomOf, type PollCreate, type PollResults, type PollView } from '@tutorline/contracts';
import type { Ok } from '../../platform/result';
import { type ClassroomContext, type Refused, refused, teachersRoomOf } from './classroom.context';
import type { PollRow } from './classroom.content.repo';
import { checkChoices, type ExportPoll, tally } from './classroom.rules';

/** Polls: the teacher creates, closes and shares them; learners vote once; results live for the teacher. */
export function createPollsService(ctx: ClassroomContext) {
  const { content, clock, io } = ctx.deps;

  async function resultsOf(polls: PollRow[], withNames: boolean): Promise<Map<string, PollResults>> {
    const votes = await content.votes(polls.map((p) => p.id));
    const names = withNames ? await ctx.deps.names(votes.flatMap((v) => (v.voterId ? [v.voterId] : []))) : new Map<string, string>();
    return new Map(polls.map((p) => [p.id, tally(p, votes.filter((v) => v.pollId === p.id), names, withNames)]));
  }
  const view = (p: PollRow, voted: boolean, results: PollResults | null): PollView => ({
    id: p.id,
    question: p.question,
    options: p.options,
    multiple: p.multiple,
    anonymous: p.anonymous,
    status: p.status,
    shared: p.shared,
    createdAt: p.createdAt.toISOString(),
    voted,
    results,
  });

  /** Tells the teachers (results with names where the poll is named) and the learners (results once shared). */
  async function broadcast(classId: string, poll: PollRow, learnersToo = true) {
    const forTeacher = (await resultsOf([poll], true)).get(poll.id)!;
    io.to(teachersRoomOf(classId)).emit('class:poll', { classId, poll: view(poll, false, forTeacher) });
    if (!learnersToo) return;
    const { named: _named, ...counts } = forTeacher;
    // Everyone else in the room but the teachers; `voted` is per reader, so learners merge it with what they know.
    io.to(classRoomOf(classId)).except(teachersRoomOf(classId)).emit('class:poll', { classId, poll: view(poll, false, poll.shared ? counts : null) });
  }

  return {
    /** Every poll of the class as this reader may see it. */
    async views(classId: string, userId: string, teacher: boolean): Promise<PollView[]> {
      const polls = await content.polls(classId);
      const [results, ballots] = await Promise.all([resultsOf(polls, teacher), content.ballotsOf(userId, polls.map((p) => p.id))]);
      return polls.map((p) => {
        const r = results.get(p.id)!;
        if (teacher) return view(p, false, r);
        const { named: _named, ...counts } = r;
        return view(p, ballots.has(p.id), p.shared ? counts : null);
      });
    },

    async create(classId: string, teacherId: string, input: PollCreate): Promise<Ok<{ pollId: string }>> {
      const poll = await content.insertPoll({ classId, createdBy: teacherId, question: input.question, options: input.options, multiple: input.multiple, anonymous: input.anonymous, status: 'open', createdAt: clock.now() });
      await ctx.event(classId, teacherId, 'poll-created', { pollId: poll.id, multiple: poll.multiple, anonymous: poll.anonymous, options: poll.options.length });
      await broadcast(classId, poll);
      return { ok: true, value: { pollId: poll.id } };
    },
    async close(classId: string, teacherId: string, pollId: string): Promise<Ok<object> | Refused> {
      const poll = await content.poll(classId, pollId);
      if (!poll) return refused('poll_not_found');
      if (poll.status === 'closed') return { ok: true, value: {} };
      const closed = await content.updatePoll(pollId, { status: 'closed', closedAt: clock.now() });
      await ctx.event(classId, teacherId, 'poll-closed', { pollId });
      await broadcast(classId, closed);
      return { ok: true, value: {} };
    },
    async share(classId: string, teacherId: string, pollId: string): Promise<Ok<object> | Refused> {
      const poll = await content.poll(classId, pollId);
      if (!poll) return refused('poll_not_found');
      const shared = poll.shared ? poll : await content.updatePoll(pollId, { shared: true });
      await ctx.event(classId, teacherId, 'poll-shared', { pollId });
      await broadcast(classId, shared);
      return { ok: true, value: {} };
    },
    /** One ballot per learner per poll (the caller checked they may vote). */
    async vote(classId: string, userId: string, pollId: string, choices: number[]): Promise<Ok<object> | Refused> {
      const poll = await content.poll(classId, pollId);
      if (!poll) return refused('poll_not_found');
      if (poll.status !== 'open') return refused('poll_closed');
      const c = checkChoices(choices, poll);
      if (!c.ok) return refused(c.reason);
      if (!(await content.castVote(poll, userId, choices, clock.now()))) return refused('already_voted');
      // The timeline says a vote was cast, never what it was.
      ctx.deps.logger.info({ event: 'classroom_poll_vote', classId, pollId, userId: poll.anonymous ? undefined : userId }, 'classroom: poll vote');
      await broadcast(classId, poll, poll.shared);
      return { ok: true, value: {} };
    },

    /** Every poll of the class with its results (named polls with who chose what), for the teacher's export. */
    async exportPolls(classId: string): Promise<ExportPoll[]> {
      const polls = await content.polls(classId);
      const results = await resultsOf(polls, true);
      return polls.map((p) => ({ id: p.id, question: p.question, options: p.options, multiple: p.multiple, anonymous: p.anonymous, createdAt: p.createdAt.toISOString(), results: results.get(p.id)! }));
    },
  };
}
export type PollsService = ReturnType<typeof createPollsService>;
