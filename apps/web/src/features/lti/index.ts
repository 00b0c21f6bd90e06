export { RegistrationForm } from './registration-form';
export { RegistrationList } from './registration-list';
export { useLtiCourse, useLtiCourses, useLtiRegistrations, useLtiUsage } from './lti-queries';
export { UsageReport } from './usage-report';
export { courseContextOf, courseQuery, type CourseContext } from './course-context';
