import type { Role } from '@tutorline/contracts';

const homes: Record<Role, string> = { student: '/student', tutor: '/tutor', admin: '/admin', course_staff: '/courses', guardian: '/guardian' };
const names: Record<Role, { one: string; many: string }> = {
  student: { one: 'Student', many: 'students' },
  tutor: { one: 'Tutor', many: 'tutors' },
  admin: { one: 'Admin', many: 'admins' },
  course_staff: { one: 'Course staff', many: 'course staff' },
  guardian: { one: 'Guardian', many: 'guardians' },
};

/** Where a user of this role lands after logging in. */
export function roleHome(role: Role): string {
  return homes[role];
}

export function roleName(role: Role): string {
  return names[role].one;
}

export function roleNamePlural(role: Role): string {
  return names[role].many;
}

/** Pages outside a role's home that several roles share (a tutoring session, an LMS course, linking an LMS identity). */
const sharedPrefixes: Partial<Record<Role, string[]>> = { student: ['/session/', '/courses/', '/lti/link'], tutor: ['/session/', '/lti/link'], course_staff: ['/lti/link'] };

/** A path the user asked for before logging in, if it belongs to their own home or a shared page; otherwise their home. */
export function landingPathFor(role: Role, requested: unknown): string {
  const home = homes[role];
  if (typeof requested !== 'string') return home;
  if (requested === home || requested.startsWith(`${home}/`) || requested.startsWith(`${home}?`)) return requested;
  if (sharedPrefixes[role]?.some((prefix) => requested.startsWith(prefix))) return requested;
  return home;
}
