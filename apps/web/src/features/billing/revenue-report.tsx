import type { RevenueReport } from '@tutorline/contracts';
import { formatMoney } from '../../lib/format';
import { monthLabel, revenueTotals } from './billing-format';
import './billing.css';

const columns = [
  ['receivedMinor', 'Received'],
  ['refundedMinor', 'Refunded'],
  ['revenueMinor', 'Revenue'],
  ['commissionMinor', 'Commission'],
  ['tutorEarningsMinor', 'Tutor earnings'],
  ['deferredMinor', 'Deferred'],
] as const;

/**
 * Revenue by month and currency, as cards (a phone has no room for a seven-column table), with totals per currency.
 * Each card reconciles: received − refunded = revenue + commission + tutor earnings + deferred.
 */
export function RevenueTable({ report }: { report: RevenueReport }) {
  if (report.rows.length === 0) return <p className="empty">No money moved in these dates.</p>;
  // Totals only add something when a currency has more than one month.
  const totals = revenueTotals(report.rows).filter((t) => report.rows.filter((r) => r.currency === t.currency).length > 1);
  return (
    <div className="stack" data-testid="revenue-report">
      <ul className="revenue-list">
        {totals.map((t) => (
          <li key={`total-${t.currency}`} className="revenue-row revenue-total" data-testid="revenue-total" data-currency={t.currency} data-revenue-minor={t.revenueMinor}>
            <h3 className="revenue-month">Total, {t.currency}</h3>
            <dl className="revenue-figures">
              {columns.map(([key, label]) => (
                <div key={key}>
                  <dt>{label}</dt>
                  <dd>{formatMoney(t[key], t.currency)}</dd>
                </div>
              ))}
            </dl>
          </li>
        ))}
        {report.rows.map((r) => (
          <li key={`${r.month}-${r.currency}`} className="revenue-row">
            <h3 className="revenue-month">
              {monthLabel(r.month)} · {r.currency}
            </h3>
            <dl className="revenue-figures">
              {columns.map(([key, label]) => (
                <div key={key}>
                  <dt>{label}</dt>
                  <dd>{formatMoney(r[key], r.currency)}</dd>
                </div>
              ))}
            </dl>
          </li>
        ))}
      </ul>
    </div>
  );
}
