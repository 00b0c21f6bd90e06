import { useState } from 'react';
import { errorMessage } from '../../lib/api';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { useCreateCalendarFeed } from './lesson-queries';

/** The personal calendar feed address (shown once by the server: making a new one replaces the old), with Copy. */
export function CalendarFeed() {
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
        <h2 id="feed-title">Calendar feed</h2>
        <p className="muted">Subscribe in Google Calendar, Apple Calendar or Outlook to see every lesson there, kept up to date.</p>
      </div>
      {url ? (
        <div className="stack">
          <label className="visually-hidden" htmlFor="feed-url">
            Calendar feed address
          </label>
          <input id="feed-url" className="input" readOnly value={url} onFocus={(e) => e.target.select()} />
          <div className="form-actions">
            <Button onClick={() => void copy()}>Copy address</Button>
            <span className="form-status" role="status">
              {copied === 'yes' ? 'Copied.' : copied === 'no' ? 'Could not copy: select the address and copy it.' : ''}
            </span>
          </div>
          <p className="muted">Keep it private: anyone with this address can see your lessons. Making a new one stops the old one.</p>
        </div>
      ) : (
        <Button variant="secondary" pending={create.isPending} pendingLabel="Making your address…" onClick={() => create.mutate()}>
          Get my calendar address
        </Button>
      )}
      {create.error && <Alert tone="error">{errorMessage(create.error)}</Alert>}
    </section>
  );
}
