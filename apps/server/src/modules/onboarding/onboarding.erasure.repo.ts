import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import { countInto, deleteFiles, type ErasureCounts, type ErasureRules, type UserEraser } from '../../platform/user-erasure';
import { tutorApplicationDocuments, tutorApplicationSubjects, tutorApplications } from './onboarding.schema';

/** onboarding's erasure rules (#20, decision 077). */
export const ONBOARDING_ERASURE_RULES: ErasureRules = {
  tutor_applications: { rule: 'erase', what: "a tutor's applications (bio, experience, decisions)" },
  tutor_application_subjects: { rule: 'erase', what: "the subjects and sample answers of a tutor's applications" },
  tutor_application_documents: { rule: 'erase', what: "a tutor's uploaded documents, rows and files" },
};

export function createOnboardingErasure(deps: { db: Db; deleteFile(key: string): Promise<void> }): UserEraser {
  const { db } = deps;
  return {
    module: 'onboarding',
    async eraseFor(userId) {
      const counts: ErasureCounts = {};
      const apps = db.select({ id: tutorApplications.id }).from(tutorApplications).where(eq(tutorApplications.tutorId, userId));
      const docs = await db.delete(tutorApplicationDocuments).where(inArray(tutorApplicationDocuments.applicationId, apps)).returning({ key: tutorApplicationDocuments.storageKey });
      await deleteFiles(counts, docs.map((d) => d.key), deps.deleteFile);
      countInto(counts, 'tutor_application_documents', docs.length);
      countInto(counts, 'tutor_application_subjects', (await db.delete(tutorApplicationSubjects).where(inArray(tutorApplicationSubjects.applicationId, apps)).returning({ id: tutorApplicationSubjects.applicationId })).length);
      countInto(counts, 'tutor_applications', (await db.delete(tutorApplications).where(eq(tutorApplications.tutorId, userId)).returning({ id: tutorApplications.id })).length);
      return counts;
    },
  };
}
