import type { NoticesView, NoticeView } from '@tutorline/contracts';

/** How many unread notices the bell's badge shows before it says "9+". */
export const BADGE_MAX = 9;

/** The badge's text: nothing at 0, "9+" above BADGE_MAX. */
export function badgeText(unread: number): string {
  if (unread <= 0) return '';
  return unread > BADGE_MAX ? `${BADGE_MAX}+` : String(unread);
}

/**
 * A `notification:new` pushed over the socket, folded into the cached list: newest first, counted as unread once.
 * A notice already in the list (a refetch raced the push) changes nothing.
 */
export function withPushedNotice(view: NoticesView | undefined, notice: NoticeView): NoticesView | undefined {
  if (!view) return view;
  if (view.notices.some((n) => n.id === notice.id)) return view;
  return { notices: [notice, ...view.notices], unread: view.unread + (notice.readAt ? 0 : 1) };
}

