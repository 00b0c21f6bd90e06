import { Link, useLocation } from 'react-router';
import { roleHome, roleName, useLogOut, useMe } from '../features/auth';
import { ErasurePendingBanner } from '../features/privacy';
import { errorMessage } from '../lib/api';
import { Button } from '../ui/button';
import { HelpIcon, SettingsIcon } from '../ui/icons';
import { AppNav } from './app-nav';
import { NotificationBell } from './notification-bell';
import './header.css';

export function SiteHeader() {
  const me = useMe();
  const logOut = useLogOut();
  const { pathname } = useLocation();
  const user = me.data ?? null;
  const onAuthPage = pathname === '/login' || pathname === '/signup';

  return (
    <header className="site-header">
      <div className="site-header-inner">
        <Link to="/" className="wordmark">
          <span className="wordmark-mark" aria-hidden="true">
            T
          </span>
          <span className="wordmark-text">Tutorline</span>
        </Link>
        {user ? (
          <div className="account">
            <Link to="/support" className="header-help" aria-label="Help and my reports" title="Help and my reports" data-testid="header-help">
              <HelpIcon />
            </Link>
            <Link to="/settings" className="header-help" aria-label="Settings and your data" title="Settings and your data" data-testid="header-settings" aria-current={pathname === '/settings' ? 'page' : undefined}>
              <SettingsIcon />
            </Link>
            <NotificationBell lessonsLink={user.role !== 'admin'} />
            <Link to={roleHome(user.role)} className="account-who" title={`${user.displayName} (${roleName(user.role)})`}>
              <span className="account-name" data-testid="header-user">
                {user.displayName}
              </span>
              <span className="account-role">{roleName(user.role)}</span>
            </Link>
            <Button
              variant="secondary"
              className="btn-small"
              data-testid="logout-button"
              pending={logOut.isPending}
              pendingLabel="Logging out…"
              onClick={() => logOut.mutate()}
            >
              Log out
            </Button>
          </div>
        ) : (
          !onAuthPage &&
          !me.isPending && (
            <nav className="account" aria-label="Account">
              <Link to="/login" className="btn btn-ghost btn-small">
                Log in
              </Link>
            </nav>
          )
        )}
      </div>
      {user && <AppNav role={user.role} />}
      {user && <ErasurePendingBanner />}
      {logOut.isError && (
        <p className="site-header-error" role="alert">
          Could not log out: {errorMessage(logOut.error)}
        </p>
      )}
    </header>
  );
}
