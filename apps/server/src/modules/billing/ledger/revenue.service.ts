import type { RevenueReport } from '@tutorline/contracts';
import type { Clock } from '../../../platform/clock';
import type { LedgerRepo } from './ledger.repo';
import { CREDITS, formatMinor } from './ledger.rules';
import { dateRange, toCsv } from './reports';

/** Admins' revenue report, read from the ledger's money transactions. */
export function createRevenueReport(deps: { ledger: LedgerRepo; clock: Clock }) {
  const { ledger } = deps;
  return {
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
        const lesson = (s: (typeof mine)[number]) => s.lesson;
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
export type RevenueReportService = ReturnType<typeof createRevenueReport>;
