import type { StaffRole, TutorStanding } from '@tutorline/contracts';
import type { Clock } from '../../platform/clock';
import { conflict, notFound } from '../../platform/errors';
import type { EventBus } from '../../platform/events';
import type { JobRunner } from '../../platform/jobs';
import type { Logger } from '../../platform/logger';
import { TUTOR_SUSPENDED, TUTOR_SUSPENDED_QUEUE } from './identity.events';
import type { StandingRepo, StandingRow } from './identity.standing.repo';

const view = (r: StandingRow): TutorStanding => ({
  tutorId: r.tutorId,
  approvalStatus: r.approvalStatus,
  approvalChangedAt: r.approvalChangedAt?.toISOString() ?? null,
  onProbation: r.onProbation,
  probationChangedAt: r.probationChangedAt?.toISOString() ?? null,
});

/**
 * Ops suspend, reinstate and put tutors on probation (issue #18, decision 064). A suspension commits with its audit
 * row and a durable job; the job emits TUTOR_SUSPENDED, whose listeners (scheduling, classes, help) cancel what the
 * tutor still had ahead. Refusals that would change nothing are 409s, and nothing is written.
 */
export function createTutorStanding(deps: { repo: StandingRepo; clock: Clock; logger: Logger; events: EventBus; jobs: Pick<JobRunner, 'register' | 'poke'> }) {
  const { repo, clock, logger, events, jobs } = deps;

  jobs.register(TUTOR_SUSPENDED_QUEUE, async ({ tutorId, at }) => {
    await events.emit(TUTOR_SUSPENDED, { tutorId, at: new Date(at) });
    logger.info({ event: 'tutor_suspension_applied', tutorId, suspendedAt: at }, "a tutor's suspension reached lessons, classes and offers");
  });

  return {
    async tutorStanding(tutorId: string): Promise<TutorStanding> {
      const row = await repo.standing(tutorId);
      if (!row) throw notFound('That tutor');
      return view(row);
    },

    async suspendTutor(actor: { id: string; role: StaffRole }, tutorId: string, reason: string): Promise<TutorStanding> {
      const done = await repo.suspend(tutorId, actor, reason, clock.now());
      if ('refused' in done) throw done.refused === 'not_found' ? notFound('That tutor') : conflict('That tutor is already suspended: nothing was changed.');
      jobs.poke();
      logger.info({ event: 'tutor_suspended', tutorId, by: actor.id, staffRole: actor.role }, 'tutor suspended');
      return view(done.row);
    },

    async reinstateTutor(actor: { id: string; role: StaffRole }, tutorId: string, reason: string): Promise<TutorStanding> {
      const done = await repo.reinstate(tutorId, actor, reason, clock.now());
      if ('refused' in done) throw done.refused === 'not_found' ? notFound('That tutor') : conflict('That tutor is not suspended: nothing was changed.');
      logger.info({ event: 'tutor_reinstated', tutorId, by: actor.id, staffRole: actor.role }, 'tutor reinstated');
      return view(done.row);
    },

    async setTutorProbation(actor: { id: string; role: StaffRole }, tutorId: string, onProbation: boolean, reason: string): Promise<TutorStanding> {
      const done = await repo.setProbation(tutorId, onProbation, actor, reason, clock.now());
      if ('refused' in done) {
        if (done.refused === 'not_found') throw notFound('That tutor');
        throw conflict(onProbation ? 'That tutor is already on probation: nothing was changed.' : 'That tutor is not on probation: nothing was changed.');
      }
      logger.info({ event: onProbation ? 'tutor_probation_started' : 'tutor_probation_ended', tutorId, by: actor.id, staffRole: actor.role }, onProbation ? 'tutor put on probation' : 'tutor taken off probation');
      return view(done.row);
    },
  };
}
export type TutorStandingService = ReturnType<typeof createTutorStanding>;
