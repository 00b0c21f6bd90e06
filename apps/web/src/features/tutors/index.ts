export { FindTutors } from './find-tutors';
export { TutorProfileView } from './tutor-profile-view';
export { tutorKeys, tutorsQueryRoot, useTutorProfile } from './tutor-queries';
