const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A page opened from a course item carries ?course=<id> (#16): a booking made there is tagged with that course. Best
 * effort: the booking stands whatever the answer, and a page opened outside a course sends nothing.
 */
export async function tagBookingWithCourse(bookingId: string, search: string = window.location.search): Promise<void> {
  const course = new URLSearchParams(search).get('course');
  if (!course || !UUID.test(course)) return;
  try {
    await fetch(`/api/lti/courses/${course}/bookings`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ bookingId }),
    });
  } catch {
    // offline or refused: the booking is made; the course report just will not list it
  }
}
