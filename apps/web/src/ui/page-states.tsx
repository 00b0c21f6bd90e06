import { useT } from '../i18n';
import { errorMessage } from '../lib/api';
import { Alert } from './alert';
import { Button } from './button';

export function PageLoading({ label }: { label?: string }) {
  const t = useT();
  return (
    <div className="page-loading" role="status">
      <span className="spinner spinner-large" aria-hidden="true" />
      <span>{label ?? t('common.loading')}</span>
    </div>
  );
}

export function PageError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const t = useT();
  return (
    <section className="page page-narrow">
      <Alert tone="error" title={t('common.pageFailed')} titleAs="h1">
        <p>{errorMessage(error)}</p>
        {onRetry && (
          <Button variant="secondary" onClick={onRetry}>
            {t('common.tryAgain')}
          </Button>
        )}
      </Alert>
    </section>
  );
}
