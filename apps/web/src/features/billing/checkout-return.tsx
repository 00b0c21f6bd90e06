import type { Me } from '@tutorline/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../lib/api';
import { formatMoney } from '../../lib/format';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { ProgressBar } from '../../ui/progress-bar';
import { BillingStatus } from './billing-status';
import { billingKeys, CHECKOUT_WAIT_MS, useBillingMe, useCheckout } from './billing-queries';

/** After the payment page: asks for the checkout until it is paid or failed (with progress), then shows the new status. */
export function CheckoutReturn({ checkoutId, cancelled, me }: { checkoutId: string; cancelled: boolean; me: Me }) {
  const queryClient = useQueryClient();
  const [startedAt, setStartedAt] = useState(() => Date.now());
  const [now, setNow] = useState(() => Date.now());
  const waitedTooLong = now - startedAt > CHECKOUT_WAIT_MS;
  const checkout = useCheckout(checkoutId, !waitedTooLong && !cancelled);
  const status = checkout.data?.status;
  const done = status === 'paid' || status === 'failed' || status === 'expired';
  const billing = useBillingMe(status === 'paid');

  useEffect(() => {
    if (done || cancelled) return;
    const t = window.setInterval(() => setNow(Date.now()), 500);
    return () => window.clearInterval(t);
  }, [done, cancelled]);
  useEffect(() => {
    if (status === 'paid') void queryClient.invalidateQueries({ queryKey: billingKeys.me });
  }, [status, queryClient]);

  if (checkout.isError && !checkout.data) {
    return (
      <Alert tone="error" title="We could not find this payment">
        <p>{errorMessage(checkout.error)}</p>
        <Link to="/billing">Back to plans</Link>
      </Alert>
    );
  }

  const amount = checkout.data ? formatMoney(checkout.data.amountMinor, checkout.data.currency) : null;
  const waiting = !done && !cancelled;
  return (
    <div className="stack" data-testid="checkout-return" data-checkout-status={status ?? 'loading'}>
      {waiting && !waitedTooLong && (
        <div className="card stack" role="status" aria-live="polite">
          <h2>Confirming your payment{amount ? ` of ${amount}` : ''}…</h2>
          <ProgressBar value={null} label="Confirming payment" testId="checkout-progress" />
          <p className="muted">This usually takes a few seconds. You can keep this page open.</p>
        </div>
      )}
      {waiting && waitedTooLong && (
        <Alert tone="warning" title="Your payment is taking longer than usual">
          <p>If you paid, it will show up here soon; you will not be charged twice.</p>
          <Button
            variant="secondary"
            onClick={() => {
              setStartedAt(Date.now());
              setNow(Date.now());
              void checkout.refetch();
            }}
          >
            Check again
          </Button>
        </Alert>
      )}
      {cancelled && !done && (
        <Alert tone="info" title="You left the payment page">
          <p>Nothing was charged. You can choose a plan again whenever you like.</p>
        </Alert>
      )}
      {status === 'paid' && (
        <Alert tone="success" title="Payment received" testId="checkout-paid">
          <p>Thank you! {amount} was paid. You can ask questions now.</p>
        </Alert>
      )}
      {(status === 'failed' || status === 'expired') && (
        <Alert tone="error" title={status === 'failed' ? 'The payment did not go through' : 'The payment page expired'} testId="checkout-failed">
          <p>Nothing was charged. Please try again, or use another card or method.</p>
        </Alert>
      )}
      {status === 'paid' && billing.data && <BillingStatus me={billing.data} timeZone={me.timeZone} />}
      {done && (
        <div className="home-links">
          {status === 'paid' ? (
            <Link className="btn btn-primary" to="/student/ask">
              Ask a question
            </Link>
          ) : (
            <Link className="btn btn-primary" to="/billing">
              Try again
            </Link>
          )}
          <Link className="btn btn-secondary" to={status === 'paid' ? '/billing' : '/student'}>
            {status === 'paid' ? 'Plans and credits' : 'Home'}
          </Link>
        </div>
      )}
      {cancelled && !done && (
        <Link className="btn btn-secondary" to="/billing">
          Back to plans
        </Link>
      )}
    </div>
  );
}
