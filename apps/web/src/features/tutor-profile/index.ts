export { ApprovalBadge } from './approval-badge';
export { ProfileForm } from './profile-form';
export { useMyTutorProfile, useSaveTutorProfile } from './use-tutor-profile';
