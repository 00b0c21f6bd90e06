import type { SafetyFlag } from '@tutorline/contracts';
import { useState } from 'react';
import { Link } from 'react-router';
import { formatDateTime, plural } from '../../lib/format';
import { PageError, PageLoading } from '../../ui/page-states';
import { useSafetyFlags, useSafetyQueue } from './use-safety';
import { categoryShort, flagWords } from './words';
import './safety.css';

/** Ops' safety reports (#20): open first, severe ones on top and marked; each opens with its evidence. */
export function SafetyQueue() {
  const [status, setStatus] = useState<'open' | 'closed'>('open');
  const queue = useSafetyQueue(status);
  return (
    <section className="stack" aria-labelledby="safety-reports-title" data-testid="safety-queue">
      <h2 id="safety-reports-title">Reports</h2>
      <div className="segmented" role="group" aria-label="Which reports">
        {(['open', 'closed'] as const).map((s) => (
          <button key={s} type="button" className="segment" aria-pressed={s === status} data-testid={`safety-status-${s}`} onClick={() => setStatus(s)}>
            <span className="segment-label">{s === 'open' ? 'Open' : 'Closed'}</span>
          </button>
        ))}
      </div>
      {queue.isPending ? (
        <PageLoading label="Loading reports…" />
      ) : queue.isError ? (
        <PageError error={queue.error} onRetry={() => void queue.refetch()} />
      ) : queue.data.length === 0 ? (
        <p className="empty" data-testid="safety-queue-empty">
          {status === 'open' ? 'No open reports.' : 'No closed reports yet.'}
        </p>
      ) : (
        <ul className="safety-list">
          {queue.data.map((r) => (
            <li key={r.id} className={`safety-row${r.severe ? ' safety-row-severe' : ''}`} data-testid="safety-report-row" data-severe={r.severe}>
              <div>
                <p className="safety-row-name">
                  <Link to={`/admin/safety/${r.id}`}>{categoryShort[r.category]}</Link> {r.severe && <span className="badge-severe">Severe</span>}
                </p>
                <p className="muted">
                  Reported <time dateTime={r.createdAt}>{formatDateTime(r.createdAt)}</time>
                  {r.blocked ? ' · the reporter blocked them' : ''}
                </p>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** What a flag is about, in words: how many attempts, or how long past its end a call ran. */
function flagDetail(flag: SafetyFlag): string {
  const d = flag.detail;
  if (flag.kind === 'repeat_contact') return `${String(d.inSession ?? '?')} in the session, ${String(d.sinceTime ?? '?')} in a day (${String(d.surface ?? 'chat')})`;
  if (flag.kind === 'long_call') return `${plural(Number(d.minutesOver ?? 0), { one: '# minute', other: '# minutes' })} past its expected end`;
  return '';
}

/** Safety flags for ops: repeated contact attempts, long calls with minors, severe reports. */
export function SafetyFlags() {
  const flags = useSafetyFlags();
  return (
    <section className="stack" aria-labelledby="safety-flags-title" data-testid="safety-flags">
      <h2 id="safety-flags-title">Flags</h2>
      {flags.isPending ? (
        <PageLoading label="Loading flags…" />
      ) : flags.isError ? (
        <PageError error={flags.error} onRetry={() => void flags.refetch()} />
      ) : flags.data.length === 0 ? (
        <p className="empty">No flags.</p>
      ) : (
        <ul className="safety-list">
          {flags.data.map((f) => (
            <li key={f.id} className="safety-row" data-testid="safety-flag" data-kind={f.kind}>
              <div>
                <p className="safety-row-name">{flagWords[f.kind]}</p>
                <p className="muted">
                  {flagDetail(f)} · <time dateTime={f.createdAt}>{formatDateTime(f.createdAt)}</time>
                </p>
                <p>
                  <Link to={`/admin/tutors/${f.userId}`}>Who</Link>
                  {f.sessionId && (
                    <>
                      {' · '}
                      <Link to={`/session/${f.sessionId}`}>The session</Link>
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
