export { ApprovalBadge } from './approval-badge';
export { ProfileForm } from './profile-form';
export { useMyTutorProfile, useSaveTutorProfile, useSubjects } from './use-tutor-profile';
