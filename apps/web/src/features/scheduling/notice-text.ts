import type { NoticeView } from '@tutorline/contracts';
import { formatDateTime, zoneName } from '../../lib/format';

/**
 * A notice as this reader should see it: the server writes its times in one fixed style (for WhatsApp too) and says
 * which parts of the text they are (data.whenText, data.previousText); the app writes those on the reader's own
 * locale's clock, with the zone by name: "Mon, Dec 7, 5:30 AM (New York time)". Other notices are shown as written.
 */
export function localNoticeText(notice: Pick<NoticeView, 'text' | 'data'>): string {
  const d = notice.data;
  const zone = typeof d.timeZone === 'string' ? d.timeZone : undefined;
  if (!zone) return notice.text;
  let text = notice.text;
  for (const [shown, at] of [
    [d.whenText, d.start],
    [d.previousText, d.previousStart],
  ]) {
    if (typeof shown === 'string' && shown && typeof at === 'string' && text.includes(shown)) {
      text = text.replace(shown, `${formatDateTime(at, { zone })} (${zoneName(zone).label})`);
    }
  }
  return text;
}
