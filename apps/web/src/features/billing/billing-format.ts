import type { BillingMe, RevenueReport } from '@tutorline/contracts';
import { currencyDigits, formatDate, formatDateTime, formatMonth } from '../../lib/format';

/** Minor digits of a currency (INR, USD: 2; JPY: 0), from Intl; 2 for an unknown code. */
export function minorDigits(currency: string): number {
  return currencyDigits(currency);
}

/**
 * A price typed in major units ("499", "499.5", "1,299.00") → integer minor units (49900, 49950, 129900), or null when
 * it is not a plain amount or has more decimals than the currency has. Worked on digits, never through floats.
 */
export function majorToMinor(text: string, currency: string): number | null {
  const digits = minorDigits(currency);
  const s = text.trim().replace(/[,\s]/g, '');
  const match = /^(\d+)(?:\.(\d*))?$/.exec(s);
  if (!match) return null;
  const whole = match[1]!;
  const frac = match[2] ?? '';
  if (frac.length > digits) return null;
  const minor = Number(whole) * 10 ** digits + Number(frac.padEnd(digits, '0') || '0');
  return Number.isSafeInteger(minor) ? minor : null;
}

/** Integer minor units → the text an admin edits ("499.00"). */
export function minorToMajorInput(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  if (digits === 0) return `${sign}${abs}`;
  const unit = 10 ** digits;
  return `${sign}${Math.floor(abs / unit)}.${String(abs % unit).padStart(digits, '0')}`;
}

const statusWords: Record<BillingMe['status'], string> = {
  none: 'No plan',
  incomplete: 'Payment not finished',
  trialing: 'Free trial',
  active: 'Active',
  past_due: 'Payment overdue',
  lapsed: 'Lapsed',
  canceled: 'Canceled',
  refunded: 'Refunded',
};
export function statusLabel(status: BillingMe['status']): string {
  return statusWords[status];
}
/** The badge colour of a status: good, warning or off. */
export function statusTone(status: BillingMe['status']): 'good' | 'warn' | 'off' {
  if (status === 'active' || status === 'trialing') return 'good';
  if (status === 'past_due' || status === 'incomplete') return 'warn';
  return 'off';
}

/** The currency to show first: INR for people in India (by time zone), USD otherwise, if the plan is sold in it. */
export function preferredCurrency(timeZone: string | undefined, available: readonly string[]): string {
  const wanted = timeZone === 'Asia/Kolkata' || timeZone === 'Asia/Calcutta' ? 'INR' : 'USD';
  if (available.includes(wanted)) return wanted;
  return available[0] ?? wanted;
}

/** A "YYYY-MM" month as words: "November 2026". */
export function monthLabel(month: string, locale?: string): string {
  return formatMonth(month, { locale });
}

type RevenueRow = RevenueReport['rows'][number];
/** Totals of a revenue report per currency (in the order currencies first appear). */
export function revenueTotals(rows: readonly RevenueRow[]): Omit<RevenueRow, 'month'>[] {
  const byCurrency = new Map<string, Omit<RevenueRow, 'month'>>();
  for (const r of rows) {
    const t = byCurrency.get(r.currency) ?? { currency: r.currency, receivedMinor: 0, refundedMinor: 0, revenueMinor: 0, commissionMinor: 0, tutorEarningsMinor: 0, deferredMinor: 0 };
    t.receivedMinor += r.receivedMinor;
    t.refundedMinor += r.refundedMinor;
    t.revenueMinor += r.revenueMinor;
    t.commissionMinor += r.commissionMinor;
    t.tutorEarningsMinor += r.tutorEarningsMinor;
    t.deferredMinor += r.deferredMinor;
    byCurrency.set(r.currency, t);
  }
  return [...byCurrency.values()];
}

/** A date range ending `today` (YYYY-MM-DD): from the first of the month `monthsBack` months earlier. */
export function rangeEndingOn(today: string, monthsBack: number): { from: string; to: string } {
  const [y, m] = today.split('-').map(Number) as [number, number];
  const first = new Date(Date.UTC(y, m - 1 - monthsBack, 1));
  return { from: first.toISOString().slice(0, 10), to: today };
}

/** A report's URL with its date range (and CSV when asked). */
export function reportPath(base: string, range: { from: string; to: string }, csv = false): string {
  const params = new URLSearchParams({ from: range.from, to: range.to });
  if (csv) params.set('format', 'csv');
  return `${base}?${params.toString()}`;
}

/** Statement line kinds in words. */
export function lineKindLabel(kind: string): string {
  const words: Record<string, string> = { earning: 'Earning', reversal: 'Reversal', payout: 'Payout', payout_failed: 'Payout returned', adjustment: 'Adjustment' };
  return words[kind] ?? kind.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

/** An instant as a date (and time when asked) in the viewer's time zone. */
export function formatWhen(iso: string, timeZone: string, withTime = false): string {
  return withTime ? formatDateTime(iso, { zone: timeZone, year: true }) : formatDate(iso, { zone: timeZone });
}

export const badgeClass = { good: 'badge-approved', warn: 'badge-pending', off: 'badge-neutral' } as const;
