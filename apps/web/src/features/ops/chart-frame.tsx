import './ops.css';
import { type ReactNode, useState } from 'react';
import { Button } from '../../ui/button';
import { type ChartTable, toCsv } from './chart-data';

/** A chart with its table view and a CSV export of the same figures. */
export function ChartFrame({ title, name, table, children }: { title: string; name: string; table: ChartTable; children: ReactNode }) {
  const [asTable, setAsTable] = useState(false);
  const download = () => {
    const url = URL.createObjectURL(new Blob([toCsv(table)], { type: 'text/csv' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${name}.csv`;
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <figure className="ops-chart" data-testid={`chart-${name}`}>
      <figcaption className="ops-chart-head">
        <span>{title}</span>
        <span className="ops-chart-actions">
          <Button variant="secondary" className="btn-small" aria-pressed={asTable} onClick={() => setAsTable(!asTable)}>
            {asTable ? 'Chart' : 'Table'}
          </Button>
          <Button variant="secondary" className="btn-small" onClick={download}>
            CSV
          </Button>
        </span>
      </figcaption>
      {asTable ? (
        <div className="ops-table-wrap" tabIndex={0} role="region" aria-label={`${title}: table`}>
          <table className="ops-table">
            <thead>
              <tr>
                {table.columns.map((c) => (
                  <th key={c} scope="col">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {table.rows.map((r, i) => (
                <tr key={i}>
                  {r.map((v, j) => (
                    <td key={j}>{v}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        children
      )}
    </figure>
  );
}
