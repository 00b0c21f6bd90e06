import { type ReportCategory, severeReportCategories } from '@tutorline/contracts';

/** Pure safety decisions (#20): no I/O, the time and the counts are passed in. */

/** Masked attempts by one sender that flag them to ops: this many in one session, or this many in a day. */
export const REPEAT_IN_SESSION = 3;
export const REPEAT_IN_DAY = 5;
export const DAY_MS = 24 * 60 * 60_000;
/** A minor's booked call still running this long after its booked end alerts ops. */
export const LONG_CALL_GRACE_MS = 30 * 60_000;

/** Which repeat threshold (if any) this attempt just reached; counts include it. Reached once, so flagged once. */
export function repeatReached(counts: { inSession: number; sinceTime: number }): 'session' | 'day' | null {
  if (counts.inSession === REPEAT_IN_SESSION) return 'session';
  if (counts.sinceTime === REPEAT_IN_DAY) return 'day';
  return null;
}

export const isSevere = (category: ReportCategory): boolean => severeReportCategories.includes(category);

const categoryWords = (c: string): string => ({ phone: 'phone numbers', email: 'email addresses', social: 'social media handles', payment: 'payment handles', link: 'links' })[c] ?? c;

/** What the sender reads when contact details were masked (they reach the student as •••). */
export function maskWarning(categories: readonly string[]): string {
  const what = categories.map(categoryWords);
  return `Contact details (${what.join(', ')}) can't be shared with students under 18, so they were hidden. Keep lessons and payments on Tutorline; repeated attempts are reviewed by our safety team.`;
}

/** What the writer reads when the board's text has contact details in a session with a minor (the board is not masked). */
export function boardWarning(categories: readonly string[]): string {
  return `Contact details (${categories.map(categoryWords).join(', ')}) aren't allowed on the board with students under 18. Please remove them: this was recorded, and repeated attempts are reviewed by our safety team.`;
}

/** A tutor's bio with contact details is refused; the message names what was found, never the value. */
export function bioRefusal(categories: readonly string[]): string {
  return `Your profile can't include contact details: we found ${categories.map(categoryWords).join(', ')}. Students, most of them under 18, read it; lessons and payments stay on Tutorline. Remove them and save again.`;
}

export const REVIEW_NOTICE = 'For safety, sessions with students under 18 may be reviewed by Tutorline.';

/** An instant-help call has no booked length: this is its expected length (so it is flagged after an hour). */
export const INSTANT_EXPECTED_MS = 30 * 60_000;

/** When an open call is too long to go unreviewed: its booked end (or its start plus the expected length) plus the grace. */
export function longCallAt(session: { startedAt: Date; bookedEnd: Date | null }): Date {
  const end = session.bookedEnd ?? new Date(session.startedAt.getTime() + INSTANT_EXPECTED_MS);
  return new Date(end.getTime() + LONG_CALL_GRACE_MS);
}
