export { TutorApprovalList } from './tutor-approval-list';
export { useAdminTutors, useSetTutorApproval } from './use-admin-tutors';
export { OpenSessions } from './open-sessions';
export { RecommendationModel } from './recommendation-model';
