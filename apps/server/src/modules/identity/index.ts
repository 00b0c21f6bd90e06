import type { IdentityService } from './identity.service';

export { caller, contentViewer, installAuth, LEARNER_CONTENT_READERS, readsLearnerContent, SESSION_COOKIE, setSessionCookie, socketAuthenticator, staffActor, type StaffRoute } from './identity.auth';
export { createIdentityRepo, type IdentityRepo } from './identity.repo';
export { identityRoutes } from './identity.routes';
export { type AuthUser, createIdentityService, hashPassword, type IdentityService } from './identity.service';
export { loginLimitsOf } from './identity.login';
export { canAskOrBook } from './identity.rules';
export { type ConsentGatedAction, consentRequired, lacksGuardianConsent, requireGuardianConsent } from './identity.consent';
export { GUARDIAN_LIMITS, type GuardianLimitRefusal, type GuardianLimits, TUTOR_BIO_SCREEN, type TutorBioScreen } from './identity.ports';
export { subjectsCatalogue } from './subjects.catalogue';
export { checkPasswordStrength } from './identity.passwords';
export { type UserContact, userContacts, userIdsWithEmailContaining } from './identity.lookups.repo';
export { type AccountSummary, accountIdByEmail, accountsByIds, childrenAmong, contactsByIds, insertSchoolAccount, minorsAmong, staffRolesOfUser, usersLeftOutOfRecordings } from './identity.lookups.repo';
export {
  addCompletedSession,
  addToReviewFigures,
  approvedTutorsNamed,
  approvedTutorsPerSubject,
  approvedTutorsTeaching,
  catalogueWithTutors,
  grantVettedSubjects,
  lockApprovedTutor,
  type DirectoryFilter,
  type DirectoryKeys,
  type DirectoryListing,
  publicTutorKeys,
  publicTutorListings,
  setTutorPhotoKey,
  subjectLevelExists,
  type TutorProfileRow,
  tutorPhotoKey,
  tutorProfilesOf,
  tutorSubjectsOf,
  tutorTeaching,
} from './identity.tutors.repo';
export { STUDENT_SIGNED_UP, TUTOR_SUSPENDED } from './identity.events';
export { removeOldFailedLogins } from './identity.retention.repo';
export { identityModule, type IdentityModuleOptions } from './identity.install';

declare module 'fastify' {
  interface FastifyInstance {
    /** The identity service (tutorline-identity). */
    identity: IdentityService;
  }
}
export { createIdentityExport } from './identity.export.repo';
export { accountsForSupport, findAccountsForSupport, type SupportAccount } from './identity.support.repo';
export { createIdentityErasure, createSessionsErasure, erasedEmail, erasureMentions, IDENTITY_ERASURE_RULES } from './identity.erasure.repo';
