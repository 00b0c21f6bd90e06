import type { Role, StaffRole } from '@tutorline/contracts';
import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import { useT } from '../i18n';
import { AskIcon, CalendarIcon, ClockIcon, HelpIcon, HomeIcon, PlansIcon, ReceiptIcon, SearchIcon, SignalIcon, UsersIcon, WalletIcon } from '../ui/icons';
import { activeNavItem, type NavIcon, navItemsFor, showsNav } from './nav-items';
import './nav.css';

const icons: Record<NavIcon, () => ReactNode> = {
  home: HomeIcon,
  ask: AskIcon,
  search: SearchIcon,
  lessons: CalendarIcon,
  classes: UsersIcon,
  plans: PlansIcon,
  availability: ClockIcon,
  earnings: WalletIcon,
  tutors: UsersIcon,
  billing: ReceiptIcon,
  check: SignalIcon,
  support: HelpIcon,
};

/**
 * The role's main places, always in reach: a bar fixed to the bottom of a phone's screen (thumb reach, above the
 * home indicator), a row under the header on wider screens (shell/nav.css).
 */
export function AppNav({ role, staffRoles }: { role: Role; staffRoles?: readonly StaffRole[] }) {
  const { pathname } = useLocation();
  const t = useT();
  if (!showsNav(pathname)) return null;
  const items = navItemsFor(role, staffRoles);
  const active = activeNavItem(items, pathname);
  return (
    <nav className="app-nav" aria-label={t('nav.main')} data-testid="app-nav">
      <ul className="app-nav-list">
        {items.map((item) => {
          const Icon = icons[item.icon];
          return (
            <li key={item.to}>
              <Link className="app-nav-link" to={item.to} aria-current={item === active ? 'page' : undefined}>
                <Icon />
                <span className="app-nav-label">{t(item.label)}</span>
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
