import type { NoticeView } from '@tutorline/contracts';
import { formatRelative } from '../../lib/format';
import { localNoticeText } from './notice-text';
import './lessons.css';

/** In-app notices, newest first, the unread ones marked (for screen readers too): the bell's panel and My lessons. */
export function NoticeItems({ notices, now, max }: { notices: NoticeView[]; now: number; max: number }) {
  return (
    <ul className="notices">
      {notices.slice(0, max).map((n) => (
        <li key={n.id} className={`notice${n.readAt ? '' : ' notice-unread'}`}>
          <span className="notice-text">
            {!n.readAt && <span className="visually-hidden">New: </span>}
            {localNoticeText(n)}
          </span>
          <span className="muted notice-time">{formatRelative(n.createdAt, now)}</span>
        </li>
      ))}
    </ul>
  );
}
