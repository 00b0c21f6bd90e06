import type { ConnectivityReport } from '@tutorline/contracts';
import { formatDateTime } from '../../lib/format';
import { StatusMark, StatusText } from './check-row';
import { formatKbps, overallText, reportRows, stepTitles } from './check-steps';
import './check.css';

/** A saved report as support sees it. */
export function ReportView({ report }: { report: ConnectivityReport }) {
  const ms = (v: number | null) => (v === null ? '' : ` · ${v} ms`);
  const extra: Record<string, string> = {
    microphone: report.microphone.peakLevel === null ? '' : ` · peak level ${report.microphone.peakLevel.toFixed(2)}`,
    stun: `${report.stun.publicAddressSeen ? ' · public address seen' : ' · no public address'}${ms(report.stun.ms)}`,
  };
  const d = report.diagnostics;
  return (
    <article className="card check-report" data-testid="check-report" data-overall={report.overall}>
      <div className="check-summary-head">
        <StatusMark status={report.overall} />
        <div>
          <h2>
            Report <code className="check-report-code">{report.id}</code>
          </h2>
          <p className="muted">{overallText[report.overall].title}</p>
        </div>
      </div>
      <dl className="check-facts">
        <dt>When</dt>
        <dd>{formatDateTime(report.createdAt, { year: true })}</dd>
        <dt>User</dt>
        <dd>{report.userId ?? 'Not logged in'}</dd>
        <dt>Device</dt>
        <dd>
          {d.device} · {d.os} · {d.browser}
        </dd>
        <dt>Speeds</dt>
        <dd>
          up {report.uploadKbps === null ? '–' : formatKbps(report.uploadKbps)}, down {report.downloadKbps === null ? '–' : formatKbps(report.downloadKbps)}
        </dd>
      </dl>
      <ol className="check-rows">
        {reportRows(report).map((row) => (
          <li key={row.id} className={`check-row check-row-${row.status}`} data-testid={`check-report-row-${row.id}`} data-status={row.status}>
            <StatusMark status={row.status} />
            <div className="check-row-body">
              <div className="check-row-head">
                <h3 className="check-row-title">{stepTitles[row.id]}</h3>
                <StatusText status={row.status} />
              </div>
              <p className="check-row-detail">
                {row.detail}
                {extra[row.id] ?? ''}
              </p>
            </div>
          </li>
        ))}
      </ol>
      <details className="check-ua">
        <summary>Browser details</summary>
        <p>{d.userAgent}</p>
      </details>
    </article>
  );
}
