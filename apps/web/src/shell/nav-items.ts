import type { Role } from '@tutorline/contracts';

export type NavIcon = 'home' | 'ask' | 'search' | 'lessons' | 'classes' | 'plans' | 'availability' | 'earnings' | 'tutors' | 'billing' | 'check' | 'support';

export interface NavItem {
  to: string;
  label: string;
  icon: NavIcon;
  /** Other pages that belong to this item (a tutor's profile belongs to Find a tutor). */
  also?: readonly string[];
}

/** Each role's main places, in the order of the bar: what a phone user reaches with one tap from anywhere. */
export const navItems: Record<Role, readonly NavItem[]> = {
  student: [
    { to: '/student', label: 'Home', icon: 'home', also: ['/student/questions'] },
    { to: '/student/ask', label: 'Ask', icon: 'ask' },
    { to: '/tutors', label: 'Find a tutor', icon: 'search' },
    { to: '/lessons', label: 'My lessons', icon: 'lessons' },
    { to: '/classes', label: 'Classes', icon: 'classes' },
    { to: '/billing', label: 'Plans', icon: 'plans' },
  ],
  tutor: [
    { to: '/tutor', label: 'Home', icon: 'home' },
    { to: '/tutor/availability', label: 'Availability', icon: 'availability' },
    { to: '/lessons', label: 'My lessons', icon: 'lessons' },
    { to: '/tutor/classes', label: 'Classes', icon: 'classes', also: ['/classes'] },
    { to: '/tutor/earnings', label: 'Earnings', icon: 'earnings' },
  ],
  admin: [
    { to: '/admin', label: 'Tutors', icon: 'tutors', also: ['/admin/check'] },
    { to: '/ops', label: 'Ops', icon: 'check', also: ['/admin/safety'] },
    { to: '/admin/support', label: 'Support', icon: 'support' },
    { to: '/admin/billing', label: 'Billing', icon: 'billing' },
    { to: '/check', label: 'Self-test', icon: 'check' },
    { to: '/admin/lti', label: 'LMS', icon: 'classes' },
  ],
  course_staff: [{ to: '/courses', label: 'My courses', icon: 'classes' }],
  guardian: [{ to: '/guardian', label: 'My children', icon: 'home' }],
};

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
