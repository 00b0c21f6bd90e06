import type { Me } from '@tutorline/contracts';
import { Link, useSearchParams } from 'react-router';
import { RequireRole } from '../features/auth';
import { BillingStatus, CheckoutReturn, PlanList, useBillingMe, usePlansOnSale } from '../features/billing';
import { usePageTitle } from '../lib/page-title';
import { PageError, PageLoading } from '../ui/page-states';

export function BillingPage() {
  return <RequireRole role="student">{(me) => <Billing me={me} />}</RequireRole>;
}

/** A page of this app to return to after paying (a path, never another site: the server checks it too). */
export function ownReturnPath(raw: string | null): string | null {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return null;
  return raw;
}

function Billing({ me }: { me: Me }) {
  usePageTitle('Plans and credits');
  const [params] = useSearchParams();
  const returnTo = ownReturnPath(params.get('returnTo'));
  const billing = useBillingMe();
  const plans = usePlansOnSale();
  const live = billing.data && ['trialing', 'active', 'past_due'].includes(billing.data.status) ? (billing.data.plan?.id ?? null) : null;
  return (
    <section className="page page-medium" data-testid="billing-page" aria-labelledby="billing-title">
      <Link className="back-link" to={returnTo ?? '/student'}>
        {returnTo ? '← Back to your question' : '← Home'}
      </Link>
      <div className="page-intro">
        <h1 id="billing-title">Plans and credits</h1>
        <p className="lead">What you can ask now, and how to get more questions.</p>
      </div>
      {billing.isPending && <PageLoading label="Loading your plan…" />}
      {billing.isError && <PageError error={billing.error} onRetry={() => void billing.refetch()} />}
      {returnTo && (
        <p className="billing-return-note" data-testid="billing-return-note">
          Your question is kept. Once you have paid, you go straight back to it to send it.
        </p>
      )}
      {billing.data && <BillingStatus me={billing.data} timeZone={me.timeZone} />}
      {plans.isPending && <PageLoading label="Loading plans…" />}
      {plans.isError && <PageError error={plans.error} onRetry={() => void plans.refetch()} />}
      {plans.data && <PlanList plans={plans.data} timeZone={me.timeZone} ownedPlanId={live} returnTo={returnTo} />}
    </section>
  );
}

export function BillingReturnPage() {
  return <RequireRole role="student">{(me) => <BillingReturn me={me} />}</RequireRole>;
}

function BillingReturn({ me }: { me: Me }) {
  usePageTitle('Payment');
  const [params] = useSearchParams();
  const checkoutId = params.get('checkout') ?? '';
  return (
    <section className="page page-narrow" data-testid="billing-return" aria-labelledby="billing-return-title">
      <h1 id="billing-return-title">Your payment</h1>
      {checkoutId ? (
        <CheckoutReturn checkoutId={checkoutId} cancelled={params.get('cancelled') === '1'} me={me} />
      ) : (
        <p>
          This link has no payment in it. <Link to="/billing">See plans and credits</Link>.
        </p>
      )}
    </section>
  );
}
