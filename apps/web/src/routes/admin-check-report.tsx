import type { ConnectivityReport } from '@tutorline/contracts';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { RequireRole } from '../features/auth';
import { ReportView } from '../features/check';
import { api, ApiError, errorMessage } from '../lib/api';
import { usePageTitle } from '../lib/page-title';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { PageLoading } from '../ui/page-states';

export function AdminCheckReportPage() {
  return <RequireRole role="admin">{() => <AdminCheckReport />}</RequireRole>;
}

function AdminCheckReport() {
  const { id = '' } = useParams();
  usePageTitle(`Connectivity report ${id}`);
  const report = useQuery({
    queryKey: ['check-report', id.toUpperCase()],
    queryFn: () => api.get<ConnectivityReport>(`/api/check/reports/${encodeURIComponent(id)}`),
    enabled: id.length > 0,
  });
  return (
    <section className="page page-narrow" data-testid="admin-check-report" aria-labelledby="admin-check-title">
      <div>
        <p className="eyebrow">Support</p>
        <h1 id="admin-check-title">Connectivity report</h1>
      </div>
      <ReportLookup initial={id} />
      {report.isPending ? (
        <PageLoading label="Loading the report…" />
      ) : report.isError ? (
        <Alert tone={report.error instanceof ApiError && report.error.status === 404 ? 'warning' : 'error'} title="No report to show" testId="check-report-missing">
          <p>{report.error instanceof ApiError && report.error.status === 404 ? `There is no report with the code “${id}”. Check the code with the user.` : errorMessage(report.error)}</p>
        </Alert>
      ) : (
        <ReportView report={report.data} />
      )}
    </section>
  );
}

function ReportLookup({ initial }: { initial: string }) {
  const [code, setCode] = useState(initial);
  const navigate = useNavigate();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = code.trim();
    if (trimmed) void navigate(`/admin/check/${encodeURIComponent(trimmed)}`);
  };
  return (
    <form className="check-lookup" onSubmit={submit} role="search">
      <label className="visually-hidden" htmlFor="check-lookup-code">
        Report code
      </label>
      <input id="check-lookup-code" className="input" value={code} onChange={(e) => setCode(e.target.value)} placeholder="e.g. K7Q4-M2XA" autoCapitalize="characters" autoComplete="off" spellCheck={false} />
      <Button type="submit" variant="secondary">
        Open
      </Button>
    </form>
  );
}
