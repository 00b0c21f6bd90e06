import { Link } from 'react-router';
import { roleHome, useMe } from '../features/auth';
import { usePageTitle } from '../lib/page-title';

export function NotFoundPage() {
  usePageTitle('Page not found');
  const me = useMe();
  const home = me.data ? roleHome(me.data.role) : '/';
  return (
    <section className="page page-narrow" data-testid="not-found" aria-labelledby="not-found-title">
      <div className="card card-center">
        <p className="eyebrow">Error 404</p>
        <h1 id="not-found-title">Page not found</h1>
        <p>There is no page at this address. It may have moved, or the link may be mistyped.</p>
        <Link className="btn btn-primary" to={home}>
          {me.data ? 'Go to your home' : 'Go to the start page'}
        </Link>
      </div>
    </section>
  );
}
