export { TutorApprovalList } from './tutor-approval-list';
export { useAdminTutors, useSetTutorApproval } from './use-admin-tutors';
