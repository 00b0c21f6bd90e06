import type { Me } from '@tutorline/contracts';
import { useState } from 'react';
import { Link } from 'react-router';
import { RequireRole } from '../features/auth';
import { CsvLink, PaymentsList, PlansEditor, RangeInputs, rangeEndingOn, reportPath, RevenueTable, useAdminPlans, useRevenue } from '../features/billing';
import { TutorPayoutsTable } from '../features/payout-accounts';
import { calendarDate } from '../lib/format';
import { usePageTitle } from '../lib/page-title';
import { serverNow } from '../lib/server-clock';
import { PageError, PageLoading } from '../ui/page-states';

export function AdminBillingPage() {
  return <RequireRole role="admin">{(me) => <AdminBilling me={me} />}</RequireRole>;
}

/** Today's date (YYYY-MM-DD) in a time zone. */
const todayIn = (timeZone: string) => calendarDate(serverNow(), timeZone);

function AdminBilling({ me }: { me: Me }) {
  usePageTitle('Billing');
  // Money is finance's (and admin's): the server refuses every billing route to ops and support, so say so once
  // instead of showing a page of failed cards.
  if (!me.staffRoles.includes('finance') && !me.staffRoles.includes('admin')) return <BillingNotForRole />;
  return <AdminBillingCards me={me} />;
}

function BillingNotForRole() {
  return (
    <section className="page page-medium" data-testid="admin-billing-refused" aria-labelledby="admin-billing-title">
      <Link className="back-link" to="/admin">
        ← Admin
      </Link>
      <h1 id="admin-billing-title">Billing</h1>
      <p className="lead">This needs one of the staff roles: finance, admin. Ask an admin for the finance role if you need revenue, refunds or payouts.</p>
    </section>
  );
}

function AdminBillingCards({ me }: { me: Me }) {
  const [range, setRange] = useState(() => rangeEndingOn(todayIn('UTC'), 5));
  const revenue = useRevenue(range);
  const plans = useAdminPlans();
  return (
    <section className="page page-medium" data-testid="admin-billing" aria-labelledby="admin-billing-title">
      <Link className="back-link" to="/admin">
        ← Admin
      </Link>
      <div className="page-intro">
        <h1 id="admin-billing-title">Billing</h1>
        <p className="lead">Revenue, plans and prices, refunds, and where tutors are paid.</p>
      </div>

      <article className="card" aria-labelledby="revenue-title">
        <div className="card-head">
          <h2 id="revenue-title">Revenue</h2>
        </div>
        <p className="muted">
          By month (UTC) and currency. In each, received − refunded = revenue + commission + tutor earnings + deferred: revenue is what plans and packs leave after
          tutors are paid for questions, deferred is booked lessons paid for and not yet taught.
        </p>
        <RangeInputs range={range} onChange={setRange} idPrefix="revenue" />
        <CsvLink href={reportPath('/api/admin/billing/revenue', range, true)} />
        {revenue.isPending && <PageLoading label="Loading revenue…" />}
        {revenue.isError && <PageError error={revenue.error} onRetry={() => void revenue.refetch()} />}
        {revenue.data && <RevenueTable report={revenue.data} />}
      </article>

      <article className="card" aria-labelledby="plans-admin-title">
        <div className="card-head">
          <h2 id="plans-admin-title">Plans and prices</h2>
        </div>
        {plans.isPending && <PageLoading label="Loading plans…" />}
        {plans.isError && <PageError error={plans.error} onRetry={() => void plans.refetch()} />}
        {plans.data && <PlansEditor plans={plans.data} />}
      </article>

      <article className="card" aria-labelledby="payments-title">
        <div className="card-head">
          <h2 id="payments-title">Recent payments</h2>
        </div>
        <PaymentsList timeZone={me.timeZone} />
      </article>

      <article className="card" aria-labelledby="tutor-payouts-title">
        <div className="card-head">
          <h2 id="tutor-payouts-title">Tutors' payout accounts</h2>
        </div>
        <TutorPayoutsTable timeZone={me.timeZone} />
      </article>
    </section>
  );
}
