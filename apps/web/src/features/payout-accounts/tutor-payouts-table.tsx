import { formatMoney } from '../../lib/format';
import { Alert } from '../../ui/alert';
import { PageError, PageLoading } from '../../ui/page-states';
import { formatWhen } from '../billing';
import { PayoutStatusBadge } from './payout-account-section';
import { useTutorPayoutAccounts } from './payout-account-queries';
import './payout-accounts.css';

/** Finance: each tutor's payout account status and their last payouts (with a failure's reason). */
export function TutorPayoutsTable({ timeZone }: { timeZone: string }) {
  const list = useTutorPayoutAccounts();
  if (list.isPending) return <PageLoading label="Loading payout accounts…" />;
  if (list.isError) return <PageError error={list.error} onRetry={() => void list.refetch()} />;
  const off = list.data.provider === 'none' && (
    <Alert tone="warning" title="Payouts are not configured" testId="payouts-not-configured">
      <p>This server pays no tutor: PAYOUT_PROVIDER is not set (razorpayx or stripe-connect). Tutors' earnings stay in their balances, and each daily payout run skips them, until it is.</p>
    </Alert>
  );
  if (!list.data.tutors.length)
    return (
      <>
        {off}
        <p className="empty">No tutor has a payout account or a payout yet.</p>
      </>
    );
  return (
    <>
      {off}
      <ul className="tutor-payouts" data-testid="tutor-payouts">
        {list.data.tutors.map((t) => (
          <li key={t.tutorId} className="tutor-payout-row" data-tutor-id={t.tutorId}>
            <div className="payout-account-line">
              <strong>{t.tutorName}</strong>
              {t.account ? <PayoutStatusBadge status={t.account.status} /> : <span className="badge badge-neutral">No account</span>}
              {t.account && <span className="muted">{t.account.display}</span>}
            </div>
            {t.lastPayouts.length > 0 && (
              <ul className="tutor-payout-list">
                {t.lastPayouts.map((p) => (
                  <li key={p.id}>
                    {formatMoney(p.amountMinor, p.currency)} · {p.status.replace('_', ' ')} · {formatWhen(p.createdAt, timeZone)}
                    {p.failureReason && <span className="muted"> · {p.failureReason}</span>}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}
