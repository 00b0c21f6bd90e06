import { useState } from 'react';
import { useT } from '../../i18n';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { bookingErrorText } from './booking-errors';
import { useCreateCalendarFeed } from './lesson-queries';

/** The personal calendar feed address (shown once by the server: making a new one replaces the old), with Copy. */
export function CalendarFeed() {
  const t = useT();
  const create = useCreateCalendarFeed();
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const url = create.data?.url;
  const copy = async () => {
    if (!url) return;
    try {
      await navigator.clipboard.writeText(url);
      setCopied('yes');
    } catch {
      setCopied('no');
    }
  };
  return (
    <section className="card" aria-labelledby="feed-title" data-testid="calendar-feed">
      <div className="card-intro">
        <h2 id="feed-title">{t('booking.feed.title')}</h2>
        <p className="muted">{t('booking.feed.lead')}</p>
      </div>
      {url ? (
        <div className="stack">
          <label className="visually-hidden" htmlFor="feed-url">
            {t('booking.feed.address')}
          </label>
          <input id="feed-url" className="input" readOnly value={url} onFocus={(e) => e.target.select()} />
          <div className="form-actions">
            <Button onClick={() => void copy()}>{t('booking.feed.copy')}</Button>
            <span className="form-status" role="status">
              {copied === 'yes' ? t('booking.feed.copied') : copied === 'no' ? t('booking.feed.notCopied') : ''}
            </span>
          </div>
          <p className="muted">{t('booking.feed.private')}</p>
        </div>
      ) : (
        <Button variant="secondary" pending={create.isPending} pendingLabel={t('booking.feed.making')} onClick={() => create.mutate()}>
          {t('booking.feed.get')}
        </Button>
      )}
      {create.error && <Alert tone="error">{bookingErrorText(create.error)}</Alert>}
    </section>
  );
}
