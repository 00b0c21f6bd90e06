import type { CheckoutView, ClassView } from '@tutorline/contracts';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError, errorMessage } from '../../lib/api';
import { formatTime } from '../../lib/format';
import { useNow } from '../../lib/use-now';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { holdLeftLabel, newAttemptKey } from '../scheduling';
import { priceLabel } from './class-card';
import './classes.css';

/** Starts the checkout for a held seat and sends the browser to the page where it is paid; back to this class after. */
function usePaySeat(classId: string) {
  const [key, setKey] = useState(newAttemptKey);
  return useMutation({
    mutationFn: (classEnrolmentId: string) => api.post<CheckoutView>('/api/billing/checkout', { classEnrolmentId, idempotencyKey: key, successUrl: `/classes/${classId}` }),
    onSuccess: (checkout) => {
      if (checkout.url) window.location.assign(checkout.url);
    },
    onError: (error) => {
      if (!(error instanceof ApiError && error.status === 0)) setKey(newAttemptKey());
    },
  });
}

/** "Your seat is held until 18:42: pay ₹500 to keep it", with the time left; or, back from paying, that it is being confirmed. */
export function HeldSeatPayment({ c, zone, returning }: { c: ClassView; zone: string; returning: boolean }) {
  const now = useNow(1000);
  const pay = usePaySeat(c.id);
  if (!c.seat?.heldUntil) return null;
  const left = Date.parse(c.seat.heldUntil) - now;
  if (returning) return <Alert tone="info">Payment received: confirming your seat…</Alert>;
  if (left <= 0 && !pay.isPending) return <Alert tone="warning">The time to pay ran out, so the seat went back to the class. Enrol again to take one.</Alert>;
  return (
    <div className="stack" data-testid="seat-held">
      <Alert tone="info" title={`Your seat is held until ${formatTime(c.seat.heldUntil, { zone })}`}>
        Pay {priceLabel(c)} to keep it ({holdLeftLabel(left)} left).
      </Alert>
      {pay.error && <Alert tone="error">{errorMessage(pay.error)}</Alert>}
      <Button block pending={pay.isPending} pendingLabel="Opening the payment page…" onClick={() => pay.mutate(c.seat!.id)}>
        Pay {priceLabel(c)}
      </Button>
    </div>
  );
}
