import { formatMoney } from '../../lib/format';
import { useTutorToday } from './tutor-queries';
import './tutor-home.css';

/** Today's answered questions and earnings, "today" in the tutor's time zone (the server decides). */
export function TodayCard({ currency }: { currency: string }) {
  const today = useTutorToday();
  const data = today.data;
  const earnings = data?.earningsToday.filter((e) => e.amountMinor !== 0) ?? [];

  return (
    <section className="card today" aria-labelledby="today-title" data-testid="tutor-today" aria-busy={today.isPending || undefined}>
      <h2 id="today-title">Today</h2>
      {today.isError && !data ? (
        <p className="muted">Today's numbers could not be loaded. They will appear when the connection is back.</p>
      ) : (
        <dl className="stats stats-two">
          <div className="stat">
            <dt>Answered</dt>
            <dd data-testid="answered-today">{data ? data.answeredToday : '–'}</dd>
          </div>
          <div className="stat">
            <dt>Earned</dt>
            <dd data-testid="earnings-today">
              {!data ? '–' : earnings.length === 0 ? formatMoney(0, data.earningsToday[0]?.currency ?? currency) : earnings.map((e) => formatMoney(e.amountMinor, e.currency)).join(' + ')}
            </dd>
          </div>
        </dl>
      )}
    </section>
  );
}
