import type { LtiStatement } from '@tutorline/contracts';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, errorMessage } from '../../lib/api';
import { formatDateTime, formatMoney, plural } from '../../lib/format';
import { Alert } from '../../ui/alert';
import { TextField } from '../../ui/field';

const statusWords: Record<LtiStatement['lessons'][number]['status'], string> = { billed: 'Owed', not_billed: 'Nothing owed', pending: 'Not held yet' };

/** Course staff: the month's school-paid lessons and what the school owes for them (decision 075), with its CSV. */
export function StatementCard({ courseId, month: initial, timeZone }: { courseId: string; month: string; timeZone?: string | undefined }) {
  const [month, setMonth] = useState(initial);
  const base = `/api/lti/courses/${encodeURIComponent(courseId)}/statement?month=${encodeURIComponent(month)}`;
  const statement = useQuery({ queryKey: ['lti-statement', courseId, month], queryFn: () => api.get<LtiStatement>(base), enabled: /^\d{4}-\d{2}$/.test(month) });
  const zone = timeZone ? { zone: timeZone } : {};
  return (
    <section className="card lti-allowance stack" aria-labelledby="statement-title" data-testid="lti-statement">
      <h3 id="statement-title">What the school owes</h3>
      <div className="lti-allowance-form">
        <TextField label="Month" type="month" value={month} onChange={(e) => setMonth(e.target.value)} required />
        <a className="btn btn-secondary" href={`${base}&format=csv`} download>
          Download statement (CSV)
        </a>
      </div>
      {statement.isPending && statement.fetchStatus !== 'idle' && <p aria-busy="true">Loading the statement…</p>}
      {statement.isError && <Alert tone="error">{errorMessage(statement.error)}</Alert>}
      {statement.data && (
        <>
          <p data-testid="lti-statement-total">
            {statement.data.totals.length === 0
              ? 'Nothing owed for this month.'
              : statement.data.totals.map((t) => `${plural(t.lessons, { one: "# lesson", other: "# lessons" })}, ${plural(t.minutes, { one: "# minute", other: "# minutes" })}: ${formatMoney(t.amountMinor, t.currency)}`).join('; ')}
          </p>
          <ul className="lti-usage-list">
            {statement.data.lessons.map((l) => (
              <li key={l.bookingId}>
                {formatDateTime(l.start, zone)} · {l.learner} with {l.tutor} · {plural(l.minutes, { one: '# minute', other: '# minutes' })} · {statusWords[l.status]}
                {l.status === 'billed' ? ` ${formatMoney(l.amountMinor, l.currency)}` : ''}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
