import type { AdminPayment, RefundView } from '@tutorline/contracts';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '../../lib/api';
import { formErrorsOf } from '../../lib/form-errors';
import { formatMoney } from '../../lib/format';
import { newRequestId } from '../../lib/request-id';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { TextField } from '../../ui/field';
import { formatWhen, majorToMinor, minorToMajorInput } from './billing-format';
import { useAdminPayments, useRefund } from './billing-queries';
import './billing.css';

const PURPOSES: Partial<Record<NonNullable<AdminPayment['purpose']>, string>> = { booking: 'Booked lesson', class: 'Group class seat', consent: 'Consent check (guardian card, refunded)' };
const what = (p: AdminPayment) => p.planName ?? (p.purpose ? (PURPOSES[p.purpose] ?? p.purpose) : 'Payment');

/** Amount, reason, then a confirmation step; one idempotency key per refund attempt (kept across a retry). */
function RefundForm({ payment, onClose }: { payment: AdminPayment; onClose: () => void }) {
  const [amount, setAmount] = useState(() => minorToMajorInput(payment.refundableMinor, payment.currency));
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [local, setLocal] = useState<Record<string, string>>({});
  const [key, setKey] = useState(() => `web-refund-${newRequestId()}`);
  const [result, setResult] = useState<RefundView | null>(null);
  const refund = useRefund();
  const server = formErrorsOf(refund.error, ['amountMinor', 'reason']);
  const amountMinor = majorToMinor(amount, payment.currency);

  const check = (e: FormEvent) => {
    e.preventDefault();
    const errors: Record<string, string> = {};
    if (amountMinor === null || amountMinor <= 0) errors.amountMinor = 'must be an amount more than zero';
    else if (amountMinor > payment.refundableMinor) errors.amountMinor = `must be at most ${formatMoney(payment.refundableMinor, payment.currency)}`;
    if (reason.trim().length < 3) errors.reason = 'please say why (at least 3 characters)';
    setLocal(errors);
    if (Object.keys(errors).length === 0) setConfirming(true);
  };
  const send = () => {
    refund.mutate(
      { paymentId: payment.id, body: { amountMinor: amountMinor!, reason: reason.trim(), idempotencyKey: key } },
      { onSuccess: (r) => setResult(r) },
    );
  };

  if (result) {
    const tone = result.status === 'failed' ? 'error' : result.status === 'succeeded' ? 'success' : 'info';
    const title = result.status === 'failed' ? 'The provider refused the refund' : result.status === 'succeeded' ? 'Refunded' : 'Refund requested';
    return (
      <div className="stack" data-testid="refund-result" data-refund-status={result.status}>
        <Alert tone={tone} title={title}>
          <p>
            {formatMoney(result.amountMinor, result.currency)} to {payment.studentEmail}.
            {result.status === 'requested' ? ' The provider confirms it shortly; balances are corrected then.' : ''}
            {result.status === 'succeeded' ? ' The balances are corrected by reversal.' : ''}
          </p>
        </Alert>
        <Button variant="secondary" onClick={onClose}>
          Done
        </Button>
      </div>
    );
  }

  return (
    <form className="form refund-form" onSubmit={check} noValidate aria-label={`Refund ${what(payment)} for ${payment.studentEmail}`}>
      <TextField
        label={`Amount (${payment.currency})`}
        inputMode="decimal"
        value={amount}
        disabled={confirming}
        hint={`Up to ${formatMoney(payment.refundableMinor, payment.currency)}`}
        error={local.amountMinor ?? server.fields.amountMinor}
        onChange={(e) => {
          setAmount(e.target.value);
          setKey(`web-refund-${newRequestId()}`);
        }}
      />
      <TextField
        label="Reason"
        value={reason}
        disabled={confirming}
        maxLength={500}
        error={local.reason ?? server.fields.reason}
        onChange={(e) => {
          setReason(e.target.value);
          setKey(`web-refund-${newRequestId()}`);
        }}
      />
      {refund.isError && !server.fields.amountMinor && !server.fields.reason && (
        <Alert tone="error" title="The refund was not made">
          <p>{errorMessage(refund.error)}</p>
        </Alert>
      )}
      {confirming ? (
        <div className="stack refund-confirm" role="group" aria-label="Confirm the refund">
          <p>
            Refund <strong>{amountMinor !== null ? formatMoney(amountMinor, payment.currency) : ''}</strong> to {payment.studentEmail}? This cannot be undone.
          </p>
          <div className="form-actions">
            <Button variant="danger" pending={refund.isPending} pendingLabel="Refunding…" onClick={send}>
              Confirm refund
            </Button>
            <Button variant="ghost" disabled={refund.isPending} onClick={() => setConfirming(false)}>
              Back
            </Button>
          </div>
        </div>
      ) : (
        <div className="form-actions">
          <Button type="submit" variant="danger">
            Refund
          </Button>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
        </div>
      )}
    </form>
  );
}

/** Recent payments, newest first, searchable by student email; each with what was refunded and a Refund action. */
export function PaymentsList({ timeZone }: { timeZone: string }) {
  const [search, setSearch] = useState('');
  const [email, setEmail] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const payments = useAdminPayments(email);
  const all = payments.data?.pages.flatMap((p) => p.payments) ?? [];

  return (
    <div className="stack" data-testid="admin-payments">
      <form
        className="search-row"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setEmail(search.trim());
        }}
      >
        <TextField label="Student email" type="search" value={search} placeholder="name@example.com" onChange={(e) => setSearch(e.target.value)} />
        <Button type="submit" variant="secondary" pending={payments.isFetching && !payments.isFetchingNextPage} pendingLabel="Searching…">
          Search
        </Button>
      </form>
      {payments.isPending && <p className="muted" role="status">Loading payments…</p>}
      {payments.isError && (
        <Alert tone="error" title="Payments could not be loaded">
          <p>{errorMessage(payments.error)}</p>
          <Button variant="secondary" onClick={() => void payments.refetch()}>
            Try again
          </Button>
        </Alert>
      )}
      {payments.data && all.length === 0 && <p className="empty">{email ? `No payments by students matching "${email}".` : 'No payments yet.'}</p>}
      <ul className="payment-list">
        {all.map((p) => (
          <li key={p.id} className="payment-row" data-testid="payment-row" data-payment-id={p.id} data-student-email={p.studentEmail}>
            <div className="payment-main">
              <div className="payment-top">
                <strong>{formatMoney(p.amountMinor, p.currency)}</strong>
                <span className={`badge ${p.status === 'succeeded' ? 'badge-approved' : p.status === 'refunded' ? 'badge-neutral' : 'badge-pending'}`}>
                  {p.status === 'succeeded' ? 'Paid' : p.status === 'refunded' ? 'Refunded' : 'Partly refunded'}
                </span>
              </div>
              <span className="truncate">{p.studentEmail}</span>
              <span className="muted">
                {what(p)} · {formatWhen(p.paidAt, timeZone, true)} · {p.provider}
              </span>
              {(p.refundedMinor > 0 || p.pendingRefundMinor > 0) && (
                <span className="muted">
                  Refunded {formatMoney(p.refundedMinor, p.currency)}
                  {p.pendingRefundMinor > 0 ? `, ${formatMoney(p.pendingRefundMinor, p.currency)} pending` : ''}
                </span>
              )}
            </div>
            {open === p.id ? (
              <RefundForm payment={p} onClose={() => setOpen(null)} />
            ) : (
              p.refundableMinor > 0 && (
                <Button variant="secondary" className="btn-small payment-refund" onClick={() => setOpen(p.id)} aria-label={`Refund ${formatMoney(p.amountMinor, p.currency)} payment by ${p.studentEmail}`}>
                  Refund
                </Button>
              )
            )}
          </li>
        ))}
      </ul>
      {payments.hasNextPage && (
        <Button variant="secondary" pending={payments.isFetchingNextPage} pendingLabel="Loading…" onClick={() => void payments.fetchNextPage()}>
          More payments
        </Button>
      )}
    </div>
  );
}
