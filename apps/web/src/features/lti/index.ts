export { RegistrationForm } from './registration-form';
export { RegistrationList } from './registration-list';
export { useLtiCourse, useLtiCourses, useLtiRegistrations } from './lti-queries';
