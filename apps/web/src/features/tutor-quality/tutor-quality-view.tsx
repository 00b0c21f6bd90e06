import type { TutorQuality } from '@tutorline/contracts';
import { type FormEvent, type ReactNode, useState } from 'react';
import { errorMessage } from '../../lib/api';
import { formatCalendarDate, formatCountdown, formatDuration, formatMoney, formatNumber, plural } from '../../lib/format';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { SelectField, TextAreaField } from '../../ui/field';
import { PageLoading } from '../../ui/page-states';
import { BarChart, ChartFrame } from '../ops';
import { ApprovalBadge } from '../tutor-profile';
import { type StandingAction, standingActions } from './standing-actions';
import { useChangeStanding, useTutorQuality } from './use-tutor-quality';
import './tutor-quality.css';

const periods = [30, 90, 365] as const;
const percent = (share: number | null) => (share === null ? '–' : `${formatNumber(share * 100, { maximumFractionDigits: 0 })} %`);
const seconds = (n: number | null) => (n === null ? '–' : formatCountdown(Math.round(n)));
const stars = (n: number | null) => (n === null ? '–' : `${formatNumber(n, { maximumFractionDigits: 1 })} ★`);

/** One tutor's quality for ops (issue #18): figures over a period, ratings by week, and their standing with a reason. */
export function TutorQualityView({ tutorId }: { tutorId: string }) {
  const [days, setDays] = useState<number>(90);
  const quality = useTutorQuality(tutorId, days);
  if (quality.isPending) return <PageLoading label="Loading the tutor's figures…" />;
  if (quality.isError)
    return (
      <Alert tone="error" title="The figures could not be loaded" testId="tutor-quality-error">
        <p>{errorMessage(quality.error)}</p>
        <Button variant="secondary" onClick={() => void quality.refetch()}>
          Try again
        </Button>
      </Alert>
    );
  const q = quality.data;
  return (
    <div className="tq" data-testid="tutor-quality" aria-busy={quality.isFetching || undefined}>
      <header className="tq-head">
        <p className="eyebrow">Tutors</p>
        <h1 id="tq-title">{q.displayName}</h1>
        <p className="tq-badges">
          <ApprovalBadge status={q.approvalStatus} testId="tq-status" />
          {q.onProbation && (
            <span className="badge badge-pending" data-testid="tq-probation">
              On probation
            </span>
          )}
        </p>
      </header>
      <SelectField label="Period" value={String(days)} onChange={(e) => setDays(Number(e.target.value))}>
        {periods.map((d) => (
          <option key={d} value={d}>
            {plural(d, { one: 'Last day', other: 'Last # days' })}
          </option>
        ))}
      </SelectField>

      <div className="tq-grid">
        <Section id="tq-offers" title="Instant help">
          <Figure label={plural(q.offers.offered, { one: 'accepted of # offer', other: 'accepted of # offers' })} value={percent(q.offers.acceptanceRate)} testId="tq-acceptance" />
          <Figure label="offers accepted" value={formatNumber(q.offers.accepted)} testId="tq-accepted" />
          <Figure label="median time to accept" value={seconds(q.offers.acceptSecondsMedian)} testId="tq-accept-time" />
        </Section>
        <Section id="tq-rating" title="Rating">
          <Figure label={plural(q.ratings.count, { one: 'from # rating', other: 'from # ratings' })} value={stars(q.ratings.average)} testId="tq-rating-average" />
          <Figure label={q.complaints.open ? `complaints (${q.complaints.open} open)` : 'complaints'} value={formatNumber(q.complaints.tickets)} testId="tq-complaints" />
        </Section>
        <Section id="tq-lessons" title="Lessons and classes">
          <Figure label="no-shows" value={formatNumber(q.lessons.noShows + q.classes.noShows)} testId="tq-no-shows" />
          <Figure label="late cancellations" value={formatNumber(q.lessons.lateCancellations)} testId="tq-late" />
          <Figure label={`lessons completed of ${q.lessons.booked}`} value={formatNumber(q.lessons.completed)} />
          <Figure label="classes taught" value={formatNumber(q.classes.taught)} />
        </Section>
        <Section id="tq-sessions" title="Sessions">
          <Figure label="sessions" value={formatNumber(q.sessions.count)} testId="tq-sessions" />
          <Figure label="in the room" value={formatDuration(q.sessions.minutes)} testId="tq-minutes" />
          {q.earnings === null ? (
            <p className="muted tq-note">Earnings are shown to finance and admins.</p>
          ) : (
            <Figure
              label="earned (ledger)"
              value={q.earnings.length ? q.earnings.map((e) => formatMoney(e.amountMinor, e.currency)).join(' · ') : formatMoney(0, 'INR')}
              testId="tq-earnings"
            />
          )}
        </Section>
      </div>

      <section className="card" aria-labelledby="tq-weeks-title">
        <h2 id="tq-weeks-title">Rating by week</h2>
        <ChartFrame
          title="Average stars per week"
          name="tutor-rating-weeks"
          table={{ columns: ['week', 'ratings', 'average'], rows: q.ratings.weeks.map((w) => [w.week, w.count, Number(w.average.toFixed(2))]) }}
        >
          <BarChart
            label="Average stars per week"
            bars={q.ratings.weeks.map((w) => ({ name: formatCalendarDate(w.week, { style: 'medium' }), value: Number(w.average.toFixed(1)), note: `(${w.count})` }))}
          />
        </ChartFrame>
      </section>

      <StandingForm tutorId={tutorId} q={q} />
    </div>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="card tq-card" aria-labelledby={`${id}-title`} data-testid={id}>
      <h2 id={`${id}-title`}>{title}</h2>
      <div className="tq-figures">{children}</div>
    </section>
  );
}

function Figure({ label, value, testId }: { label: string; value: ReactNode; testId?: string }) {
  return (
    <div className="tq-figure" data-testid={testId}>
      <span className="tq-figure-value">{value}</span>
      <span className="tq-figure-label">{label}</span>
    </div>
  );
}

/** Suspend, reinstate and probation, each with the reason the audit log keeps. */
function StandingForm({ tutorId, q }: { tutorId: string; q: TutorQuality }) {
  const [reason, setReason] = useState('');
  const [chosen, setChosen] = useState<StandingAction | null>(null);
  const change = useChangeStanding(tutorId);
  const tooShort = reason.trim().length < 3;
  const submit = (action: StandingAction) => (event?: FormEvent) => {
    event?.preventDefault();
    if (tooShort) return;
    setChosen(action);
    change.mutate({ change: action.change, reason: reason.trim() }, { onSuccess: () => setReason('') });
  };
  return (
    <section className="card" aria-labelledby="tq-standing-title">
      <h2 id="tq-standing-title">Standing</h2>
      <p className="muted">A suspension stops offers and claims at once and cancels future lessons and classes with refunds; a session in progress may finish. Probation keeps the tutor out of the first waves of instant help.</p>
      <form className="tq-standing" onSubmit={(e) => e.preventDefault()}>
        <TextAreaField label="Reason" hint="Kept in the audit log." value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} rows={2} />
        {change.isError && (
          <Alert tone="error" title="Nothing was changed">
            <p>{errorMessage(change.error)}</p>
          </Alert>
        )}
        {change.isSuccess && !change.isPending && <p className="muted" role="status">Saved.</p>}
        <div className="tq-actions">
          {standingActions(q).map((a) => (
            <Button key={a.label} type="button" variant={a.variant} disabled={tooShort || change.isPending} pending={change.isPending && chosen?.label === a.label} pendingLabel={a.pendingLabel} onClick={() => submit(a)()}>
              {a.label}
            </Button>
          ))}
        </div>
      </form>
    </section>
  );
}
