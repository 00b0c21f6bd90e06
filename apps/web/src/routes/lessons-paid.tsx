import type { Me } from '@tutorline/contracts';
import { Link, useSearchParams } from 'react-router';
import { RequireRole } from '../features/auth';
import { PaymentReturn } from '../features/scheduling/booking-payment';
import { useT } from '../i18n';
import { usePageTitle } from '../lib/page-title';
import { Alert } from '../ui/alert';

/**
 * /lessons/paid?checkout=…[&cancelled=1]: where the payment page (the provider's, or the fake one) sends the learner
 * back after paying for a booked lesson (plans and credit packs go back to /billing/return).
 */
export function LessonsPaidPage() {
  return <RequireRole role={['student', 'admin']}>{(me) => <LessonsPaidScreen me={me} />}</RequireRole>;
}

function LessonsPaidScreen({ me }: { me: Me }) {
  const t = useT();
  usePageTitle(t('booking.paid.title'));
  const [params] = useSearchParams();
  const checkoutId = params.get('checkout');
  return (
    <section className="page page-narrow stack" data-testid="lesson-payment" aria-labelledby="payment-title">
      <h1 id="payment-title">{t('booking.paid.title')}</h1>
      {checkoutId && /^[0-9a-f-]{36}$/i.test(checkoutId) ? (
        <PaymentReturn checkoutId={checkoutId} cancelled={params.get('cancelled') === '1'} zone={me.timeZone} />
      ) : (
        <Alert tone="error" title={t('booking.paid.missing')}>
          <p>
            <Link to="/lessons">{t('booking.seeLessons')}</Link>
          </p>
        </Alert>
      )}
    </section>
  );
}
