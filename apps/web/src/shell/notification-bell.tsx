import type { NoticesView } from '@tutorline/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { Link } from 'react-router';
import { NoticeItems, notificationsKey, useMarkNoticesRead, useNotifications } from '../features/scheduling';
import { errorMessage } from '../lib/api';
import { useSocketEvent } from '../lib/socket';
import { useNow } from '../lib/use-now';
import { Button } from '../ui/button';
import { BellIcon } from '../ui/icons';
import { badgeText, withPushedNotice } from './notice-list';
import './header.css';

const SHOWN = 8;

/** The header's bell: unread count (live from `notification:new`), and the latest notices in a panel below the header. */
export function NotificationBell({ lessonsLink }: { lessonsLink: boolean }) {
  const queryClient = useQueryClient();
  const notices = useNotifications();
  const markRead = useMarkNoticesRead();
  const [open, setOpen] = useState(false);
  const now = useNow(60_000);
  const panelId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  useSocketEvent('notification:new', (notice) => {
    queryClient.setQueryData<NoticesView>(notificationsKey, (view) => withPushedNotice(view, notice));
  });

  // Escape or a tap outside closes the panel.
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        buttonRef.current?.focus();
      }
    };
    const onPointer = (e: PointerEvent) => {
      if (rootRef.current && !rootRef.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open]);

  const list = notices.data?.notices ?? [];
  const unread = notices.data?.unread ?? 0;
  const badge = badgeText(unread);
  const newest = list[0];

  return (
    <div className="bell" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className="bell-button"
        data-testid="notification-bell"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={unread > 0 ? `Notifications, ${unread} unread` : 'Notifications'}
        onClick={() => setOpen((o) => !o)}
      >
        <BellIcon />
        {badge && (
          <span className="bell-badge" data-testid="notification-count" aria-hidden="true">
            {badge}
          </span>
        )}
      </button>
      {open && (
        <div className="bell-panel" id={panelId} role="region" aria-label="Notifications" data-testid="notification-panel">
          <div className="bell-panel-head">
            <h2 className="bell-panel-title">Notifications</h2>
            {unread > 0 && newest && (
              <Button variant="ghost" className="btn-small" pending={markRead.isPending} pendingLabel="Marking…" onClick={() => markRead.mutate(newest.id)}>
                Mark all read
              </Button>
            )}
          </div>
          {notices.isPending && <p className="muted">Loading…</p>}
          {notices.isError && <p className="field-error">{errorMessage(notices.error)}</p>}
          {markRead.isError && <p className="field-error">{errorMessage(markRead.error)}</p>}
          {notices.data && list.length === 0 && <p className="muted">Nothing yet. Bookings, changes and reminders appear here.</p>}
          {list.length > 0 && (
            <NoticeItems notices={list} now={now} max={SHOWN} />
          )}
          {lessonsLink && (
            <Link className="bell-all" to="/lessons" onClick={() => setOpen(false)}>
              My lessons and all notifications
            </Link>
          )}
        </div>
      )}
    </div>
  );
}
