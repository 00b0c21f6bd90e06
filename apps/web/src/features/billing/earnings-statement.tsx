import type { Statement } from '@tutorline/contracts';
import { formatMoney } from '../../lib/format';
import { formatWhen, lineKindLabel, reportPath } from './billing-format';
import './billing.css';

/** Date range inputs shared by the statement and the revenue report. */
export function RangeInputs({ range, onChange, idPrefix }: { range: { from: string; to: string }; onChange: (r: { from: string; to: string }) => void; idPrefix: string }) {
  return (
    <div className="range-fields">
      <div className="field">
        <label htmlFor={`${idPrefix}-from`}>From</label>
        <input id={`${idPrefix}-from`} className="input" type="date" value={range.from} max={range.to} onChange={(e) => e.target.value && onChange({ ...range, from: e.target.value })} />
      </div>
      <div className="field">
        <label htmlFor={`${idPrefix}-to`}>To</label>
        <input id={`${idPrefix}-to`} className="input" type="date" value={range.to} min={range.from} onChange={(e) => e.target.value && onChange({ ...range, to: e.target.value })} />
      </div>
    </div>
  );
}

export function CsvLink({ href, label = 'Download CSV' }: { href: string; label?: string }) {
  return (
    <a className="btn btn-secondary" href={href} download>
      {label}
    </a>
  );
}

/** A tutor's statement: per currency, the opening balance, each line with the running balance, the closing balance. */
export function EarningsStatement({ statement, timeZone }: { statement: Statement; timeZone: string }) {
  if (statement.currencies.length === 0) return <p className="empty">Nothing happened in these dates.</p>;
  return (
    <div className="stack" data-testid="tutor-statement">
      {statement.currencies.map((c) => (
        <section key={c.currency} className="stack" aria-label={`Statement in ${c.currency}`}>
          <h3 className="billing-group-title">{c.currency}</h3>
          <ol className="ledger-lines">
            <li className="ledger-line ledger-line-edge">
              <span>Opening balance</span>
              <strong>{formatMoney(c.openingMinor, c.currency)}</strong>
            </li>
            {c.lines.map((l, i) => (
              <li key={`${l.at}-${i}`} className="ledger-line">
                <div className="ledger-line-main">
                  <span className="ledger-line-what">{l.description || lineKindLabel(l.kind)}</span>
                  <span className="muted ledger-line-when">
                    {lineKindLabel(l.kind)} · {formatWhen(l.at, timeZone, true)}
                  </span>
                </div>
                <div className="ledger-line-amounts">
                  <span className={l.amountMinor < 0 ? 'amount-negative' : 'amount-positive'}>
                    {l.amountMinor > 0 ? '+' : ''}
                    {formatMoney(l.amountMinor, c.currency)}
                  </span>
                  <span className="muted">
                    <span className="visually-hidden">Balance after: </span>
                    {formatMoney(l.balanceMinor, c.currency)}
                  </span>
                </div>
              </li>
            ))}
            <li className="ledger-line ledger-line-edge">
              <span>Closing balance</span>
              <strong>{formatMoney(c.closingMinor, c.currency)}</strong>
            </li>
          </ol>
        </section>
      ))}
    </div>
  );
}

export const statementCsvPath = (range: { from: string; to: string }) => reportPath('/api/billing/tutor/statement', range, true);
