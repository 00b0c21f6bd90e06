import { badRequest } from '../../../platform/errors';
import { addDaysLocal, instantToZoned, zonedToInstant } from '../../../platform/time';

/** What every ledger report shares: a calendar range read in a time zone, and CSV written one way. */

/** A calendar range (dates in `zone`, both included) as instants [from, to); by default this month so far. */
export function dateRange(q: { from?: string | undefined; to?: string | undefined }, zone: string, now: Date) {
  const today = instantToZoned(now, zone).date;
  const fromDate = q.from ?? `${today.slice(0, 8)}01`;
  const toDate = q.to ?? today;
  if (fromDate > toDate) throw badRequest('"from" must not be after "to".', [{ path: 'query.from', message: 'after to' }]);
  return { fromDate, toDate, from: zonedToInstant(fromDate, '00:00', zone), to: zonedToInstant(addDaysLocal(toDate, 1), '00:00', zone) };
}

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break; quotes doubled. Leading =,+,-,@ are defused. */
export function csvField(value: string | number): string {
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
export const toCsv = (header: string[], rows: (string | number)[][]) => [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
