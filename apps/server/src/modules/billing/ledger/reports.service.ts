import type { RevenueReport, Statement, TutorBalance } from '@tutorline/contracts';
import type { Clock } from '../../../platform/clock';
import { badRequest } from '../../../platform/errors';
import { addDaysLocal, instantToZoned, zonedToInstant } from '../../../platform/time';
import { accounts, CREDITS, formatMinor } from './ledger.rules';
import type { LedgerRepo } from './ledger.repo';
import { balanceParts, cutoffFor, payableAmount } from '../payouts/payouts.rules';
import type { PayoutsRepo } from '../payouts/payouts.service';

export interface ReportsDeps {
  ledger: LedgerRepo;
  payouts: PayoutsRepo;
  clock: Clock;
  holdDays: number;
  minimums: Record<string, number>;
}

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

export function createReports(deps: ReportsDeps) {
  const { ledger } = deps;

  return {
    /**
     * Per currency, each amount once (payouts.rules.balanceParts): payable now, still on hold (earned within the hold
     * period), in transit, paid out.
     */
    async tutorBalance(tutorId: string): Promise<TutorBalance> {
      const code = accounts.tutorPayable(tutorId).account;
      const cutoff = cutoffFor(deps.clock.now(), deps.holdDays);
      const payables = (await ledger.balancesByOwner(ledger.db, tutorId)).filter((b) => b.account === code);
      const totals = await deps.payouts.paidTotals(deps.payouts.db, tutorId);
      const currencies = [...new Set([...payables.map((p) => p.currency), ...totals.map((t) => t.currency)])].sort();
      const balances = [];
      for (const currency of currencies) {
        const owed = 0 - (payables.find((p) => p.currency === currency)?.total ?? 0) || 0;
        const available = payableAmount(await ledger.payoutSums(ledger.db, code, currency, cutoff));
        const sum = (statuses: string[]) => totals.filter((t) => t.currency === currency && statuses.includes(t.status)).reduce((s, t) => s + t.total, 0);
        balances.push({ currency, ...balanceParts(owed, available), inTransitMinor: sum(['pending', 'in_transit']), paidMinor: sum(['paid']) });
      }
      return { balances, minimumPayoutMinor: deps.minimums, holdDays: deps.holdDays };
    },

    /** The tutor's payable account over a date range: each line with its description and the running balance (owed). */
    async statement(tutorId: string, zone: string, q: { from?: string | undefined; to?: string | undefined }): Promise<Statement> {
      const r = dateRange(q, zone, deps.clock.now());
      const code = accounts.tutorPayable(tutorId).account;
      const rows = await ledger.statement(ledger.db, code, r.from, r.to);
      const known = (await ledger.balancesByOwner(ledger.db, tutorId)).filter((b) => b.account === code).map((b) => b.currency);
      const currencies = [...new Set([...known, ...rows.map((x) => x.currency)])].sort();
      const out: Statement['currencies'] = [];
      for (const currency of currencies) {
        const opening = -(await ledger.balance(ledger.db, code, currency, r.from));
        let running = opening;
        const lines = rows
          .filter((x) => x.currency === currency)
          .map((x) => {
            running += -x.amountMinor;
            return { at: x.occurredAt.toISOString(), kind: x.kind, description: x.description, amountMinor: -x.amountMinor, balanceMinor: running };
          });
        out.push({ currency, openingMinor: opening, closingMinor: running, lines });
      }
      return { from: r.fromDate, to: r.toDate, currencies: out };
    },

    statementCsv(s: Statement): string {
      const rows = s.currencies.flatMap((c) => c.lines.map((l) => [l.at, c.currency, l.kind, l.description, formatMinor(l.amountMinor, c.currency), formatMinor(l.balanceMinor, c.currency)]));
      return toCsv(['date', 'currency', 'kind', 'description', 'amount', 'balance'], rows);
    },

    /**
     * Revenue by UTC month and currency, from the money transactions (payments, refunds, earnings and their reversals;
     * payouts only move what tutors are owed). Each row reconciles, as every transaction balances in its currency:
     * received − refunded = revenue + commission + tutor earnings + deferred, where revenue is what the platform keeps
     * of plans and packs after the tutors' question earnings, commission its share of booked lessons, tutor earnings
     * what tutors earned (questions and lessons, less reversals), and deferred the change in lesson prepayments not yet
     * earned (decision 029).
     */
    async revenue(q: { from?: string | undefined; to?: string | undefined }): Promise<RevenueReport> {
      const r = dateRange(q, 'UTC', deps.clock.now());
      const moneyKinds = new Set(['payment', 'refund', 'earning']);
      const kindOf = (s: { kind: string; reversedKind: string }) => (s.kind === 'reversal' ? s.reversedKind : s.kind);
      const sums = (await ledger.monthlySums(ledger.db, r.from, r.to)).filter((s) => s.currency !== CREDITS && moneyKinds.has(kindOf(s)));
      const keys = [...new Set(sums.map((s) => `${s.month}|${s.currency}`))].sort();
      const rows = keys.map((key) => {
        const [month, currency] = key.split('|') as [string, string];
        const mine = sums.filter((s) => s.month === month && s.currency === currency);
        const total = (pick: (s: (typeof mine)[number]) => boolean) => mine.filter(pick).reduce((n, s) => n + s.total, 0) || 0;
        const lesson = (s: (typeof mine)[number]) => s.purpose === 'booking';
        return {
          month,
          currency,
          receivedMinor: total((s) => s.accountClass === 'provider_clearing' && kindOf(s) === 'payment'),
          refundedMinor: -total((s) => s.accountClass === 'provider_clearing' && kindOf(s) === 'refund') || 0,
          revenueMinor: -total((s) => (s.accountClass === 'platform_revenue' && !lesson(s)) || s.accountClass === 'platform_expense') || 0,
          commissionMinor: -total((s) => s.accountClass === 'platform_revenue' && lesson(s)) || 0,
          tutorEarningsMinor: -total((s) => s.accountClass === 'tutor_payable') || 0,
          deferredMinor: -total((s) => s.accountClass === 'lesson_prepayments') || 0,
        };
      });
      return { from: r.fromDate, to: r.toDate, rows };
    },

    revenueCsv(report: RevenueReport): string {
      return toCsv(
        ['month', 'currency', 'received', 'refunded', 'revenue', 'commission', 'tutor_earnings', 'deferred'],
        report.rows.map((x) => [
          x.month,
          x.currency,
          ...[x.receivedMinor, x.refundedMinor, x.revenueMinor, x.commissionMinor, x.tutorEarningsMinor, x.deferredMinor].map((n) => formatMinor(n, x.currency)),
        ]),
      );
    },
  };
}
export type Reports = ReturnType<typeof createReports>;
