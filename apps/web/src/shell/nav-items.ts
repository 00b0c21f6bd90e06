import type { Role, StaffRole } from '@tutorline/contracts';
import type { MessageKey } from '../i18n';

export type NavIcon = 'home' | 'ask' | 'search' | 'lessons' | 'classes' | 'plans' | 'availability' | 'earnings' | 'tutors' | 'billing' | 'check' | 'support';

export interface NavItem {
  to: string;
  /** The item's name in the catalog (i18n/locales). */
  label: MessageKey;
  icon: NavIcon;
  /** Other pages that belong to this item (a tutor's profile belongs to Find a tutor). */
  also?: readonly string[];
  /** Staff pages meant for some staff roles only: shown to a staff member who holds one of them. */
  staff?: readonly StaffRole[];
}

/** Each role's main places, in the order of the bar: what a phone user reaches with one tap from anywhere. */
export const navItems: Record<Role, readonly NavItem[]> = {
  student: [
    { to: '/student', label: 'nav.home', icon: 'home', also: ['/student/questions'] },
    { to: '/student/ask', label: 'nav.ask', icon: 'ask' },
    { to: '/tutors', label: 'nav.findTutor', icon: 'search' },
    { to: '/lessons', label: 'nav.myLessons', icon: 'lessons' },
    { to: '/classes', label: 'nav.classes', icon: 'classes' },
    { to: '/billing', label: 'nav.plans', icon: 'plans' },
  ],
  tutor: [
    { to: '/tutor', label: 'nav.home', icon: 'home' },
    { to: '/tutor/availability', label: 'nav.availability', icon: 'availability' },
    { to: '/lessons', label: 'nav.myLessons', icon: 'lessons' },
    { to: '/tutor/classes', label: 'nav.classes', icon: 'classes', also: ['/classes'] },
    { to: '/tutor/earnings', label: 'nav.earnings', icon: 'earnings' },
  ],
  admin: [
    { to: '/admin', label: 'nav.tutors', icon: 'tutors', also: ['/admin/check'] },
    { to: '/ops', label: 'nav.ops', icon: 'check', also: ['/admin/safety'] },
    { to: '/admin/support', label: 'nav.support', icon: 'support' },
    { to: '/admin/billing', label: 'nav.billing', icon: 'billing', staff: ['finance', 'admin'] },
    { to: '/check', label: 'nav.selfTest', icon: 'check' },
    { to: '/admin/lti', label: 'nav.lms', icon: 'classes' },
  ],
  course_staff: [{ to: '/courses', label: 'nav.myCourses', icon: 'classes' }],
  guardian: [{ to: '/guardian', label: 'nav.myChildren', icon: 'home' }],
};

/** The items a user sees: their role's, less the staff pages none of their staff roles may open (billing is finance's). */
export function navItemsFor(role: Role, staffRoles: readonly StaffRole[] = []): readonly NavItem[] {
  return navItems[role].filter((item) => !item.staff || item.staff.some((r) => staffRoles.includes(r)));
}

const under = (pathname: string, base: string) => pathname === base || pathname.startsWith(`${base}/`);

/** The item a page belongs to: the one whose path (or extra path) is the longest prefix of it; null when none is. */
export function activeNavItem(items: readonly NavItem[], pathname: string): NavItem | null {
  let best: { item: NavItem; length: number } | null = null;
  for (const item of items) {
    for (const base of [item.to, ...(item.also ?? [])]) {
      if (under(pathname, base) && (!best || base.length > best.length)) best = { item, length: base.length };
    }
  }
  return best?.item ?? null;
}

/** Pages that need the whole screen (the live room has its own controls at the bottom) show no bar. */
export function showsNav(pathname: string): boolean {
  return !pathname.startsWith('/session/');
}
