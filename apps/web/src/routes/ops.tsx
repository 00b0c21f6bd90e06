import { Link } from 'react-router';
import { RequireRole } from '../features/auth';
import { OpsDashboard } from '../features/ops';
import { usePageTitle } from '../lib/page-title';

export function OpsPage() {
  return <RequireRole role="admin">{(me) => <Ops me={me} />}</RequireRole>;
}

function Ops({ me }: { me: Parameters<typeof OpsDashboard>[0]['me'] }) {
  usePageTitle('Operations');
  return (
    <section className="page" data-testid="ops-page" aria-labelledby="ops-title">
      <h1 id="ops-title">Operations</h1>
      <p>
        <Link to="/admin/safety" data-testid="ops-safety-link">
          Safety reports and flags
        </Link>
      </p>
      <OpsDashboard me={me} />
    </section>
  );
}
