import type { Me } from '@tutorline/contracts';
import { Link } from 'react-router';
import { GuardianConsentPanel, TutorApprovalList } from '../features/admin';
import { RequireRole } from '../features/auth';
import { usePageTitle } from '../lib/page-title';

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
        <Link className="btn btn-secondary" to="/admin/billing">
          Billing: revenue, plans, refunds
        </Link>
      </div>
      <TutorApprovalList />
      <GuardianConsentPanel />
    </section>
  );
}
