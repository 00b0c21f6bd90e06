import type { LtiStatement } from '@tutorline/contracts';
import { csvField } from './lti.usage.rules';

type Line = LtiStatement['lessons'][number];

/** A statement month: 'YYYY-MM' with a real month, or null. */
export function statementMonth(raw: string): string | null {
  const m = /^(\d{4})-(\d{2})$/.exec(raw);
  return m && Number(m[2]) >= 1 && Number(m[2]) <= 12 ? raw : null;
}

/**
 * One lesson's line: billed (the ledger holds its charge), pending (not settled, not cancelled), or not billed (settled
 * or cancelled without an earning: nothing owed). `amountMinor` is what the school owes for it (0 unless billed).
 */
export function statementLine(
  b: { id: string; startsAt: Date; endsAt: Date; status: string; outcome: string | null; priceMinor: number; currency: string },
  names: { learner: string; tutor: string },
  charge: { amountMinor: number; currency: string } | undefined,
): Line {
  const minutes = Math.max(0, Math.round((b.endsAt.getTime() - b.startsAt.getTime()) / 60_000));
  const base = { bookingId: b.id, learner: names.learner, tutor: names.tutor, start: b.startsAt.toISOString(), minutes, outcome: b.outcome };
  if (charge) return { ...base, status: 'billed', amountMinor: charge.amountMinor, currency: charge.currency };
  const open = b.status === 'confirmed' && b.outcome === null;
  return { ...base, status: open ? 'pending' : 'not_billed', amountMinor: 0, currency: b.currency };
}

/** Per currency, the billed lessons, their minutes and the amount owed, in currency order. */
export function statementTotals(lines: readonly Line[]): LtiStatement['totals'] {
  const by = new Map<string, { currency: string; lessons: number; minutes: number; amountMinor: number }>();
  for (const l of lines) {
    if (l.status !== 'billed') continue;
    const t = by.get(l.currency) ?? { currency: l.currency, lessons: 0, minutes: 0, amountMinor: 0 };
    t.lessons += 1;
    t.minutes += l.minutes;
    t.amountMinor += l.amountMinor;
    by.set(l.currency, t);
  }
  return [...by.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}

const money = (minor: number) => `${minor < 0 ? '-' : ''}${Math.floor(Math.abs(minor) / 100)}.${String(Math.abs(minor) % 100).padStart(2, '0')}`;

/** The statement as CSV: one row per lesson (earliest first), then one total row per currency. */
export function statementCsv(s: LtiStatement): string {
  const header = ['course', 'month', 'start', 'learner', 'tutor', 'minutes', 'status', 'outcome', 'amount', 'currency', 'booking_id'];
  const rows = [...s.lessons]
    .sort((a, b) => a.start.localeCompare(b.start))
    .map((l) => [s.course.title, s.month, l.start, l.learner, l.tutor, l.minutes, l.status, l.outcome ?? '', money(l.amountMinor), l.currency, l.bookingId]);
  const totals = s.totals.map((t) => [s.course.title, s.month, 'total', `${t.lessons} lessons`, '', t.minutes, 'owed', '', money(t.amountMinor), t.currency, '']);
  return `${[header, ...rows, ...totals].map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;
}
