const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SUBJECT = /^[a-z0-9][a-z0-9_-]{0,59}$/;

/** What a page opened from a course's "Book tutoring" item (#16) carries: the course, a lesson length, a subject. */
export interface CourseContext {
  course?: string;
  minutes?: number;
  subject?: string;
  level?: string;
}

/** The course context of a page's query (?course=&minutes=&subject=&level=), each part checked; junk is dropped. */
export function courseContextOf(params: URLSearchParams): CourseContext {
  const out: CourseContext = {};
  const course = params.get('course');
  if (course && UUID.test(course)) out.course = course;
  const minutes = Number(params.get('minutes'));
  if (Number.isInteger(minutes) && minutes > 0 && minutes <= 240) out.minutes = minutes;
  const subject = params.get('subject');
  if (subject && SUBJECT.test(subject)) out.subject = subject;
  const level = params.get('level');
  if (level && SUBJECT.test(level)) out.level = level;
  return out;
}

/** The query that carries a course context on to the next page ('' when there is none), e.g. from the pool to a tutor. */
export function courseQuery(ctx: CourseContext): string {
  const p = new URLSearchParams();
  if (ctx.subject) p.set('subject', ctx.subject);
  if (ctx.level) p.set('level', ctx.level);
  if (ctx.minutes) p.set('minutes', String(ctx.minutes));
  if (ctx.course) p.set('course', ctx.course);
  const q = p.toString();
  return q ? `?${q}` : '';
}

const REMEMBERED = 'tutorline.booking-courses';
const REMEMBERED_MAX = 40;

function remembered(): Record<string, CourseContext> {
  try {
    const parsed: unknown = JSON.parse(sessionStorage.getItem(REMEMBERED) ?? '{}');
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, CourseContext>) : {};
  } catch {
    return {};
  }
}

/**
 * Bookings made from a course link remember their course context in this tab, so the pages after paying ("Pick another
 * time", "Try again") book in the same course: the payment page's return address carries only the checkout.
 */
export function rememberBookingCourse(bookingIds: readonly string[], ctx: CourseContext): void {
  if (!ctx.course || bookingIds.length === 0) return;
  const all = { ...remembered(), ...Object.fromEntries(bookingIds.map((id) => [id, ctx])) };
  const kept = Object.fromEntries(Object.entries(all).slice(-REMEMBERED_MAX));
  try {
    sessionStorage.setItem(REMEMBERED, JSON.stringify(kept));
  } catch {
    // Storage full or off: the links then lead to the tutor without the course, as before.
  }
}

/** The course context a booking was made in (in this tab), each part checked again; {} when none. */
export function bookingCourseOf(bookingId: string | null | undefined): CourseContext {
  const ctx = bookingId ? remembered()[bookingId] : undefined;
  if (!ctx) return {};
  const p = new URLSearchParams(courseQuery(ctx).slice(1));
  return courseContextOf(p);
}
