import { errorMessage } from '../lib/api';
import { Alert } from './alert';
import { Button } from './button';

export function PageLoading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="page-loading" role="status">
      <span className="spinner spinner-large" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

export function PageError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <section className="page page-narrow">
      <Alert tone="error" title="We could not load this page" titleAs="h1">
        <p>{errorMessage(error)}</p>
        {onRetry && (
          <Button variant="secondary" onClick={onRetry}>
            Try again
          </Button>
        )}
      </Alert>
    </section>
  );
}
