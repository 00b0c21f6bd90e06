import type { Me } from '@tutorline/contracts';
import { useState } from 'react';
import { Link } from 'react-router';
import { RequireRole } from '../features/auth';
import { CsvLink, EarningsStatement, RangeInputs, rangeEndingOn, statementCsvPath, TutorBalances, useStatement, useTutorBalance } from '../features/billing';
import { PayoutAccountSection } from '../features/payout-accounts';
import { calendarDate } from '../lib/format';
import { usePageTitle } from '../lib/page-title';
import { serverNow } from '../lib/server-clock';
import { PageError, PageLoading } from '../ui/page-states';

export function TutorEarningsPage() {
  return <RequireRole role="tutor">{(me) => <TutorEarnings me={me} />}</RequireRole>;
}

/** Today's date (YYYY-MM-DD) in a time zone. */
const todayIn = (timeZone: string) => calendarDate(serverNow(), timeZone);

function TutorEarnings({ me }: { me: Me }) {
  usePageTitle('Earnings');
  const balance = useTutorBalance();
  const [range, setRange] = useState(() => rangeEndingOn(todayIn(me.timeZone), 2));
  const statement = useStatement(range);
  return (
    <section className="page page-medium" data-testid="tutor-earnings" aria-labelledby="earnings-title">
      <Link className="back-link" to="/tutor">
        ← Home
      </Link>
      <div className="page-intro">
        <h1 id="earnings-title">Your earnings</h1>
        <p className="lead">What you are owed, what is on its way to you, and every earning and payout.</p>
      </div>
      {balance.isPending && <PageLoading label="Loading your balance…" />}
      {balance.isError && <PageError error={balance.error} onRetry={() => void balance.refetch()} />}
      {balance.data && <TutorBalances balance={balance.data} />}

      <PayoutAccountSection />

      <article className="card" aria-labelledby="statement-title">
        <div className="card-head">
          <h2 id="statement-title">Statement</h2>
        </div>
        <RangeInputs range={range} onChange={setRange} idPrefix="statement" />
        <CsvLink href={statementCsvPath(range)} />
        {statement.isPending && <PageLoading label="Loading the statement…" />}
        {statement.isError && <PageError error={statement.error} onRetry={() => void statement.refetch()} />}
        {statement.data && <EarningsStatement statement={statement.data} timeZone={me.timeZone} />}
      </article>
    </section>
  );
}
