import { useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { useCancelErasure, useErasure, useRequestErasure } from './use-erasure';
import './privacy.css';

/**
 * "Delete account" in settings (#20): asking starts 14 days in which it can be cancelled here; the date it takes
 * effect is shown. A guardian sees one for each child.
 */
export function ErasureCard({ userId = null, name = null }: { userId?: string | null; name?: string | null }) {
  const state = useErasure(userId);
  const request = useRequestErasure(userId);
  const cancel = useCancelErasure(userId);
  const [confirming, setConfirming] = useState(false);
  const id = `erasure-${userId ?? 'me'}`;
  const whose = name ? `${name}'s` : 'your';
  const pending = state.data?.pending ?? null;
  return (
    <section className="card data-export erasure" data-testid="erasure" aria-labelledby={id}>
      <h2 id={id}>{name ? `Delete ${name}'s account` : 'Delete my account'}</h2>
      <p className="data-export-lead">
        Deleting removes {whose} profile, questions and photos, chat, recordings and messages for good. Payment records are kept, without a name, because the law
        requires it. You have 14 days to change your mind.
      </p>
      {state.isPending ? (
        <p className="data-export-status" role="status">
          Checking…
        </p>
      ) : state.isError ? (
        <Alert tone="error">{errorMessage(state.error)}</Alert>
      ) : pending ? (
        <div className="data-export-actions" data-testid="erasure-pending">
          <Alert tone="warning" title={name ? `${name}'s account will be deleted` : 'Your account will be deleted'}>
            On {formatDateTime(pending.effectiveAt)}. Until then you can cancel, and nothing is lost.
          </Alert>
          <Button variant="secondary" pending={cancel.isPending} pendingLabel="Cancelling…" onClick={() => cancel.mutate()} data-testid="erasure-cancel">
            Cancel the deletion
          </Button>
        </div>
      ) : confirming ? (
        <div className="data-export-actions">
          <p className="data-export-note">Are you sure? {name ? `${name}'s` : 'Your'} account will be deleted 14 days from now.</p>
          <div className="erasure-confirm">
            <Button
              variant="danger"
              pending={request.isPending}
              pendingLabel="Asking…"
              onClick={() => request.mutate(undefined, { onSuccess: () => setConfirming(false) })}
              data-testid="erasure-confirm"
            >
              Yes, delete in 14 days
            </Button>
            <Button variant="ghost" onClick={() => setConfirming(false)}>
              Keep the account
            </Button>
          </div>
        </div>
      ) : (
        <div className="data-export-actions">
          <Button variant="danger" onClick={() => setConfirming(true)} data-testid="erasure-request">
            {name ? `Delete ${name}'s account…` : 'Delete my account…'}
          </Button>
        </div>
      )}
      {(request.isError || cancel.isError) && <Alert tone="error">{errorMessage(request.error ?? cancel.error)}</Alert>}
    </section>
  );
}

/** Shown under the header on every page while the logged-in user's account is due to be deleted. */
export function ErasurePendingBanner() {
  const state = useErasure(null);
  const pending = state.data?.pending;
  if (!pending) return null;
  return (
    <div className="erasure-banner" role="alert" data-testid="erasure-banner">
      Your account will be deleted on {formatDateTime(pending.effectiveAt)}. <Link to="/settings">Cancel in Settings</Link> if you want to keep it.
    </div>
  );
}
