import { useT } from '../../i18n';
import { useNow } from '../../lib/use-now';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { bookingErrorText } from './booking-errors';
import { useMarkNoticesRead, useNotifications } from './lesson-queries';
import { NoticeItems } from './notice-items';
import './lessons.css';

/** In-app notices (booked, cancelled, moved, reminders), newest first, with "Mark all read". */
export function NoticesPanel() {
  const t = useT();
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
          {t('booking.notices.title')}
          {unread > 0 && (
            <span className="count-badge" aria-label={t('booking.notices.unread', { count: unread })}>
              {unread}
            </span>
          )}
        </h2>
        {unread > 0 && newest && (
          <Button variant="ghost" className="btn-small" pending={markRead.isPending} onClick={() => markRead.mutate(newest.id)}>
            {t('booking.notices.markRead')}
          </Button>
        )}
      </div>
      {notices.isPending && <p className="muted">{t('booking.loading')}</p>}
      {notices.isError && <Alert tone="error">{bookingErrorText(notices.error)}</Alert>}
      {notices.data && list.length === 0 && <p className="muted">{t('booking.notices.none')}</p>}
      {list.length > 0 && (
        <NoticeItems notices={list} now={now} max={20} />
      )}
    </section>
  );
}
