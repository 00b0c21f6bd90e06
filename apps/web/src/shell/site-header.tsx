import { Link, useLocation } from 'react-router';
import { roleHome, roleName, useLogOut, useMe } from '../features/auth';
import { ErasurePendingBanner } from '../features/privacy';
import { LanguageSelect, T, useT } from '../i18n';
import { errorMessage } from '../lib/api';
import { Button } from '../ui/button';
import { HelpIcon, SettingsIcon } from '../ui/icons';
import { AppNav } from './app-nav';
import { NotificationBell } from './notification-bell';
import './header.css';

export function SiteHeader() {
  const t = useT();
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
            <Link to="/support" className="header-help" aria-label={t('header.help')} title={t('header.help')} data-testid="header-help">
              <HelpIcon />
            </Link>
            <Link to="/settings" className="header-help" aria-label={t('header.settings')} title={t('header.settings')} data-testid="header-settings" aria-current={pathname === '/settings' ? 'page' : undefined}>
              <SettingsIcon />
            </Link>
            <NotificationBell lessonsLink={user.role !== 'admin'} />
            <Link to={roleHome(user.role)} className="account-who" title={t('header.who', { name: user.displayName, role: roleName(user.role) })}>
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
              pendingLabel={t('header.loggingOut')}
              onClick={() => logOut.mutate()}
            >
              {t('header.logOut')}
            </Button>
          </div>
        ) : (
          !me.isPending && (
            <nav className="account" aria-label={t('header.account')}>
              {/* Sign-up has its own language field, which the account keeps. */}
              {pathname !== '/signup' && <LanguageSelect className="language-select" />}
              {!onAuthPage && (
                <Link to="/login" className="btn btn-ghost btn-small">
                  {t('header.logIn')}
                </Link>
              )}
            </nav>
          )
        )}
      </div>
      {user && <AppNav role={user.role} staffRoles={user.staffRoles} />}
      {user && <ErasurePendingBanner />}
      {logOut.isError && (
        <p className="site-header-error" role="alert">
          <T id="header.logOutFailed" values={{ reason: errorMessage(logOut.error) }} />
        </p>
      )}
    </header>
  );
}
