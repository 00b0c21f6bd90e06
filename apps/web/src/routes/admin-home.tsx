import type { Me } from '@tutorline/contracts';
import { lazy, Suspense } from 'react';
import { Link } from 'react-router';
import { OpenSessions, RecommendationModel, TutorApprovalList } from '../features/admin';
import { RequireRole } from '../features/auth';
import { usePageTitle } from '../lib/page-title';

// Loaded on its own: its form checks input with the contracts' zod schema, which other pages do not need.
const GuardianConsentPanel = lazy(() => import('../features/admin/guardian-consent-panel').then((m) => ({ default: m.GuardianConsentPanel })));

export function AdminHomePage() {
  return <RequireRole role="admin">{(me) => <AdminHome me={me} />}</RequireRole>;
}

function AdminHome({ me }: { me: Me }) {
  usePageTitle('Admin');
  return (
    <section className="page" data-testid="admin-home" aria-labelledby="admin-home-title">
      <h1 id="admin-home-title">Admin</h1>
      <p className="lead">Signed in as {me.displayName}. Approve new tutors before they can take questions.</p>
      <div className="home-links">
        {(me.staffRoles.includes('ops') || me.staffRoles.includes('admin')) && (
          <Link className="btn btn-secondary" to="/admin/onboarding">
            Tutor applications
          </Link>
        )}
        {(me.staffRoles.includes('ops') || me.staffRoles.includes('admin')) && (
          <Link className="btn btn-secondary" to="/admin/safety" data-testid="safety-link">
            Safety reports
          </Link>
        )}
        {(me.staffRoles.includes('finance') || me.staffRoles.includes('admin')) && (
          <Link className="btn btn-secondary" to="/admin/billing">
            Billing: revenue, plans, refunds
          </Link>
        )}
        {me.staffRoles.includes('admin') && (
          <Link className="btn btn-secondary" to="/admin/staff">
            Staff roles and audit log
          </Link>
        )}
      </div>
      <TutorApprovalList />
      <OpenSessions />
      <RecommendationModel />
      <Suspense fallback={null}>
        <GuardianConsentPanel />
      </Suspense>
    </section>
  );
}
