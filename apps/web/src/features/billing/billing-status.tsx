import type { BillingMe } from '@tutorline/contracts';
import { Link } from 'react-router';
import { badgeClass, formatWhen, statusLabel, statusTone } from './billing-format';
import './billing.css';

/** Where a student stands: plan, status, questions left, credits, grace end, and the next step in words. */
export function BillingStatus({ me, timeZone, compact = false }: { me: BillingMe; timeZone: string; compact?: boolean }) {
  const tone = statusTone(me.status);
  return (
    <article className="card billing-status" aria-labelledby="billing-status-title" data-testid="billing-status" data-status={me.status} data-can-ask={String(me.canAsk)}>
      <div className="card-head billing-status-head">
        <h2 id="billing-status-title">{me.plan ? me.plan.name : 'Your plan'}</h2>
        <span className={`badge ${badgeClass[tone]}`}>{statusLabel(me.status)}</span>
      </div>
      <dl className="stats stats-two">
        <div className="stat">
          <dt>Questions left</dt>
          <dd className="billing-stat-value" data-testid="billing-questions-left">
            {me.plan ? `${me.questionsLeft} of ${me.plan.questions}` : '—'}
          </dd>
        </div>
        <div className="stat">
          <dt>Credits</dt>
          <dd className="billing-stat-value" data-testid="billing-credits">
            {me.credits}
          </dd>
        </div>
      </dl>
      {me.status === 'past_due' && me.graceEndsAt && (
        <p className="billing-note billing-note-warn">
          Your last payment did not go through. You can keep asking until <strong>{formatWhen(me.graceEndsAt, timeZone, true)}</strong>.
        </p>
      )}
      {me.periodEndsAt && (me.status === 'active' || me.status === 'trialing') && (
        <p className="muted">
          {me.status === 'trialing' ? 'Trial ends' : 'Renews'} on {formatWhen(me.periodEndsAt, timeZone)}.
        </p>
      )}
      {me.status === 'canceled' && me.periodEndsAt && <p className="muted">Your plan ends on {formatWhen(me.periodEndsAt, timeZone)}.</p>}
      {me.next ? (
        <p className="billing-next" data-testid="billing-next">
          {me.next}
        </p>
      ) : (
        !me.enforced && <p className="muted">Asking questions is free on this server for now.</p>
      )}
      {compact && (
        <Link className="btn btn-secondary" to="/billing">
          {me.canAsk ? 'Plans and credits' : 'Get a plan or credits'}
        </Link>
      )}
    </article>
  );
}
