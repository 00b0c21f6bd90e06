import { Link, useParams } from 'react-router';
import { RequireRole } from '../features/auth';
import { SafetyFlags, SafetyQueue, SafetyReportView } from '../features/safety';
import { usePageTitle } from '../lib/page-title';

/** Ops' safety page (#20): the report queue and the flags. */
export function AdminSafetyPage() {
  return <RequireRole role="admin">{() => <Safety />}</RequireRole>;
}

function Safety() {
  usePageTitle('Safety');
  return (
    <section className="page page-medium stack" data-testid="admin-safety" aria-labelledby="admin-safety-title">
      <p className="eyebrow">Ops</p>
      <h1 id="admin-safety-title">Safety</h1>
      <SafetyQueue />
      <SafetyFlags />
    </section>
  );
}

export function AdminSafetyReportPage() {
  return <RequireRole role="admin">{() => <Report />}</RequireRole>;
}

function Report() {
  const { id = '' } = useParams();
  usePageTitle('Safety report');
  return (
    <section className="page page-medium" data-testid="admin-safety-report" aria-labelledby="safety-report-title">
      <p className="eyebrow">
        <Link to="/admin/safety">Safety</Link>
      </p>
      <SafetyReportView id={id} />
    </section>
  );
}
