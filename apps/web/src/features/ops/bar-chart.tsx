import './ops.css';
import { formatNumber } from '../../lib/format';

/** Horizontal bars as a labelled list (name, bar, value): crisp at any width and read in order by screen readers. */
export function BarChart({ bars, label }: { bars: { name: string; value: number; note?: string }[]; label: string }) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  if (!bars.length) return <p className="muted">Nothing yet.</p>;
  return (
    <ul className="ops-bars" aria-label={label}>
      {bars.map((b) => (
        <li key={b.name} className="ops-bar-row">
          <span className="ops-bar-name">{b.name}</span>
          <span className="ops-bar-track" aria-hidden="true">
            <span className="ops-bar" style={{ width: `${(b.value / max) * 100}%` }} />
          </span>
          <span className="ops-bar-value">
            {formatNumber(b.value)}
            {b.note ? <span className="muted"> {b.note}</span> : null}
          </span>
        </li>
      ))}
    </ul>
  );
}
