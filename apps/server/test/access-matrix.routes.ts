/**
 * Issue #20: who may use each route of the OpenAPI document that names an object by id, and what everyone else gets.
 * access-matrix.int.test.ts tries every route here as each actor; a route with an id that is missing here fails it,
 * and so does a line here whose route is gone. Writes are tried one caller at a time, after every read.
 */
export const actors = ['anon', 'student', 'tutor', 'ops', 'support', 'finance', 'party', 'admin', 'owner'] as const;
/**
 * `owner`: whoever the object belongs to; `party`: the other person in it (the tutor of a student's session); `student`
 * and `tutor`: another of each, with nothing to do with it; `ops`, `support`, `finance`: a staff member holding only that
 * role; `admin`: every power; `anon`: logged out. The order is the order they are tried in: the owner last, so a write
 * that changes the object's state runs after everyone else was refused.
 */
export type Actor = (typeof actors)[number];

export type ObjectKind =
  | 'question' | 'questionPhoto' | 'session' | 'booking' | 'doneBooking' | 'series' | 'checkout' | 'student' | 'ticket'
  | 'safetyReport' | 'tutor' | 'managedTutor' | 'class' | 'application' | 'document' | 'staff' | 'recording' | 'checkReport'
  | 'guardianChild' | 'export' | 'ltiCourse' | 'ltiRegistration' | 'plan' | 'payment' | 'job';

/** 'ok': any 2xx; a number: exactly that status. */
export type Expected = 'ok' | 400 | 401 | 403 | 404 | 409;

export interface RouteAccess {
  object: ObjectKind;
  /** These get 'ok'. */
  allow: Actor[];
  /** Every other logged-in actor: 404 for someone else's object (decision 020), 403 for a role without the power. */
  others: 403 | 404;
  /** Exceptions to the two lists above, and to `anon`'s 401. */
  except?: Partial<Record<Actor, Expected>>;
  query?: string;
  /** For a write: a valid body, so the object's owner check is reached (an invalid one is refused first with 400). */
  body?: unknown;
  /** The write takes a file (multipart field "file"): a small JPEG is sent. */
  upload?: true;
}

/** The staff actors' user ids, for a body that names one. */
export type StaffIds = Record<'ops' | 'support' | 'finance' | 'admin', string>;

export function expectedFor(rule: RouteAccess, actor: Actor): Expected {
  const declared = rule.except?.[actor];
  if (declared !== undefined) return declared;
  if (rule.allow.includes(actor)) return 'ok';
  return actor === 'anon' ? 401 : rule.others;
}

export const routeAccess: Record<string, RouteAccess> = {
  'GET /api/students/{id}': { object: 'student', allow: ['support', 'admin', 'owner'], others: 403, except: { student: 404 } },
  'POST /api/admin/tutors/{id}/approval': { object: 'managedTutor', allow: ['ops', 'admin'], others: 403, body: { status: 'approved', reason: 'Checked' } },
  'POST /api/admin/staff/{id}/roles': { object: 'staff', allow: ['admin'], others: 403, body: { role: 'finance', reason: 'Covering' } },
  'POST /api/admin/staff/{id}/roles/revoke': { object: 'staff', allow: ['admin'], others: 403, body: { role: 'finance', reason: 'Back' } },
  'POST /api/admin/students/{id}/guardian-consent': { object: 'student', allow: ['support', 'admin'], others: 403, body: { guardianName: 'Meera Iyer', relationship: 'mother', contact: '+919700000001', method: 'paper_form', evidence: 'Called her' } },
  'GET /api/admin/tutors/{id}/standing': { object: 'tutor', allow: ['ops', 'finance', 'admin'], others: 403 },
  // Ops acts first; the admin then finds the tutor already suspended (409).
  'POST /api/admin/tutors/{id}/suspend': { object: 'managedTutor', allow: ['ops'], others: 403, except: { admin: 409 }, body: { reason: 'Complaints' } },
  'POST /api/admin/tutors/{id}/reinstate': { object: 'managedTutor', allow: ['ops'], others: 403, except: { admin: 409 }, body: { reason: 'Cleared' } },
  'POST /api/admin/tutors/{id}/probation': { object: 'managedTutor', allow: ['ops'], others: 403, except: { admin: 409 }, body: { onProbation: true, reason: 'Watch' } },
  // Any staff role may read a session, its question photo and chat photos (support and ops work from them).
  'GET /api/sessions/{id}': { object: 'session', allow: ['ops', 'support', 'party', 'admin', 'owner'], others: 404 },
  'GET /api/sessions/{id}/ice-servers': { object: 'session', allow: ['ops', 'support', 'party', 'admin', 'owner'], others: 404 },
  'POST /api/sessions/{id}/photos': { object: 'session', allow: ['party', 'owner'], others: 403, except: { student: 404, tutor: 404 }, upload: true },
  'GET /api/sessions/{id}/photos/{photoId}': { object: 'session', allow: ['ops', 'support', 'party', 'admin', 'owner'], others: 404 },
  'GET /api/sessions/{id}/timeline': { object: 'session', allow: ['ops', 'support', 'admin'], others: 403 },
  // The session has not ended when its rating is tried: its two people pass the checks and get 409.
  'POST /api/sessions/{id}/rating': { object: 'session', allow: [], others: 403, except: { student: 404, tutor: 404, party: 409, owner: 409 }, body: { stars: 5 } },
  'POST /api/admin/sessions/{id}/end': { object: 'session', allow: ['ops'], others: 403, except: { admin: 409 }, body: { reason: 'Stuck' } },
  'POST /api/sessions/{id}/end': { object: 'session', allow: ['party', 'owner'], others: 403, except: { student: 404, tutor: 404 } },
  'GET /api/help/photos/{id}': { object: 'questionPhoto', allow: ['ops', 'support', 'party', 'admin', 'owner'], others: 404 },
  // Signed links: a wrong signature gets everyone the same 404 as a missing photo.
  'GET /api/help/photos/{id}/shared': { object: 'questionPhoto', allow: [], others: 404, except: { anon: 404 }, query: 'exp=1&sig=aaaaaaaaaaaaaaaaaaaaaaaa' },
  'GET /api/help/questions/{id}': { object: 'question', allow: ['ops', 'support', 'party', 'admin', 'owner'], others: 404 },
  'POST /api/help/questions/{id}/cancel': { object: 'question', allow: [], others: 403, except: { student: 404, owner: 409 } },
  'POST /api/help/questions/{id}/accept': { object: 'question', allow: ['party'], others: 403, except: { tutor: 404 } },
  // Skipping only hides a question from the caller's feed: idempotent for any tutor and any id, so it reveals nothing.
  'POST /api/help/questions/{id}/skip': { object: 'question', allow: ['tutor', 'party'], others: 403 },
  'POST /api/help/questions/{id}/answered': { object: 'question', allow: ['party'], others: 403, except: { tutor: 404 } },
  'POST /api/help/questions/{id}/rating': { object: 'question', allow: ['owner'], others: 403, except: { student: 404 }, body: { stars: 5 } },
  'GET /api/check/reports/{id}': { object: 'checkReport', allow: ['support', 'admin'], others: 403 },
  // Public; the tutor has no availability or photo here, so everyone gets the same 404.
  'GET /api/tutors/{id}/slots': { object: 'tutor', allow: [], others: 404, except: { anon: 404 }, query: 'from=2030-01-07T00%3A00%3A00.000Z&to=2030-01-08T00%3A00%3A00.000Z&duration=60&zone=Asia%2FKolkata' },
  'POST /api/bookings/{id}/cancel': { object: 'booking', allow: ['party', 'owner'], others: 403, except: { student: 404, tutor: 404 } },
  // Past the owner check, a time outside the tutor's availability is a 409.
  'POST /api/bookings/{id}/reschedule': { object: 'booking', allow: [], others: 403, except: { student: 404, tutor: 404, party: 409, owner: 409 }, body: { start: '2030-01-07T10:00:00.000Z', idempotencyKey: 'matrix-move' } },
  'GET /api/tutors/{id}/series-preview': { object: 'tutor', allow: [], others: 404, except: { anon: 404 }, query: 'start=2030-01-07T10:00:00.000Z&duration=60&weeks=4&zone=Asia%2FKolkata' },
  'POST /api/bookings/series/{seriesId}/cancel': { object: 'series', allow: ['party', 'owner'], others: 403, except: { student: 404, tutor: 404 } },
  'GET /api/bookings/{id}/invite.ics': { object: 'booking', allow: ['party', 'owner'], others: 403, except: { student: 404, tutor: 404 } },
  'POST /api/bookings/{id}/room': { object: 'booking', allow: [], others: 403, except: { student: 404, tutor: 404, party: 409, owner: 409 } },
  'GET /api/bookings/{id}/room': { object: 'booking', allow: ['party', 'owner'], others: 403, except: { student: 404, tutor: 404 } },
  'GET /api/tutors/{id}': { object: 'tutor', allow: ['anon', 'student', 'tutor', 'ops', 'support', 'finance', 'admin', 'owner'], others: 404 },
  'GET /api/tutors/{id}/reviews': { object: 'tutor', allow: ['anon', 'student', 'tutor', 'ops', 'support', 'finance', 'admin', 'owner'], others: 404 },
  'GET /api/tutors/{id}/photo': { object: 'tutor', allow: [], others: 404, except: { anon: 404 } },
  'PUT /api/tutors/{id}/favourite': { object: 'tutor', allow: ['student'], others: 403 },
  'DELETE /api/tutors/{id}/favourite': { object: 'tutor', allow: ['student'], others: 403 },
  'POST /api/bookings/{id}/review': { object: 'doneBooking', allow: ['owner'], others: 403, except: { student: 404 }, body: { rating: 5 } },
  'GET /api/tutors/{id}/classes': { object: 'tutor', allow: ['anon', 'student', 'tutor', 'ops', 'support', 'finance', 'admin', 'owner'], others: 404 },
  'GET /api/classes/{id}': { object: 'class', allow: ['anon', 'student', 'tutor', 'ops', 'support', 'finance', 'party', 'admin', 'owner'], others: 404 },
  'POST /api/classes/{id}/enrol': { object: 'class', allow: ['student', 'party'], others: 403 },
  'POST /api/classes/{id}/leave': { object: 'class', allow: ['student', 'party'], others: 403 },
  'POST /api/classes/{id}/cancel': { object: 'class', allow: ['ops'], others: 403, except: { tutor: 404, admin: 409, owner: 409 } },
  'GET /api/classes/{id}/enrolments': { object: 'class', allow: ['ops', 'admin', 'owner'], others: 403, except: { tutor: 404 } },
  // The class has not happened yet: 409 once past the checks.
  'GET /api/classes/{id}/attendance': { object: 'class', allow: [], others: 403, except: { tutor: 404, ops: 409, admin: 409, owner: 409 } },
  'GET /api/classes/{id}/invite.ics': { object: 'class', allow: ['party', 'owner'], others: 404 },
  // Objects this suite does not make (plans, payments, LTI, recordings, jobs, guardians' children, exports): the role check is what is tried; a body left unbuilt answers 400 after it.
  'PUT /api/admin/billing/plans/{id}': { object: 'plan', allow: [], others: 403, except: { finance: 400, admin: 400 } },
  'GET /api/admin/billing/payout-accounts/{tutorId}': { object: 'tutor', allow: ['finance', 'admin'], others: 403 },
  'GET /api/billing/checkouts/{id}': { object: 'checkout', allow: ['finance', 'admin', 'owner'], others: 403, except: { student: 404 } },
  'POST /api/admin/payments/{id}/refund': { object: 'payment', allow: [], others: 403, except: { finance: 404, admin: 404 }, body: { reason: 'Matrix', idempotencyKey: 'matrix-refund' } },
  // The teacher of record is who taught in the room; no room has run, so the class's tutor gets the same 404 as a stranger.
  'GET /api/classes/{id}/room/polls': { object: 'class', allow: ['ops', 'admin'], others: 403, except: { tutor: 404, owner: 404 } },
  'GET /api/classes/{id}/room/timeline': { object: 'class', allow: ['ops', 'support', 'admin'], others: 403 },
  'GET /api/classes/{id}/recordings': { object: 'class', allow: ['ops', 'support', 'party', 'admin', 'owner'], others: 404 },
  'GET /api/recordings/{id}': { object: 'recording', allow: [], others: 404 },
  'GET /api/recordings/{id}/feeds/{feed}': { object: 'recording', allow: [], others: 404 },
  'GET /api/sessions/{id}/recordings': { object: 'session', allow: ['ops', 'support', 'party', 'admin', 'owner'], others: 404 },
  'GET /api/tutors/{id}/also-booked': { object: 'tutor', allow: ['anon', 'student', 'tutor', 'ops', 'support', 'finance', 'admin', 'owner'], others: 404 },
  'PATCH /api/admin/lti/registrations/{id}': { object: 'ltiRegistration', allow: [], others: 403, except: { admin: 404 } },
  'GET /api/lti/courses/{id}': { object: 'ltiCourse', allow: [], others: 404 },
  'GET /api/lti/courses/{id}/usage': { object: 'ltiCourse', allow: [], others: 403, except: { admin: 404 } },
  'GET /api/lti/courses/{id}/activities.csv': { object: 'ltiCourse', allow: [], others: 403, except: { admin: 404 } },
  'POST /api/lti/courses/{id}/xapi-export': { object: 'ltiCourse', allow: [], others: 403, except: { admin: 404 } },
  'PUT /api/admin/lti/registrations/{id}/lrs': { object: 'ltiRegistration', allow: [], others: 403, except: { admin: 400 } },
  'GET /api/lti/courses/{id}/allowance': { object: 'ltiCourse', allow: [], others: 403, except: { admin: 404 } },
  'PUT /api/lti/courses/{id}/allowance': { object: 'ltiCourse', allow: [], others: 403, except: { admin: 404 }, body: { unit: 'lessons', perLearnerMonthly: 5 } },
  'GET /api/lti/courses/{id}/statement': { object: 'ltiCourse', allow: [], others: 403, except: { admin: 404 } },
  'GET /api/support/tickets/{id}': { object: 'ticket', allow: ['owner'], others: 404 },
  'POST /api/support/tickets/{id}/messages': { object: 'ticket', allow: ['owner'], others: 404, body: { body: 'Still broken' } },
  'GET /api/admin/support/tickets/{id}': { object: 'ticket', allow: ['support', 'admin'], others: 403 },
  'POST /api/admin/support/tickets/{id}/notes': { object: 'ticket', allow: ['support', 'admin'], others: 403, body: { body: 'Looked', reply: false } },
  'POST /api/admin/support/tickets/{id}/assign': { object: 'ticket', allow: ['support'], others: 403, except: { admin: 409 }, body: (staff: StaffIds) => ({ assigneeId: staff.support }) },
  'POST /api/admin/support/tickets/{id}/status': { object: 'ticket', allow: ['support'], others: 403, except: { admin: 409 }, body: { status: 'solved', reason: 'Fixed' } },
  'GET /api/admin/support/people/{id}/timeline': { object: 'student', allow: ['ops', 'support', 'finance', 'admin'], others: 403 },
  'GET /api/admin/support/sessions/{id}': { object: 'session', allow: ['ops', 'support', 'admin'], others: 403 },
  'GET /api/onboarding/documents/{id}': { object: 'document', allow: ['owner'], others: 403, except: { tutor: 404 } },
  'DELETE /api/onboarding/documents/{id}': { object: 'document', allow: ['owner'], others: 403, except: { tutor: 404 } },
  'GET /api/admin/onboarding/applications/{id}': { object: 'application', allow: ['ops', 'admin'], others: 403 },
  // The application is a draft (never submitted): ops pass the role check and get 409.
  'POST /api/admin/onboarding/applications/{id}/review': { object: 'application', allow: [], others: 403, except: { ops: 409, admin: 409 } },
  'POST /api/admin/onboarding/applications/{id}/request-info': { object: 'application', allow: [], others: 403, except: { ops: 409, admin: 409 }, body: { missing: ['id_document'], reason: 'Blurry' } },
  'POST /api/admin/onboarding/applications/{id}/decision': { object: 'application', allow: [], others: 403, except: { ops: 409, admin: 409 }, body: { decision: 'approve', reason: 'Good' } },
  'GET /api/admin/onboarding/documents/{id}': { object: 'document', allow: ['ops', 'admin'], others: 403 },
  // Guardians only: no actor here is one, so every logged-in caller gets 403 (guardians.*.int tests try a guardian with another's child).
  'POST /api/guardian/children/{id}/code': { object: 'guardianChild', allow: [], others: 403, body: { phone: '+919700000001' } },
  'POST /api/guardian/children/{id}/consent': { object: 'guardianChild', allow: [], others: 403 },
  'POST /api/guardian/children/{id}/card-check': { object: 'guardianChild', allow: [], others: 403 },
  'POST /api/guardian/children/{id}/revoke': { object: 'guardianChild', allow: [], others: 403 },
  'POST /api/guardian/children/{id}/sharing': { object: 'guardianChild', allow: [], others: 403 },
  'PUT /api/guardian/children/{id}/controls': { object: 'guardianChild', allow: [], others: 403, body: { monthlyLimitMinor: 0, allowedFrom: '08:00', allowedTo: '20:00', recordingAllowed: false } },
  'DELETE /api/safety/blocks/{tutorId}': { object: 'tutor', allow: ['student', 'tutor', 'ops', 'support', 'finance', 'admin', 'owner'], others: 404 },
  'GET /api/admin/safety/reports/{id}': { object: 'safetyReport', allow: ['ops', 'admin'], others: 403 },
  'POST /api/admin/safety/reports/{id}/close': { object: 'safetyReport', allow: ['ops'], others: 403, except: { admin: 409 }, body: { resolution: 'Warned' } },
  // A signed link, refused by its signature (403) whoever asks.
  'GET /api/privacy/exports/{id}/download': { object: 'export', allow: [], others: 403, except: { anon: 403 }, query: 'u=00000000-0000-4000-8000-000000000000&exp=1&sig=aaaaaaaaaaaaaaaaaaaaaaaa' },
  'GET /api/admin/tutors/{id}/quality': { object: 'tutor', allow: ['ops', 'finance', 'admin'], others: 403 },
  'POST /api/ops/jobs/{id}/retry': { object: 'job', allow: [], others: 403, except: { admin: 404 } },
};
