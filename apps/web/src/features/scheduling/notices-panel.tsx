import { errorMessage } from '../../lib/api';
import { timeAgo } from '../../lib/durations';
import { useNow } from '../../lib/use-now';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { useMarkNoticesRead, useNotifications } from './lesson-queries';

/** In-app notices (booked, cancelled, moved, reminders), newest first, with "Mark all read". */
export function NoticesPanel() {
  const notices = useNotifications();
  const markRead = useMarkNoticesRead();
  const now = useNow(60_000);
  const list = notices.data?.notices ?? [];
  const unread = notices.data?.unread ?? 0;
  const newest = list[0];
  return (
    <section className="card" aria-labelledby="notices-title" data-testid="notices">
      <div className="card-head">
        <h2 id="notices-title">
          Notifications{unread > 0 && <span className="count-badge" aria-label={`${unread} unread`}>{unread}</span>}
        </h2>
        {unread > 0 && newest && (
          <Button variant="ghost" className="btn-small" pending={markRead.isPending} onClick={() => markRead.mutate(newest.id)}>
            Mark all read
          </Button>
        )}
      </div>
      {notices.isPending && <p className="muted">Loading…</p>}
      {notices.isError && <Alert tone="error">{errorMessage(notices.error)}</Alert>}
      {notices.data && list.length === 0 && <p className="muted">Nothing new.</p>}
      {list.length > 0 && (
        <ul className="notices">
          {list.slice(0, 20).map((n) => (
            <li key={n.id} className={`notice${n.readAt ? '' : ' notice-unread'}`}>
              <span className="notice-text">
                {!n.readAt && <span className="visually-hidden">New: </span>}
                {n.text}
              </span>
              <span className="muted notice-time">{timeAgo(n.createdAt, now)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
