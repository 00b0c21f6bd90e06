import { type PayoutAccount, type PayoutAccountStatus, VPA_PATTERN } from '@tutorline/contracts';
import { type FormEvent, useState } from 'react';
import { ApiError, errorMessage } from '../../lib/api';
import { formErrorsOf } from '../../lib/form-errors';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { TextField } from '../../ui/field';
import { PageError, PageLoading } from '../../ui/page-states';
import { useMyPayoutAccount, useSaveUpiOrBank, useStripeOnboarding } from './payout-account-queries';
import './payout-accounts.css';

const statusWords: Record<PayoutAccountStatus, { label: string; badge: string; help: string }> = {
  active: { label: 'Active', badge: 'badge-approved', help: 'Payouts go here.' },
  pending: { label: 'Being set up', badge: 'badge-pending', help: 'Finish setting it up to be paid.' },
  restricted: { label: 'Needs attention', badge: 'badge-suspended', help: 'The provider needs more from you before it pays you.' },
  failed: { label: 'Refused', badge: 'badge-suspended', help: 'The provider refused this account. Add another one.' },
};

export function PayoutStatusBadge({ status }: { status: PayoutAccountStatus }) {
  return <span className={`badge ${statusWords[status].badge}`}>{statusWords[status].label}</span>;
}

/** A tutor's "where your money goes": the account (masked) and its status, and a form to add or change it. */
export function PayoutAccountSection() {
  const mine = useMyPayoutAccount();
  const [editing, setEditing] = useState(false);
  return (
    <article className="card" aria-labelledby="payout-account-title" data-testid="payout-account">
      <div className="card-head">
        <h2 id="payout-account-title">Where your money goes</h2>
      </div>
      {mine.isPending && <PageLoading label="Loading your payout account…" />}
      {mine.isError &&
        (mine.error instanceof ApiError && mine.error.code === 'not_configured' ? (
          <PayoutsNotSetUp />
        ) : (
          <PageError error={mine.error} onRetry={() => void mine.refetch()} />
        ))}
      {mine.data && (
        <>
          {mine.data.account ? (
            <AccountSummary account={mine.data.account} />
          ) : (
            <Alert tone="warning" title="Add where your money goes" testId="payout-account-missing">
              <p>Payouts are held until you add an account.</p>
            </Alert>
          )}
          {mine.data.provider === 'stripe-connect' ? (
            <StripeSetup account={mine.data.account} />
          ) : editing || !mine.data.account ? (
            <UpiOrBankForm onSaved={() => setEditing(false)} onCancel={mine.data.account ? () => setEditing(false) : undefined} />
          ) : (
            <Button variant="secondary" onClick={() => setEditing(true)}>
              Change account
            </Button>
          )}
        </>
      )}
    </article>
  );
}

/** The server pays nobody yet (PAYOUT_PROVIDER is not set): no form that could not work, just what happens. */
function PayoutsNotSetUp() {
  return (
    <Alert tone="info" title="Payouts are not set up yet" testId="payouts-not-set-up">
      <p>This site cannot send money to tutors yet, so there is nowhere to add your bank account or UPI ID. Your earnings are kept in your balance and will be paid once payouts are set up.</p>
    </Alert>
  );
}

function AccountSummary({ account }: { account: PayoutAccount }) {
  const kind = account.kind === 'vpa' ? 'UPI ID' : account.kind === 'bank_account' ? 'Bank account' : 'Stripe account';
  return (
    <div className="payout-account-summary" data-testid="payout-account-summary" data-status={account.status}>
      <div className="payout-account-line">
        <span className="muted">{kind}</span>
        <strong className="payout-account-display">{account.display}</strong>
        <PayoutStatusBadge status={account.status} />
      </div>
      <p className="muted">{account.statusReason ?? statusWords[account.status].help}</p>
    </div>
  );
}

function StripeSetup({ account }: { account: PayoutAccount | null }) {
  const start = useStripeOnboarding();
  if (account?.status === 'active') return null;
  return (
    <div className="stack">
      {start.isError && (
        <Alert tone="error" title="Stripe could not be reached">
          <p>{errorMessage(start.error)}</p>
        </Alert>
      )}
      <Button pending={start.isPending} pendingLabel="Opening Stripe…" onClick={() => start.mutate(undefined, { onSuccess: (r) => window.location.assign(r.url) })}>
        {account ? 'Continue setting up payouts' : 'Set up payouts'}
      </Button>
    </div>
  );
}

const IFSC = /^[A-Z]{4}0[A-Z0-9]{6}$/;

function UpiOrBankForm({ onSaved, onCancel }: { onSaved: () => void; onCancel?: (() => void) | undefined }) {
  const [kind, setKind] = useState<'vpa' | 'bank_account'>('vpa');
  const [holderName, setHolderName] = useState('');
  const [vpa, setVpa] = useState('');
  const [ifsc, setIfsc] = useState('');
  const [accountNumber, setAccountNumber] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const save = useSaveUpiOrBank();
  const server = formErrorsOf(save.error, ['holderName', 'vpa', 'ifsc', 'accountNumber']);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errors: Record<string, string> = {};
    if (holderName.trim().length < 3) errors.holderName = 'Enter the name on the account';
    if (kind === 'vpa' && !VPA_PATTERN.test(vpa.trim())) errors.vpa = 'Enter a UPI ID like name@bank';
    if (kind === 'bank_account' && !IFSC.test(ifsc.trim().toUpperCase())) errors.ifsc = 'Enter an IFSC code: 4 letters, a zero, then 6 letters or digits';
    if (kind === 'bank_account' && !/^\d{9,18}$/.test(accountNumber.trim())) errors.accountNumber = 'Enter the account number: 9 to 18 digits';
    setLocal(errors);
    if (Object.keys(errors).length) return;
    const body = kind === 'vpa' ? { kind, holderName: holderName.trim(), vpa: vpa.trim() } : { kind, holderName: holderName.trim(), ifsc: ifsc.trim(), accountNumber: accountNumber.trim() };
    save.mutate(body, { onSuccess: onSaved });
  };

  return (
    <form className="form payout-account-form" onSubmit={submit} noValidate aria-label="Add where your money goes">
      <div className="segmented" role="group" aria-label="Paid to">
        <button type="button" className="segment" aria-pressed={kind === 'vpa'} onClick={() => setKind('vpa')}>
          <span className="segment-label">UPI ID</span>
        </button>
        <button type="button" className="segment" aria-pressed={kind === 'bank_account'} onClick={() => setKind('bank_account')}>
          <span className="segment-label">Bank account</span>
        </button>
      </div>
      <TextField label="Name on the account" autoComplete="name" value={holderName} onChange={(e) => setHolderName(e.target.value)} error={local.holderName ?? server.fields.holderName} />
      {kind === 'vpa' ? (
        <TextField label="UPI ID" inputMode="email" autoCapitalize="none" spellCheck={false} placeholder="name@bank" value={vpa} onChange={(e) => setVpa(e.target.value)} error={local.vpa ?? server.fields.vpa} />
      ) : (
        <>
          <TextField label="IFSC code" autoCapitalize="characters" spellCheck={false} placeholder="HDFC0001234" value={ifsc} onChange={(e) => setIfsc(e.target.value)} error={local.ifsc ?? server.fields.ifsc} />
          <TextField label="Account number" inputMode="numeric" autoComplete="off" value={accountNumber} onChange={(e) => setAccountNumber(e.target.value)} error={local.accountNumber ?? server.fields.accountNumber} />
        </>
      )}
      {save.isError && !Object.keys(server.fields).length && (
        <Alert tone="error" title="The account was not saved">
          <p>{server.summary ?? errorMessage(save.error)}</p>
        </Alert>
      )}
      <p className="muted">Only the last digits are kept here; the full details go to our payout provider, RazorpayX.</p>
      <div className="form-actions">
        <Button type="submit" pending={save.isPending} pendingLabel="Saving…">
          Save account
        </Button>
        {onCancel && (
          <Button variant="ghost" onClick={onCancel}>
            Cancel
          </Button>
        )}
      </div>
    </form>
  );
}
