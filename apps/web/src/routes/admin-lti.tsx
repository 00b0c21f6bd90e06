import { RequireRole } from '../features/auth';
import { RegistrationForm, RegistrationList, useLtiRegistrations } from '../features/lti';
import { usePageTitle } from '../lib/page-title';
import { PageError, PageLoading } from '../ui/page-states';

export function AdminLtiPage() {
  return <RequireRole role="admin">{() => <AdminLti />}</RequireRole>;
}

/** LMS platforms (LTI 1.3): the URLs to type into Canvas, Moodle or Blackboard, the registrations, and a form to add one. */
function AdminLti() {
  usePageTitle('LMS platforms');
  const list = useLtiRegistrations();
  if (list.isPending) return <PageLoading label="Loading platforms…" />;
  if (list.isError) return <PageError error={list.error} onRetry={() => void list.refetch()} />;
  const { tool, registrations } = list.data;
  return (
    <section className="page page-narrow" data-testid="admin-lti" aria-labelledby="admin-lti-title">
      <div>
        <p className="eyebrow">Schools</p>
        <h1 id="admin-lti-title">LMS platforms</h1>
      </div>
      <div className="card lti-tool-urls">
        <h2>Tutorline's addresses for your LMS</h2>
        <dl>
          <dt>Login initiation URL</dt>
          <dd>
            <code>{tool.loginUrl}</code>
          </dd>
          <dt>Redirect (launch) URL</dt>
          <dd>
            <code>{tool.launchUrl}</code>
          </dd>
          <dt>Public keyset (JWKS) URL</dt>
          <dd>
            <code>{tool.jwksUrl}</code>
          </dd>
          <dt>Dynamic registration URL</dt>
          <dd>
            <code>{tool.registerUrl}</code>
          </dd>
        </dl>
      </div>
      <h2>Registered platforms</h2>
      <RegistrationList registrations={registrations} />
      <div className="card">
        <h2>Register a platform</h2>
        <RegistrationForm />
      </div>
    </section>
  );
}
