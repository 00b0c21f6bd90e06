export { FindTutors } from './find-tutors';
export { TutorProfileView } from './tutor-profile-view';
export { TutorPhoto } from './tutor-bits';
export { tutorKeys, tutorsQueryRoot, useTutorProfile } from './tutor-queries';
