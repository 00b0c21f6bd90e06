import type { OpsSummary } from '@tutorline/contracts';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { formatCountdown, formatMoney, formatNumber, formatTime, plural } from '../../lib/format';
import { BarChart } from './bar-chart';
import { ChartFrame } from './chart-frame';
import { ChecksChart } from './checks-chart';
import { TimeSeries } from './time-series';

const secs = (n: number | null) => (n === null ? '–' : formatCountdown(n));

/** One tile: a title that links to the list behind it, and its figures. */
export function Tile({ id, title, to, children }: { id: string; title: string; to: string; children: ReactNode }) {
  return (
    <section className="card ops-tile" aria-labelledby={`${id}-title`} data-testid={`tile-${id}`}>
      <div className="card-head">
        <h2 id={`${id}-title`}>{title}</h2>
        <Link className="ops-tile-link" to={to}>
          See all
        </Link>
      </div>
      {children}
    </section>
  );
}

export function Figure({ label, value, testId }: { label: string; value: ReactNode; testId?: string }) {
  return (
    <div className="ops-figure" data-testid={testId}>
      <span className="ops-figure-value">{value}</span>
      <span className="ops-figure-label">{label}</span>
    </div>
  );
}

export function HelpTile({ s }: { s: OpsSummary }) {
  const h = s.help;
  const minutes = s.series.minutes.map((m) => Date.parse(m) / 1000);
  const share = (n: number) => (h.today.asked ? `${formatNumber((n / h.today.asked) * 100, { maximumFractionDigits: 0 })} %` : '–');
  return (
    <Tile id="help" title="Instant help now" to="/admin">
      <div className="ops-figures">
        <Figure label="open questions" value={formatNumber(h.open.length)} testId="ops-open" />
        <Figure label="tutors online" value={formatNumber(h.tutorsOnline)} />
        <Figure label="claim p50 (hour)" value={secs(h.claimSeconds.hour.p50)} testId="ops-claim-p50" />
        <Figure label="expired today" value={share(h.today.expired)} />
        <Figure label="cancelled today" value={share(h.today.cancelled)} />
      </div>
      <table className="ops-table ops-claims">
        <caption className="muted">Time to claim (upper bound of the bucket)</caption>
        <thead>
          <tr>
            <th scope="col" />
            <th scope="col">p50</th>
            <th scope="col">p90</th>
            <th scope="col">p99</th>
            <th scope="col">claims</th>
          </tr>
        </thead>
        <tbody>
          {(['hour', 'day', 'week'] as const).map((k) => (
            <tr key={k}>
              <th scope="row">{k === 'hour' ? 'Last hour' : k === 'day' ? 'Today' : 'Last 7 days'}</th>
              <td>{secs(h.claimSeconds[k].p50)}</td>
              <td>{secs(h.claimSeconds[k].p90)}</td>
              <td>{secs(h.claimSeconds[k].p99)}</td>
              <td>{formatNumber(h.claimSeconds[k].count)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ChartFrame
        title="Demand and tutors by subject"
        name="open-by-subject"
        table={{ columns: ['subject', 'open', 'oldest wait (s)', 'asked last hour', 'tutors online', 'tutors free'], rows: h.openBySubject.map((o) => [o.subjectId, o.open, o.oldestWaitingSeconds, o.askedLastHour, o.tutorsOnline, o.tutorsFree]) }}
      >
        <BarChart
          label="Open questions by subject, against the tutors online and free who teach it"
          bars={h.openBySubject.map((o) => ({ name: o.subjectId, value: o.open, note: `open · ${plural(o.tutorsFree, { one: '# tutor free', other: '# tutors free' })} of ${formatNumber(o.tutorsOnline)} online · oldest ${secs(o.oldestWaitingSeconds)} · ${plural(o.askedLastHour, { one: '# asked', other: '# asked' })}` }))}
        />
      </ChartFrame>
      <ChartFrame title="Asked and claimed per minute" name="help-per-minute" table={{ columns: ['minute', 'asked', 'claimed'], rows: s.series.minutes.map((m, i) => [m, s.series.asked[i]!, s.series.claimed[i]!]) }}>
        <TimeSeries
          label="Questions asked and claimed per minute over the last hour"
          times={minutes}
          series={[
            { label: 'asked', values: s.series.asked, stroke: '#4338ca' },
            { label: 'claimed', values: s.series.claimed, stroke: '#079455' },
          ]}
        />
      </ChartFrame>
    </Tile>
  );
}

export function FunnelTile({ s }: { s: OpsSummary }) {
  const steps = ['asked', 'claimed', 'connected', 'completed', 'rated'] as const;
  const week = Object.fromEntries(steps.map((k) => [k, s.funnel.reduce((n, d) => n + d[k], 0)])) as Record<(typeof steps)[number], number>;
  return (
    <Tile id="funnel" title="The funnel (7 days)" to="/admin">
      <ChartFrame title="Asked → claimed → both connected → completed → rated" name="funnel" table={{ columns: ['day', ...steps], rows: s.funnel.map((d) => [d.day, ...steps.map((k) => d[k])]) }}>
        <BarChart label="The week's funnel" bars={steps.map((k, i) => ({ name: k, value: week[k], note: i && week[steps[i - 1]!] ? `(${formatNumber((week[k] / week[steps[i - 1]!]) * 100, { maximumFractionDigits: 0 })} %)` : '' }))} />
      </ChartFrame>
    </Tile>
  );
}

export function CallsTile({ s }: { s: OpsSummary }) {
  return (
    <Tile id="calls" title="Calls" to="/admin">
      <div className="ops-figures">
        <Figure label="instant sessions live" value={formatNumber(s.calls.inProgress.instant)} testId="ops-live-instant" />
        <Figure label="lessons live" value={formatNumber(s.calls.inProgress.booking)} />
      </div>
      <ChartFrame title="Failures and reconnects today" name="call-trouble" table={{ columns: ['split', 'failed', 'reconnects'], rows: s.calls.trouble.map((t) => [t.dim, t.failed, t.reconnects]) }}>
        <BarChart label="Call failures and reconnects by browser, OS, device and candidate type" bars={s.calls.trouble.slice(0, 12).map((t) => ({ name: t.dim, value: t.failed + t.reconnects, note: `(${formatNumber(t.failed)} failed)` }))} />
      </ChartFrame>
      <ChecksChart checks={s.calls.checks} />
      <h3 className="ops-subhead">Worst sessions today</h3>
      {s.calls.worst.length === 0 ? (
        <p className="muted">No call trouble today.</p>
      ) : (
        <ol className="ops-worst" data-testid="ops-worst">
          {s.calls.worst.map((w) => (
            <li key={w.sessionId}>
              <Link to={`/admin/sessions/${w.sessionId}`}>
                {w.kind === 'instant' ? 'Instant help' : 'Lesson'} at {formatTime(w.startedAt)}
              </Link>{' '}
              <span className="muted">
                {plural(w.failed, { one: '# failure', other: '# failures' })}, {plural(w.reconnects, { one: '# reconnect', other: '# reconnects' })}
              </span>
            </li>
          ))}
        </ol>
      )}
    </Tile>
  );
}

export function ChannelsTile({ s }: { s: OpsSummary }) {
  return (
    <Tile id="channels" title="Channels" to="/admin/whatsapp">
      <div className="ops-figures">
        <Figure label="WhatsApp failed today" value={formatNumber(s.channels.waFailedToday)} />
        <Figure label="template fallbacks today" value={formatNumber(s.channels.waTemplatesToday)} />
      </div>
    </Tile>
  );
}

export function MoneyTile({ money }: { money: NonNullable<OpsSummary['money']> }) {
  const rows = (list: typeof money.today) => (list.length ? list.map((m) => `${formatMoney(m.revenue, m.currency)} in, ${formatMoney(m.refunds, m.currency)} refunded`).join(' · ') : '–');
  return (
    <Tile id="money" title="Money" to="/admin/billing">
      <div className="ops-figures">
        <Figure label="today" value={rows(money.today)} />
        <Figure label="this month" value={rows(money.month)} />
        <Figure label="webhooks rejected today" value={formatNumber(money.webhooksRejectedToday)} />
      </div>
    </Tile>
  );
}

/** One row per node that reported in the last minute (each node of a cluster writes its own): sockets, lag, memory, version. */
export function NodesTable({ s }: { s: OpsSummary }) {
  const nodes = s.platform.nodes;
  return (
    <ChartFrame
      title="Server nodes (seen in the last minute)"
      name="nodes"
      table={{ columns: ['node', 'sockets', 'lag p99 (ms)', 'memory (MiB)', 'version', 'seen'], rows: nodes.map((n) => [n.id, n.sockets, n.lagMs, n.rssMiB, n.version, n.seenAt]) }}
    >
      <ul className="ops-nodes" aria-label="Server nodes" data-testid="ops-nodes">
        {nodes.map((n) => (
          <li key={n.id} className="ops-node" data-testid="ops-node">
            <span className="ops-wrap">
              <strong>{n.id}</strong>
              <br />
              <span className="muted">
                {n.version} · seen {formatTime(n.seenAt)}
              </span>
            </span>
            <span className="ops-node-figures">
              <span>{plural(n.sockets, { one: '# socket', other: '# sockets' })}</span>
              <span>lag {formatNumber(n.lagMs)} ms</span>
              <span>{formatNumber(n.rssMiB)} MiB</span>
            </span>
          </li>
        ))}
      </ul>
    </ChartFrame>
  );
}
