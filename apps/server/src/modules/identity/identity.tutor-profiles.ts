import type { ApprovalStatus, StaffRole, TutorProfile } from '@tutorline/contracts';
import type { Clock } from '../../platform/clock';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors';
import type { Logger } from '../../platform/logger';
import type { IdentityRepo, TutorProfileWithSubjects } from './identity.repo';
import type { TutorBioScreen } from './identity.ports';
import type { AuthUser } from './identity.service';

export function toTutorProfile(p: TutorProfileWithSubjects): TutorProfile {
  return {
    userId: p.userId,
    displayName: p.displayName,
    bio: p.bio,
    subjects: p.subjects,
    languages: p.languages,
    timeZone: p.timeZone,
    hourlyRateMinor: p.hourlyRateMinor,
    currency: p.currency,
    approvalStatus: p.approvalStatus,
  };
}

/** Tutor profiles: a tutor's own edits (subjects checked against the catalogue) and an admin's approval. */
export function createTutorProfiles(deps: { repo: IdentityRepo; clock: Clock; logger: Logger; bioScreen?: TutorBioScreen }) {
  const { repo, clock, logger } = deps;

  return {
    async getTutorProfile(tutorId: string): Promise<TutorProfile> {
      const profile = await repo.getTutorProfile(tutorId);
      if (!profile) throw notFound('That tutor');
      return toTutorProfile(profile);
    },

    async updateTutorProfile(
      caller: AuthUser,
      patch: {
        bio?: string | undefined;
        subjects?: { subjectId: string; level: string }[] | undefined;
        languages?: string[] | undefined;
        timeZone?: string | undefined;
        hourlyRateMinor?: number | undefined;
        currency?: 'INR' | 'USD' | undefined;
      },
    ): Promise<TutorProfile> {
      if (caller.role !== 'tutor') throw forbidden('Only tutors have a tutor profile.');
      const { subjects: subjectList, ...rest } = patch;
      const unique = subjectList && [...new Map(subjectList.map((s) => [`${s.subjectId}|${s.level}`, s])).values()];
      if (unique && !(await repo.subjectLevelsExist(unique))) {
        throw badRequest('One of the subjects or levels is not in the catalogue.', [{ path: 'body.subjects', message: 'unknown subject or level' }]);
      }
      if (unique) {
        const current = await repo.getTutorProfile(caller.id);
        const taught = new Set(current?.subjects.map((s) => `${s.subjectId}|${s.level}`));
        // Onboarding approved exactly these subject/levels (#18); another one needs its own review.
        if (current?.subjectsVetted && unique.some((s) => !taught.has(`${s.subjectId}|${s.level}`))) {
          throw conflict('You are approved for specific subjects and levels. To teach another one, apply for it from your application page.');
        }
      }
      if (rest.bio && deps.bioScreen) {
        // Refused rather than masked: the tutor can fix it at once, and a child never reads a bio with holes in it.
        const screened = await deps.bioScreen.screenBio(caller.id, rest.bio);
        if (!screened.ok) throw badRequest(screened.message, [{ path: 'body.bio', message: `contains contact details (${screened.categories.join(', ')})` }]);
      }
      const fields = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
      await repo.updateTutorProfile(caller.id, fields, unique);
      logger.info({ event: 'tutor_profile_updated', userId: caller.id, fields: Object.keys(patch) }, 'tutor profile updated');
      return this.getTutorProfile(caller.id);
    },

    async setTutorApproval(actor: { id: string; role: StaffRole }, tutorId: string, status: ApprovalStatus, reason: string | null = null): Promise<TutorProfile> {
      const before = await repo.getTutorProfile(tutorId);
      if (!before) throw notFound('That tutor');
      const changed = await repo.setApproval(tutorId, status, actor, clock.now(), reason);
      if (!changed) throw notFound('That tutor');
      if (changed === 'already_suspended') throw conflict('That tutor is already suspended: nothing was changed.');
      logger.info(
        { event: 'tutor_approval_changed', tutorId, from: before.approvalStatus, to: status, by: actor.id, staffRole: actor.role },
        'tutor approval changed',
      );
      return this.getTutorProfile(tutorId);
    },
  };
}
