import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { formatMoney } from '../../lib/format';
import { Alert } from '../../ui/alert';
import { ProgressBar } from '../../ui/progress-bar';
import { billingKeys, useCheckout } from '../billing';

/**
 * Back on the ask form from the payment page (the checkout's return URL): follows the payment and says where the
 * question stands. The draft itself is brought back by the form.
 */
export function AskCheckoutNotice({ checkoutId, cancelled }: { checkoutId: string; cancelled: boolean }) {
  const queryClient = useQueryClient();
  const checkout = useCheckout(checkoutId, !cancelled);
  const status = checkout.data?.status;
  useEffect(() => {
    if (status === 'paid') void queryClient.invalidateQueries({ queryKey: billingKeys.me });
  }, [status, queryClient]);

  const amount = checkout.data ? formatMoney(checkout.data.amountMinor, checkout.data.currency) : null;
  if (status === 'paid') {
    return (
      <Alert tone="success" title="Your question is ready to send" testId="ask-ready">
        <p>Payment received{amount ? ` (${amount})` : ''}. Your photos and details are below, just as you left them: check them and press Send.</p>
      </Alert>
    );
  }
  if (status === 'failed' || status === 'expired') {
    return (
      <Alert tone="warning" title="The payment did not go through" testId="ask-payment-failed">
        <p>Nothing was charged. Your question is kept below; you can try paying again, or with another card.</p>
      </Alert>
    );
  }
  if (cancelled) {
    return (
      <Alert tone="info" title="You left the payment page" testId="ask-payment-cancelled">
        <p>Nothing was charged. Your question is kept below.</p>
      </Alert>
    );
  }
  if (checkout.isError) return null;
  return (
    <div className="card stack" role="status" aria-live="polite" data-testid="ask-payment-confirming">
      <p>Confirming your payment{amount ? ` of ${amount}` : ''}… your question is kept below.</p>
      <ProgressBar value={null} label="Confirming payment" />
    </div>
  );
}
