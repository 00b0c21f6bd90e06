import { Link, useParams } from 'react-router';
import { RequireRole } from '../features/auth';
import { UsageReport, useLtiCourse, useLtiCourses } from '../features/lti';
import { usePageTitle } from '../lib/page-title';
import { PageError, PageLoading } from '../ui/page-states';
import '../features/lti/lti.css';

const everyone = ['student', 'course_staff', 'tutor', 'admin'] as const;

/** The LMS courses the user launched from. */
export function CoursesPage() {
  return <RequireRole role={everyone}>{() => <Courses />}</RequireRole>;
}

function Courses() {
  usePageTitle('My courses');
  const courses = useLtiCourses();
  if (courses.isPending) return <PageLoading />;
  if (courses.isError) return <PageError error={courses.error} onRetry={() => void courses.refetch()} />;
  return (
    <section className="page page-narrow" data-testid="lti-courses" aria-labelledby="courses-title">
      <h1 id="courses-title">My courses</h1>
      {courses.data.courses.length === 0 ? (
        <p>Open Tutorline from a course in your school's LMS and it appears here.</p>
      ) : (
        <ul className="lti-list">
          {courses.data.courses.map((c) => (
            <li key={c.id} className="card">
              <Link to={`/courses/${c.id}`}>{c.title}</Link> {c.label && <span className="lti-status">{c.label}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Where an LMS launch lands: the course, and what the user can do from it. */
export function CoursePage() {
  return <RequireRole role={everyone}>{() => <Course />}</RequireRole>;
}

function Course() {
  const { id = '' } = useParams();
  const course = useLtiCourse(id);
  usePageTitle(course.data?.title ?? 'Course');
  if (course.isPending) return <PageLoading />;
  if (course.isError) return <PageError error={course.error} onRetry={() => void course.refetch()} />;
  const c = course.data;
  return (
    <section className="page page-narrow" data-testid="lti-course" aria-labelledby="course-title">
      <div>
        <p className="eyebrow">{c.label ?? 'Course'}</p>
        <h1 id="course-title">{c.title}</h1>
        <p>{c.courseRole === 'staff' ? 'You teach this course.' : 'You opened Tutorline from this course.'}</p>
      </div>
      <div className="card lti-course-actions">
        {c.courseRole === 'staff' ? (
          <UsageReport courseId={c.id} />
        ) : (
          <>
            <Link className="btn btn-primary" to="/student/ask">
              Ask for instant help
            </Link>
            <Link className="btn btn-secondary" to="/tutors">
              Book a tutor
            </Link>
          </>
        )}
      </div>
    </section>
  );
}
