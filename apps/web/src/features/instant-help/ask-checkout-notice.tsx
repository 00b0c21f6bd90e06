import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useT } from '../../i18n';
import { formatMoney } from '../../lib/format';
import { Alert } from '../../ui/alert';
import { ProgressBar } from '../../ui/progress-bar';
import { billingKeys, useCheckout } from '../billing';

/**
 * Back on the ask form from the payment page (the checkout's return URL): follows the payment and says where the
 * question stands. The draft itself is brought back by the form.
 */
export function AskCheckoutNotice({ checkoutId, cancelled }: { checkoutId: string; cancelled: boolean }) {
  const t = useT();
  const queryClient = useQueryClient();
  const checkout = useCheckout(checkoutId, !cancelled);
  const status = checkout.data?.status;
  useEffect(() => {
    if (status === 'paid') void queryClient.invalidateQueries({ queryKey: billingKeys.me });
  }, [status, queryClient]);

  const amount = checkout.data ? formatMoney(checkout.data.amountMinor, checkout.data.currency) : null;
  if (status === 'paid') {
    return (
      <Alert tone="success" title={t('checkout.readyTitle')} testId="ask-ready">
        <p>{amount ? t('checkout.readyAmount', { amount }) : t('checkout.ready')}</p>
      </Alert>
    );
  }
  if (status === 'failed' || status === 'expired') {
    return (
      <Alert tone="warning" title={t('checkout.failedTitle')} testId="ask-payment-failed">
        <p>{t('checkout.failed')}</p>
      </Alert>
    );
  }
  if (cancelled) {
    return (
      <Alert tone="info" title={t('checkout.cancelledTitle')} testId="ask-payment-cancelled">
        <p>{t('checkout.cancelled')}</p>
      </Alert>
    );
  }
  if (checkout.isError) return null;
  return (
    <div className="card stack" role="status" aria-live="polite" data-testid="ask-payment-confirming">
      <p>{amount ? t('checkout.confirmingAmount', { amount }) : t('checkout.confirming')}</p>
      <ProgressBar value={null} label={t('checkout.confirmingLabel')} />
    </div>
  );
}
