import type { LtiStatement } from '@tutorline/contracts';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, errorMessage } from '../../lib/api';
import { formatDateTime, formatMoney, plural } from '../../lib/format';
import { Alert } from '../../ui/alert';
import { TextField } from '../../ui/field';
import './lti-usage.css';

const statusWords: Record<LtiStatement['lessons'][number]['status'], string> = { billed: 'Owed', not_billed: 'Nothing owed', pending: 'Not held yet' };

/**
 * The month's total in words. Lessons not held yet are owed nothing so far, so the total says so rather than
 * "nothing owed" above a list of lessons.
 */
function totalWords(s: LtiStatement): string {
  const pending = s.lessons.filter((l) => l.status === 'pending').length;
  const upcoming = pending ? plural(pending, { one: '# lesson not held yet', other: '# lessons not held yet' }) : '';
  if (s.totals.length === 0) return pending ? `Nothing owed yet; ${upcoming}.` : 'Nothing owed for this month.';
  const owed = s.totals.map((t) => `${plural(t.lessons, { one: '# lesson', other: '# lessons' })}, ${plural(t.minutes, { one: '# minute', other: '# minutes' })}: ${formatMoney(t.amountMinor, t.currency)}`).join('; ');
  return pending ? `Owed: ${owed}. Also ${upcoming}.` : `Owed: ${owed}.`;
}

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
          <p data-testid="lti-statement-total">{totalWords(statement.data)}</p>
          <ul className="lti-statement-lessons">
            {statement.data.lessons.map((l) => (
              <li key={l.bookingId} className="lti-statement-lesson">
                <span className="lti-statement-when">{formatDateTime(l.start, zone)}</span>
                <span>
                  {l.learner} with {l.tutor} · {plural(l.minutes, { one: '# minute', other: '# minutes' })}
                </span>
                <span className="lti-statement-status" data-status={l.status}>
                  {statusWords[l.status]}
                  {l.status === 'billed' ? ` ${formatMoney(l.amountMinor, l.currency)}` : ''}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
