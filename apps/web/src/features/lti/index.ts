export { RegistrationForm } from './registration-form';
export { RegistrationList } from './registration-list';
export { useLtiCourse, useLtiCourses, useLtiRegistrations, useLtiUsage } from './lti-queries';
export { UsageReport } from './usage-report';
export { bookingCourseOf, courseContextOf, courseQuery, rememberBookingCourse, type CourseContext } from './course-context';
