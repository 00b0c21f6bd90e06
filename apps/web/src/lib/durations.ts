/** 42 → "0:42", 605 → "10:05", 3725 → "1:02:05". Negative counts as zero. */
export function formatClock(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = String(s % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** Seconds from `fromIso` to `nowMs`, never negative. */
export function secondsSince(fromIso: string, nowMs: number): number {
  return Math.max(0, Math.floor((nowMs - Date.parse(fromIso)) / 1000));
}

/** Seconds from `nowMs` until `untilIso`, never negative. */
export function secondsUntil(untilIso: string, nowMs: number): number {
  return Math.max(0, Math.ceil((Date.parse(untilIso) - nowMs) / 1000));
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

/** "just now", "5 minutes ago", "2 hours ago", then a date such as "3 Mar 2026, 14:05". */
export function timeAgo(iso: string, nowMs: number): string {
  const seconds = (nowMs - Date.parse(iso)) / 1000;
  if (seconds < 45) return 'just now';
  if (seconds < 3600) return relative.format(-Math.round(seconds / 60), 'minute');
  if (seconds < 86_400) return relative.format(-Math.round(seconds / 3600), 'hour');
  return dateTime.format(new Date(iso));
}

/** A time today as "14:05", any other day with its date. */
export function formatWhen(iso: string, nowMs: number): string {
  const date = new Date(iso);
  return new Date(nowMs).toDateString() === date.toDateString() ? `today at ${timeOnly.format(date)}` : dateTime.format(date);
}
