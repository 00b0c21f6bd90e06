import type { Role } from '@tutorline/contracts';
import { type MessageKey, translate } from '../../i18n/catalog';

const homes: Record<Role, string> = { student: '/student', tutor: '/tutor', admin: '/admin', course_staff: '/courses', guardian: '/guardian' };
const names: Record<Role, { one: MessageKey; many: MessageKey }> = {
  student: { one: 'role.student', many: 'role.students' },
  tutor: { one: 'role.tutor', many: 'role.tutors' },
  admin: { one: 'role.admin', many: 'role.admins' },
  course_staff: { one: 'role.courseStaff', many: 'role.courseStaffMany' },
  guardian: { one: 'role.guardian', many: 'role.guardians' },
};

/** Where a user of this role lands after logging in. */
export function roleHome(role: Role): string {
  return homes[role];
}

export function roleName(role: Role): string {
  return translate(names[role].one);
}

export function roleNamePlural(role: Role): string {
  return translate(names[role].many);
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
