import type { ApplicationStatus, StaffApplication } from '@tutorline/contracts';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { RequireRole } from '../features/auth';
import { documentKindWords, staffStatusWords, useApplicationQueue, useReviewAction, useStaffApplication } from '../features/onboarding';
import { levelLabel } from '../features/subjects';
import { errorMessage } from '../lib/api';
import { formatDateTime } from '../lib/format';
import { usePageTitle } from '../lib/page-title';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { SelectField, TextAreaField } from '../ui/field';
import { PageError, PageLoading } from '../ui/page-states';
// The .tutor-row list style lives in the admin sheet; this page loads without the admin home (#21).
import '../features/admin/admin.css';
import '../features/onboarding/onboarding.css';

/** Ops' queue of tutor applications (#18). */
export function AdminOnboardingPage() {
  return <RequireRole role="admin">{() => <Queue />}</RequireRole>;
}

function Queue() {
  usePageTitle('Tutor applications');
  const [status, setStatus] = useState<ApplicationStatus | undefined>('applied');
  const queue = useApplicationQueue(status);
  return (
    <section className="page page-medium" data-testid="admin-onboarding" aria-labelledby="admin-onboarding-title">
      <p className="eyebrow">
        <Link to="/admin">Admin</Link>
      </p>
      <h1 id="admin-onboarding-title">Tutor applications</h1>
      <SelectField label="Status" value={status ?? ''} onChange={(e) => setStatus((e.target.value || undefined) as ApplicationStatus | undefined)}>
        <option value="">All</option>
        {(Object.keys(staffStatusWords) as ApplicationStatus[]).map((s) => (
          <option key={s} value={s}>
            {staffStatusWords[s]}
          </option>
        ))}
      </SelectField>
      {queue.isPending ? (
        <PageLoading label="Loading applications…" />
      ) : queue.isError ? (
        <PageError error={queue.error} onRetry={() => void queue.refetch()} />
      ) : queue.data.length === 0 ? (
        <p className="empty">No application matches.</p>
      ) : (
        <ul className="tutor-list">
          {queue.data.map((a) => (
            <li key={a.id} className="tutor-row" data-testid="application-row">
              <div className="tutor-row-who">
                <p className="tutor-row-name">
                  <Link to={`/admin/onboarding/${a.id}`}>{a.tutor.displayName}</Link>
                </p>
                <p className="tutor-row-meta">
                  {staffStatusWords[a.status]} · {a.subjects.map((s) => `${s.subjectId} ${levelLabel(s.level)}`).join(', ')} · {a.documentCount} documents
                  {a.submittedAt && (
                    <>
                      {' '}
                      · sent <time dateTime={a.submittedAt}>{formatDateTime(a.submittedAt)}</time>
                    </>
                  )}
                </p>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function AdminOnboardingReviewPage() {
  return <RequireRole role="admin">{() => <Review />}</RequireRole>;
}

function Review() {
  const { id = '' } = useParams();
  const application = useStaffApplication(id);
  usePageTitle(application.data ? `Application: ${application.data.tutor.displayName}` : 'Application');
  if (application.isPending) return <PageLoading label="Loading the application…" />;
  if (application.isError) return <PageError error={application.error} onRetry={() => void application.refetch()} />;
  return <ReviewView key={application.data.version} a={application.data} />;
}

function ReviewView({ a }: { a: StaffApplication }) {
  const act = useReviewAction(a.id);
  const [approved, setApproved] = useState<Set<string>>(new Set());
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState('');
  const key = (s: { subjectId: string; level: string }) => `${s.subjectId}|${s.level}`;
  const chosen = a.subjects.filter((s) => approved.has(key(s))).map((s) => ({ subjectId: s.subjectId, level: s.level }));
  const deciding = a.status === 'under_review';
  const busy = (kind: string) => act.isPending && act.variables?.kind === kind;

  return (
    <section className="page onboarding-review" data-testid="admin-application" aria-labelledby="admin-application-title">
      <p className="eyebrow">
        <Link to="/admin/onboarding">Tutor applications</Link>
      </p>
      <h1 id="admin-application-title">
        {a.tutor.displayName} · <span data-testid="admin-application-status">{staffStatusWords[a.status]}</span>
      </h1>
      <p className="muted">
        {a.reviewer ? `Reviewer: ${a.reviewer.displayName}` : 'No reviewer yet'}
        {a.submittedAt && ` · sent ${formatDateTime(a.submittedAt)}`}
        {a.decidedAt && ` · decided ${formatDateTime(a.decidedAt)}`}
      </p>

      <div className="review-columns">
        <div className="review-documents" data-testid="review-documents" aria-label="Documents">
          {a.documents.length === 0 && <p className="empty">No documents.</p>}
          {a.documents.map((d) => (
            <figure key={d.id} className="review-document">
              <figcaption>
                {documentKindWords[d.kind]} ·{' '}
                <a href={`/api/admin/onboarding/documents/${d.id}`} target="_blank" rel="noreferrer">
                  {d.fileName}
                </a>
              </figcaption>
              {d.contentType === 'image/jpeg' ? (
                <img src={`/api/admin/onboarding/documents/${d.id}`} alt={`${documentKindWords[d.kind]} of ${a.tutor.displayName}`} loading="lazy" />
              ) : (
                <a className="pdf-tile" href={`/api/admin/onboarding/documents/${d.id}`} target="_blank" rel="noreferrer">
                  PDF · {Math.max(1, Math.round(d.bytes / 1024))} KB · open
                </a>
              )}
            </figure>
          ))}
        </div>

        <div className="review-details">
          <article className="card">
            <h2>Profile</h2>
            <p>{a.bio || <span className="muted">No profile text.</span>}</p>
            {a.experience && <p className="muted">{a.experience}</p>}
            {a.languages.length > 0 && <p className="muted">Teaches in {a.languages.join(', ')}</p>}
          </article>

          <article className="card">
            <h2>Subjects and sample answers</h2>
            {a.subjects.map((s) => (
              <div key={key(s)} className="review-subject" data-testid="review-subject">
                <label className="review-subject-pick">
                  <input
                    type="checkbox"
                    disabled={!deciding}
                    checked={approved.has(key(s)) || s.decision === 'approved'}
                    onChange={(e) => {
                      const next = new Set(approved);
                      if (e.target.checked) next.add(key(s));
                      else next.delete(key(s));
                      setApproved(next);
                    }}
                  />
                  <span>
                    Approve {s.subjectName} · {levelLabel(s.level)}
                  </span>
                  {s.decision && <span className={`decision-word decision-${s.decision}`}>{s.decision === 'approved' ? 'Approved' : 'Not approved'}</span>}
                </label>
                <blockquote>{s.sampleAnswer}</blockquote>
              </div>
            ))}
          </article>

          {a.status === 'needs_info' && (
            <Alert tone="info" title="Waiting for the tutor">
              <p>Asked for: {a.missing.join('; ')}</p>
            </Alert>
          )}
          {act.isError && (
            <Alert tone="error" title="Not done" testId="review-error">
              <p>{errorMessage(act.error)}</p>
            </Alert>
          )}

          {a.status === 'applied' && (
            <Button block onClick={() => act.mutate({ kind: 'review' })} pending={busy('review')} pendingLabel="Starting…">
              Start review
            </Button>
          )}
          {deciding && (
            <article className="card stack" aria-labelledby="decide-title">
              <h2 id="decide-title">Decision</h2>
              <TextAreaField label="Reason (kept in the audit log; the tutor sees it)" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={1000} />
              <div className="review-actions">
                <Button
                  onClick={() => act.mutate({ kind: 'decision', body: { decision: 'approve', subjects: chosen, reason, version: a.version } })}
                  disabled={chosen.length === 0 || reason.trim().length < 3}
                  pending={busy('decision')}
                  pendingLabel="Saving…"
                >
                  Approve {chosen.length ? `${chosen.length} selected` : 'selected'}
                </Button>
                <Button variant="danger" onClick={() => act.mutate({ kind: 'decision', body: { decision: 'reject', subjects: [], reason, version: a.version } })} disabled={reason.trim().length < 3 || act.isPending}>
                  Reject
                </Button>
              </div>
              <TextAreaField label="Ask for more (one item per line)" rows={2} value={missing} onChange={(e) => setMissing(e.target.value)} />
              <Button
                variant="secondary"
                disabled={!missing.trim() || reason.trim().length < 3}
                pending={busy('request-info')}
                pendingLabel="Sending…"
                onClick={() =>
                  act.mutate({
                    kind: 'request-info',
                    missing: missing
                      .split('\n')
                      .map((m) => m.trim())
                      .filter((m) => m.length >= 2),
                    message: '',
                    reason,
                  })
                }
              >
                Ask the tutor for more
              </Button>
            </article>
          )}
          {a.decisionReason && <p className="muted">Decision reason: {a.decisionReason}</p>}
        </div>
      </div>
    </section>
  );
}
