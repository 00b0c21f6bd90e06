import type { Me, Role } from '@tutorline/contracts';
import type { ReactNode } from 'react';
import { Link, Navigate, useLocation } from 'react-router';
import { usePageTitle } from '../../lib/page-title';
import { PageError, PageLoading } from '../../ui/page-states';
import { roleHome, roleName, roleNamePlural } from './roles';
import { useMe } from './use-me';

/** Renders `children` only for a logged-in user of `role` (or one of several); others are sent to log in or told they are not allowed. */
export function RequireRole({ role, children }: { role: Role | readonly Role[]; children: (me: Me) => ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <PageLoading />;
  if (me.isError && me.data === undefined) return <PageError error={me.error} onRetry={() => void me.refetch()} />;
  if (!me.data) return <Navigate to="/login" replace state={{ from: `${location.pathname}${location.search}` }} />;
  const allowed: readonly Role[] = typeof role === 'string' ? [role] : role;
  if (!allowed.includes(me.data.role)) return <Forbidden required={allowed} me={me.data} />;
  return <>{children(me.data)}</>;
}

function Forbidden({ required, me }: { required: readonly Role[]; me: Me }) {
  const title = `This page is for ${required.map(roleNamePlural).join(' and ')}`;
  usePageTitle(title);
  return (
    <section className="page page-narrow" data-testid="forbidden" aria-labelledby="forbidden-title">
      <div className="card card-center">
        <p className="eyebrow">Error 403</p>
        <h1 id="forbidden-title">{title}</h1>
        <p>
          You are logged in as {me.role === 'admin' ? 'an' : 'a'} {roleName(me.role).toLowerCase()}, so you are not allowed to open
          it.
        </p>
        <Link className="btn btn-primary" to={roleHome(me.role)}>
          Go to your home
        </Link>
      </div>
    </section>
  );
}
