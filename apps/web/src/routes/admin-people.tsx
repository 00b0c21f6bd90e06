import type { SupportSessionPage, SupportTimelineEntry } from '@tutorline/contracts';
import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { RequireRole } from '../features/auth';
import { usePersonTimeline, useSupportSearch, useSupportSession } from '../features/support';
import { errorMessage } from '../lib/api';
import { formatDateTime, formatDuration, formatTime, plural } from '../lib/format';
import { usePageTitle } from '../lib/page-title';
import { Alert } from '../ui/alert';
import { TextField } from '../ui/field';
import { PageError, PageLoading } from '../ui/page-states';
import '../features/support/lookup.css';

/** Support's search (#18): a name, an email, a phone number, or a question or session id. */
export function AdminPeoplePage() {
  return <RequireRole role="admin">{() => <Search />}</RequireRole>;
}

function Search() {
  usePageTitle('Find a person');
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get('q') ?? '');
  const result = useSupportSearch(text);
  return (
    <section className="page page-medium" data-testid="support-search" aria-labelledby="support-search-title">
      <p className="eyebrow">Support</p>
      <h1 id="support-search-title">Find a person</h1>
      <form className="lookup-search" role="search" onSubmit={(e) => e.preventDefault()}>
        <TextField
          label="Name, email, phone, question or session id"
          value={text}
          autoComplete="off"
          inputMode="search"
          data-testid="support-search-input"
          onChange={(e) => {
            setText(e.target.value);
            setParams(e.target.value ? { q: e.target.value } : {}, { replace: true });
          }}
        />
      </form>
      {text.trim().length >= 2 && result.isError && (
        <Alert tone="error" title="The search did not run">
          <p>{errorMessage(result.error)}</p>
        </Alert>
      )}
      {result.data && text.trim().length >= 2 && (
        <>
          {result.data.sessionId && (
            <p>
              That id is a {result.data.matchedBy}: <Link to={`/admin/sessions/${result.data.sessionId}`}>open its call</Link>.
            </p>
          )}
          {result.data.people.length === 0 ? (
            <p className="empty">Nobody matches.</p>
          ) : (
            <ul className="lookup-list" aria-busy={result.isFetching || undefined}>
              {result.data.people.map((p) => (
                <li key={p.id} className="lookup-item" data-testid="support-person">
                  <p className="lookup-item-title">
                    <Link to={`/admin/people/${p.id}`}>{p.displayName}</Link> <span className="lookup-kind">{p.role}</span>
                  </p>
                  <p className="lookup-item-meta">
                    {p.email}
                    {p.phone && ` · ${p.phone}`} · since {formatDateTime(p.createdAt)}
                    {p.disabled && ' · disabled'}
                  </p>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

const kindWords: Record<SupportTimelineEntry['kind'], string> = {
  signup: 'Sign-up',
  question: 'Question',
  session: 'Call',
  lesson: 'Lesson',
  payment: 'Payment',
  message: 'WhatsApp',
  class: 'Class',
  notification: 'Notice',
  check: 'Check',
  ticket: 'Ticket',
};

/** Where an entry opens, when a page for it exists: the session, the class, the /check report (by code), the ticket. */
function entryLink(e: SupportTimelineEntry): string | null {
  if (e.kind === 'session' && e.sessionId) return `/admin/sessions/${e.sessionId}`;
  if (!e.ref) return null;
  if (e.kind === 'class') return `/classes/${encodeURIComponent(e.ref)}`;
  if (e.kind === 'check') return `/admin/check/${encodeURIComponent(e.ref)}`;
  if (e.kind === 'ticket') return `/admin/support/${encodeURIComponent(e.ref)}`;
  return null;
}

/** A person's timeline, newest first (#18). */
export function AdminPersonPage() {
  return <RequireRole role="admin">{() => <Timeline />}</RequireRole>;
}

function Timeline() {
  const { id = '' } = useParams();
  const timeline = usePersonTimeline(id);
  usePageTitle(timeline.data ? `${timeline.data.person.displayName}: timeline` : 'Timeline');
  if (timeline.isPending) return <PageLoading label="Loading the timeline…" />;
  if (timeline.isError) return <PageError error={timeline.error} onRetry={() => void timeline.refetch()} />;
  const { person, entries, paymentsShown, supportShown } = timeline.data;
  return (
    <section className="page page-medium" data-testid="person-timeline" aria-labelledby="person-title">
      <p className="eyebrow">
        <Link to="/admin/people">Find a person</Link>
      </p>
      <h1 id="person-title">{person.displayName}</h1>
      <p className="muted">
        {person.role} · {person.email}
        {person.phone && ` · ${person.phone}`}
        {!paymentsShown && ' · payments are shown to finance only'}
        {!supportShown && ' · classes, notifications, checks and tickets are shown to support and ops'}
      </p>
      <ul className="lookup-list">
        {entries.map((e, i) => {
          const to = entryLink(e);
          return (
            <li key={`${e.kind}-${e.at}-${i}`} className={`lookup-item${e.problem ? ' is-problem' : ''}`} data-testid={`timeline-${e.kind}`}>
              <p className="lookup-item-title">
                <span className="lookup-kind">{kindWords[e.kind]}</span>
                {to ? <Link to={to}>{e.title}</Link> : e.title}
              </p>
              <p className="lookup-item-meta">
                <time dateTime={e.at}>{formatDateTime(e.at)}</time>
                {e.detail && ` · ${e.detail}`}
              </p>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** A session's page (#18): why the call failed, both sides, and every call event. */
export function AdminSessionPage() {
  return <RequireRole role="admin">{() => <SessionView />}</RequireRole>;
}

function SessionView() {
  const { id = '' } = useParams();
  const page = useSupportSession(id);
  usePageTitle('Session');
  if (page.isPending) return <PageLoading label="Loading the session…" />;
  if (page.isError) return <PageError error={page.error} onRetry={() => void page.refetch()} />;
  const { session, sides, summary, chatCount, findings, events } = page.data;
  const names = new Map(sides.map((s) => [s.userId, s.displayName]));
  return (
    <section className="page page-medium" data-testid="support-session" aria-labelledby="session-title">
      <p className="eyebrow">
        <Link to="/admin/people">Find a person</Link>
      </p>
      <h1 id="session-title">{session.kind === 'instant' ? 'Instant-help call' : 'Lesson call'}</h1>
      <p className="muted">
        {formatDateTime(session.startedAt)} · {session.status === 'active' ? 'in progress' : 'ended'} · {formatDuration(Math.round(summary.connectedSeconds / 60))} together ·{' '}
        {plural(chatCount, { one: '# chat message', other: '# chat messages' })}
      </p>
      <h2>What went wrong</h2>
      {findings.length ? (
        <ul className="lookup-findings" data-testid="session-findings">
          {findings.map((f) => (
            <li key={f}>{f}</li>
          ))}
        </ul>
      ) : (
        <p data-testid="session-findings">Nothing in the call's events points to a problem.</p>
      )}
      <div className="lookup-sides">
        {sides.map((s) => (
          <Side key={s.userId} side={s} />
        ))}
      </div>
      <h2>Call events</h2>
      <ol className="lookup-list" data-testid="session-events">
        {events.map((e) => (
          <li key={e.id} className={`lookup-item${e.type === 'media-failed' || e.data.cause === 'ice-failed' ? ' is-problem' : ''}`}>
            <p className="lookup-item-title">
              {e.type}
              <span className="lookup-item-meta">{eventDetail(e.data)}</span>
            </p>
            <p className="lookup-item-meta">
              <time dateTime={e.at}>{formatTime(e.at)}</time> · {e.userId ? (names.get(e.userId) ?? 'staff') : 'system'}
            </p>
          </li>
        ))}
      </ol>
    </section>
  );
}

function Side({ side }: { side: SupportSessionPage['sides'][number] }) {
  const d = side.diagnostics;
  return (
    <article className="lookup-item" data-testid={`session-side-${side.role}`}>
      <p className="lookup-item-title">
        <Link to={`/admin/people/${side.userId}`}>{side.displayName}</Link> <span className="lookup-kind">{side.role}</span>
      </p>
      <dl className="lookup-facts">
        <dt>Candidates</dt>
        <dd>{side.candidateTypes.join(', ') || 'never connected'}</dd>
        <dt>ICE</dt>
        <dd>{side.lastIceState ?? 'not reported'}</dd>
        <dt>Reconnects</dt>
        <dd>{side.reconnects}</dd>
        <dt>Failures</dt>
        <dd>{side.mediaFailures}</dd>
        <dt>Device</dt>
        <dd>{d ? [d.browser, d.os, d.device].filter(Boolean).map(String).join(' · ') : 'not reported'}</dd>
        <dt>Quality</dt>
        <dd>{side.lastQuality ? eventDetail(side.lastQuality).replace(/^ · /, '') : 'no sample'}</dd>
      </dl>
    </article>
  );
}

/** A call event's data as short "key value" pairs (no nested objects, shown by the side cards; no socket ids). */
function eventDetail(data: Record<string, unknown>): string {
  const parts = Object.entries(data)
    .filter(([k, v]) => v !== null && typeof v !== 'object' && k !== 'socketId')
    .map(([k, v]) => `${k} ${String(v)}`);
  return parts.length ? ` · ${parts.join(', ')}` : '';
}
