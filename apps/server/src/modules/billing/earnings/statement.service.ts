import type { Statement, TutorBalance } from '@tutorline/contracts';
import type { Clock } from '../../../platform/clock';
import type { LedgerRepo } from '../ledger/ledger.repo';
import { accounts, formatMinor } from '../ledger/ledger.rules';
import { dateRange, toCsv } from '../ledger/reports';
import type { PayoutsRepo } from '../payouts/payouts.repo';
import { balanceParts, cutoffFor, payableAmount } from '../payouts/payouts.rules';

export interface StatementsDeps {
  ledger: LedgerRepo;
  payouts: PayoutsRepo;
  clock: Clock;
  holdDays: number;
  minimums: Record<string, number>;
}

/** What a tutor sees of their money, all read from their payable account in the ledger: the balance and the statement. */
export function createTutorStatements(deps: StatementsDeps) {
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
        const [sums] = await ledger.payableSums(ledger.db, cutoff, { code, currency });
        const available = payableAmount(sums ?? { beforeCutoff: 0, debitsSince: 0 });
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
        const opening = 0 - (await ledger.balance(ledger.db, code, currency, r.from)) || 0;
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
  };
}
export type TutorStatements = ReturnType<typeof createTutorStatements>;
