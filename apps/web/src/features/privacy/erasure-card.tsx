import { useState } from 'react';
import { Link } from 'react-router';
import { T, useT } from '../../i18n';
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
  const t = useT();
  const state = useErasure(userId);
  const request = useRequestErasure(userId);
  const cancel = useCancelErasure(userId);
  const [confirming, setConfirming] = useState(false);
  const id = `erasure-${userId ?? 'me'}`;
  const pending = state.data?.pending ?? null;
  return (
    <section className="card data-export erasure" data-testid="erasure" aria-labelledby={id}>
      <h2 id={id}>{name ? t('erasure.titleChild', { name }) : t('erasure.title')}</h2>
      <p className="data-export-lead">
        {name ? t('erasure.leadChild', { name }) : t('erasure.lead')}
      </p>
      {state.isPending ? (
        <p className="data-export-status" role="status">
          {t('photos.checking')}
        </p>
      ) : state.isError ? (
        <Alert tone="error">{errorMessage(state.error)}</Alert>
      ) : pending ? (
        <div className="data-export-actions" data-testid="erasure-pending">
          <Alert tone="warning" title={name ? t('erasure.pendingChild', { name }) : t('erasure.pending')}>
            {t('erasure.on', { when: formatDateTime(pending.effectiveAt) })}
          </Alert>
          <Button variant="secondary" pending={cancel.isPending} pendingLabel={t('cancel.pending')} onClick={() => cancel.mutate()} data-testid="erasure-cancel">
            {t('erasure.cancel')}
          </Button>
        </div>
      ) : confirming ? (
        <div className="data-export-actions">
          <p className="data-export-note">{name ? t('erasure.sureChild', { name }) : t('erasure.sure')}</p>
          <div className="erasure-confirm">
            <Button
              variant="danger"
              pending={request.isPending}
              pendingLabel={t('export.asking')}
              onClick={() => request.mutate(undefined, { onSuccess: () => setConfirming(false) })}
              data-testid="erasure-confirm"
            >
              {t('erasure.confirm')}
            </Button>
            <Button variant="ghost" onClick={() => setConfirming(false)}>
              {t('erasure.keep')}
            </Button>
          </div>
        </div>
      ) : (
        <div className="data-export-actions">
          <Button variant="danger" onClick={() => setConfirming(true)} data-testid="erasure-request">
            {name ? t('erasure.requestChild', { name }) : t('erasure.request')}
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
      <T id="erasure.banner" values={{ when: formatDateTime(pending.effectiveAt) }} components={{ 0: <Link to="/settings" /> }} />
    </div>
  );
}
