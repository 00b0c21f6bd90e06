import { type FormEvent, useState } from 'react';
import { errorMessage } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { TextField } from '../../ui/field';
import { PageLoading } from '../../ui/page-states';
import { type AuditFilter, auditQueryString, useAuditLog } from './use-staff';
import './admin.css';

const json = (v: unknown) => (v === null || v === undefined ? '–' : JSON.stringify(v));

/** The audit log: search by action, object or actor, newest first, with a CSV export of the same search. */
export function AuditLogPanel() {
  const [draft, setDraft] = useState<AuditFilter>({});
  const [filter, setFilter] = useState<AuditFilter>({});
  const log = useAuditLog(filter);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFilter(Object.fromEntries(Object.entries(draft).map(([k, v]) => [k, (v ?? '').trim()])));
  };
  return (
    <section className="card" aria-labelledby="audit-title" data-testid="admin-audit">
      <div className="card-head">
        <h2 id="audit-title">Audit log</h2>
        <a className="btn btn-secondary btn-small" href={`/api/admin/audit.csv${auditQueryString(filter)}`} download data-testid="audit-csv">
          Export CSV
        </a>
      </div>
      <form className="form audit-filter" onSubmit={submit} noValidate>
        <TextField label="Action" optional placeholder="tutor.approve" value={draft.action ?? ''} onChange={(e) => setDraft({ ...draft, action: e.target.value })} />
        <TextField label="Object id" optional value={draft.objectId ?? ''} onChange={(e) => setDraft({ ...draft, objectId: e.target.value })} />
        <TextField label="Actor id" optional value={draft.actorId ?? ''} onChange={(e) => setDraft({ ...draft, actorId: e.target.value })} />
        <Button type="submit" variant="secondary" className="btn-small">
          Search
        </Button>
      </form>
      {log.isPending && <PageLoading label="Loading the audit log…" />}
      {log.isError && (
        <Alert tone="error" title="The audit log could not be loaded">
          <p>{errorMessage(log.error)}</p>
        </Alert>
      )}
      {log.data?.length === 0 && <p className="empty">No entry matches.</p>}
      {!!log.data?.length && (
        <ul className="tutor-list audit-list">
          {log.data.map((e) => (
            <li key={e.id} className="tutor-row" data-testid="audit-row">
              <div className="tutor-row-who">
                <p className="tutor-row-name">
                  {e.action} · {e.objectType} {e.objectId.slice(0, 8)}
                </p>
                <p className="tutor-row-meta">
                  {formatDateTime(e.at, { year: true })} · {e.actorRole} {e.actorId?.slice(0, 8) ?? ''}
                </p>
                {e.reason && <p className="tutor-row-meta">Reason: {e.reason}</p>}
                <p className="tutor-row-meta audit-change">
                  {json(e.before)} → {json(e.after)}
                </p>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
