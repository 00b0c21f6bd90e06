import type { TutorBalance } from '@tutorline/contracts';
import { formatMoney, plural } from '../../lib/format';
import './billing.css';

/** A tutor's balance per currency, each amount once: payable now, on hold, in transit, paid out. */
export function TutorBalances({ balance }: { balance: TutorBalance }) {
  if (balance.balances.length === 0) {
    return <p className="empty">No earnings yet. Answer questions or teach booked lessons and they show up here.</p>;
  }
  return (
    <div className="balance-list">
      {balance.balances.map((b) => {
        const minimum = balance.minimumPayoutMinor[b.currency];
        return (
          <article
            key={b.currency}
            className="card balance-card"
            data-testid="tutor-balance"
            data-currency={b.currency}
            data-owed-minor={b.payableMinor + b.onHoldMinor}
            aria-labelledby={`balance-${b.currency}`}
          >
            <div className="card-head">
              <h2 id={`balance-${b.currency}`} className="balance-currency">
                {b.currency}
              </h2>
            </div>
            <p className="balance-owed">
              <span className="balance-owed-label">Payable now</span>
              <span className="balance-owed-value">{formatMoney(b.payableMinor, b.currency)}</span>
            </p>
            <dl className="balance-stats">
              <div>
                <dt>On hold</dt>
                <dd>{formatMoney(b.onHoldMinor, b.currency)}</dd>
              </div>
              <div>
                <dt>In transit</dt>
                <dd>{formatMoney(b.inTransitMinor, b.currency)}</dd>
              </div>
              <div>
                <dt>Paid out</dt>
                <dd>{formatMoney(b.paidMinor, b.currency)}</dd>
              </div>
            </dl>
            <p className="muted">
              Earnings are held for {plural(balance.holdDays, { one: '# day', other: '# days' })} before they can be paid out
              {minimum ? `; payouts start from ${formatMoney(minimum, b.currency)}` : ''}.
            </p>
          </article>
        );
      })}
    </div>
  );
}
