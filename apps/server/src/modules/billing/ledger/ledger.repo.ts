import { and, asc, eq, gte, inArray, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '../../../platform/db';
import { ledgerAccounts, ledgerEntries, ledgerTransactions } from '../billing.schema';
import { type AccountKind, accounts, CREDITS } from './ledger.rules';

export type LedgerTransactionRow = typeof ledgerTransactions.$inferSelect;
export interface EntryRow {
  account: string;
  kind: string;
  ownerId: string | null;
  amountMinor: number;
  currency: string;
}

/** The only code that touches ledger_accounts, ledger_transactions and ledger_entries (all append-only). */
export function createLedgerRepo(db: Db) {
  return {
    db,
    /** The account's id, creating it on first use; concurrent first uses create one row. */
    async ensureAccount(tx: Db | Tx, a: { code: string; kind: AccountKind; ownerId?: string | undefined; currency: string; createdAt: Date }): Promise<string> {
      const [inserted] = await tx
        .insert(ledgerAccounts)
        .values({ code: a.code, kind: a.kind, ownerId: a.ownerId ?? null, currency: a.currency, createdAt: a.createdAt })
        .onConflictDoNothing({ target: [ledgerAccounts.code, ledgerAccounts.currency] })
        .returning({ id: ledgerAccounts.id });
      if (inserted) return inserted.id;
      const [row] = await tx.select({ id: ledgerAccounts.id }).from(ledgerAccounts).where(and(eq(ledgerAccounts.code, a.code), eq(ledgerAccounts.currency, a.currency)));
      return row!.id;
    },

    /** Locks an account row (serialises balance checks such as "credits never below zero"). */
    async lockAccount(tx: Tx, accountId: string) {
      await tx.select({ id: ledgerAccounts.id }).from(ledgerAccounts).where(eq(ledgerAccounts.id, accountId)).for('update');
    },

    /** Inserts the transaction unless its idempotency key exists (then null): a repeat, even concurrent, is one row. */
    async insertTransaction(tx: Tx, values: typeof ledgerTransactions.$inferInsert): Promise<LedgerTransactionRow | null> {
      const [row] = await tx.insert(ledgerTransactions).values(values).onConflictDoNothing({ target: ledgerTransactions.idempotencyKey }).returning();
      return row ?? null;
    },

    async insertEntries(tx: Tx, rows: (typeof ledgerEntries.$inferInsert)[]) {
      if (rows.length) await tx.insert(ledgerEntries).values(rows);
    },

    async findByKey(tx: Db | Tx, idempotencyKey: string): Promise<LedgerTransactionRow | undefined> {
      const [row] = await tx.select().from(ledgerTransactions).where(eq(ledgerTransactions.idempotencyKey, idempotencyKey));
      return row;
    },
    async findById(tx: Db | Tx, id: string): Promise<LedgerTransactionRow | undefined> {
      const [row] = await tx.select().from(ledgerTransactions).where(eq(ledgerTransactions.id, id));
      return row;
    },
    async findReversalOf(tx: Db | Tx, id: string): Promise<LedgerTransactionRow | undefined> {
      const [row] = await tx.select().from(ledgerTransactions).where(eq(ledgerTransactions.reversesId, id));
      return row;
    },
    /** A payment's refunds (their transactions), oldest first. */
    async refundsOfPayment(tx: Db | Tx, paymentId: string): Promise<LedgerTransactionRow[]> {
      return tx
        .select()
        .from(ledgerTransactions)
        .where(and(eq(ledgerTransactions.paymentId, paymentId), eq(ledgerTransactions.kind, 'refund')))
        .orderBy(asc(ledgerTransactions.createdAt));
    },
    /**
     * The earnings a payment paid for, oldest first: answered questions' (a pack or plan payment) or booked lessons'
     * (a booking payment; a class seat's earning, which links no booking, counts as a lesson's: issue #15).
     */
    async earningsPaidBy(tx: Db | Tx, paymentId: string, of: 'question' | 'lesson'): Promise<LedgerTransactionRow[]> {
      return tx
        .select()
        .from(ledgerTransactions)
        .where(
          and(
            eq(ledgerTransactions.paymentId, paymentId),
            eq(ledgerTransactions.kind, 'earning'),
            of === 'question' ? isNotNull(ledgerTransactions.questionId) : isNull(ledgerTransactions.questionId),
          ),
        )
        .orderBy(asc(ledgerTransactions.createdAt));
    },

    async entriesOf(tx: Db | Tx, transactionId: string): Promise<EntryRow[]> {
      return tx
        .select({ account: ledgerAccounts.code, kind: ledgerAccounts.kind, ownerId: ledgerAccounts.ownerId, amountMinor: ledgerEntries.amountMinor, currency: ledgerEntries.currency })
        .from(ledgerEntries)
        .innerJoin(ledgerAccounts, eq(ledgerAccounts.id, ledgerEntries.accountId))
        .where(eq(ledgerEntries.transactionId, transactionId))
        .orderBy(asc(ledgerEntries.id));
    },

    /** An account's balance, optionally counting only entries of transactions that occurred before `before`. */
    async balance(tx: Db | Tx, code: string, currency: string, before?: Date): Promise<number> {
      const [row] = await tx
        .select({ total: sql<string | null>`sum(${ledgerEntries.amountMinor})` })
        .from(ledgerEntries)
        .innerJoin(ledgerAccounts, eq(ledgerAccounts.id, ledgerEntries.accountId))
        .innerJoin(ledgerTransactions, eq(ledgerTransactions.id, ledgerEntries.transactionId))
        .where(and(eq(ledgerAccounts.code, code), eq(ledgerAccounts.currency, currency), before ? lt(ledgerTransactions.occurredAt, before) : undefined));
      return Number(row?.total ?? 0);
    },

    /** Balances of every account matching a code prefix, per account and currency. */
    async balancesByPrefix(tx: Db | Tx, prefix: string, before?: Date): Promise<{ account: string; ownerId: string | null; currency: string; total: number }[]> {
      const rows = await tx
        .select({ account: ledgerAccounts.code, ownerId: ledgerAccounts.ownerId, currency: ledgerAccounts.currency, total: sql<string>`sum(${ledgerEntries.amountMinor})` })
        .from(ledgerEntries)
        .innerJoin(ledgerAccounts, eq(ledgerAccounts.id, ledgerEntries.accountId))
        .innerJoin(ledgerTransactions, eq(ledgerTransactions.id, ledgerEntries.transactionId))
        .where(and(sql`${ledgerAccounts.code} like ${prefix + '%'}`, before ? lt(ledgerTransactions.occurredAt, before) : undefined))
        .groupBy(ledgerAccounts.code, ledgerAccounts.ownerId, ledgerAccounts.currency)
        .orderBy(asc(ledgerAccounts.code), asc(ledgerAccounts.currency));
      return rows.map((r) => ({ ...r, total: Number(r.total) }));
    },

    /** Balances of every account a user owns (credits, payable), per account and currency. */
    async balancesByOwner(tx: Db | Tx, ownerId: string): Promise<{ account: string; currency: string; total: number }[]> {
      const rows = await tx
        .select({ account: ledgerAccounts.code, currency: ledgerAccounts.currency, total: sql<string>`sum(${ledgerEntries.amountMinor})` })
        .from(ledgerEntries)
        .innerJoin(ledgerAccounts, eq(ledgerAccounts.id, ledgerEntries.accountId))
        .where(eq(ledgerAccounts.ownerId, ownerId))
        .groupBy(ledgerAccounts.code, ledgerAccounts.currency)
        .orderBy(asc(ledgerAccounts.code), asc(ledgerAccounts.currency));
      return rows.map((r) => ({ ...r, total: Number(r.total) }));
    },

    /** An account's entries in [from, to), oldest first, with their transaction's description. */
    async statement(tx: Db | Tx, code: string, from: Date, to: Date) {
      const rows = await tx
        .select({
          transactionId: ledgerTransactions.id,
          kind: ledgerTransactions.kind,
          description: ledgerTransactions.description,
          occurredAt: ledgerTransactions.occurredAt,
          amountMinor: ledgerEntries.amountMinor,
          currency: ledgerEntries.currency,
        })
        .from(ledgerEntries)
        .innerJoin(ledgerAccounts, eq(ledgerAccounts.id, ledgerEntries.accountId))
        .innerJoin(ledgerTransactions, eq(ledgerTransactions.id, ledgerEntries.transactionId))
        .where(and(eq(ledgerAccounts.code, code), gte(ledgerTransactions.occurredAt, from), lt(ledgerTransactions.occurredAt, to)))
        .orderBy(asc(ledgerTransactions.occurredAt), asc(ledgerEntries.id));
      return rows.map((r) => ({ ...r, amountMinor: Number(r.amountMinor) }));
    },

    /**
     * A tutor's question money since an instant, per currency, from their payable account: answered questions'
     * earnings, and what reversed them (a refund of a plan or pack payment, the only refunds that take back question
     * earnings; a reversal of an earning), by when each was posted; and how many questions earned. What the tutor's
     * "today" shows, so it moves with their balance and statement (#14).
     */
    async questionEarningsSince(tx: Db | Tx, tutorId: string, since: Date): Promise<{ answered: number; earnings: { currency: string; amountMinor: number }[] }> {
      const questionMoney = or(
        and(isNotNull(ledgerTransactions.questionId), inArray(ledgerTransactions.kind, ['earning', 'reversal'])),
        and(eq(ledgerTransactions.kind, 'refund'), isNull(ledgerTransactions.bookingId)),
      );
      const rows = await tx
        .select({
          currency: ledgerEntries.currency,
          total: sql<string>`sum(${ledgerEntries.amountMinor})`,
          answered: sql<string>`count(distinct ${ledgerTransactions.id}) filter (where ${ledgerTransactions.kind} = 'earning')`,
        })
        .from(ledgerEntries)
        .innerJoin(ledgerAccounts, eq(ledgerAccounts.id, ledgerEntries.accountId))
        .innerJoin(ledgerTransactions, eq(ledgerTransactions.id, ledgerEntries.transactionId))
        .where(and(eq(ledgerAccounts.code, accounts.tutorPayable(tutorId).account), gte(ledgerTransactions.occurredAt, since), questionMoney))
        .groupBy(ledgerEntries.currency)
        .orderBy(asc(ledgerEntries.currency));
      return {
        answered: rows.reduce((n, r) => n + Number(r.answered), 0),
        earnings: rows.map((r) => ({ currency: r.currency, amountMinor: 0 - Number(r.total) || 0 })),
      };
    },

    /**
     * Sums in [from, to) by UTC month, transaction kind (and the reversed kind of a reversal), whether it is a booked
     * lesson's money (it links a booking), account class (the code before ':') and currency: the revenue report's raw
     * material.
     */
    async monthlySums(tx: Db | Tx, from: Date, to: Date) {
      const original = alias(ledgerTransactions, 'original');
      const month = sql<string>`to_char(${ledgerTransactions.occurredAt} at time zone 'UTC', 'YYYY-MM')`;
      const accountClass = sql<string>`split_part(${ledgerAccounts.code}, ':', 1)`;
      const lesson = sql<boolean>`${ledgerTransactions.bookingId} is not null`;
      const reversedKind = sql<string>`coalesce(${original.kind}, '')`;
      const rows = await tx
        .select({ month, kind: ledgerTransactions.kind, reversedKind, lesson, accountClass, currency: ledgerEntries.currency, total: sql<string>`sum(${ledgerEntries.amountMinor})` })
        .from(ledgerEntries)
        .innerJoin(ledgerAccounts, eq(ledgerAccounts.id, ledgerEntries.accountId))
        .innerJoin(ledgerTransactions, eq(ledgerTransactions.id, ledgerEntries.transactionId))
        .leftJoin(original, eq(original.id, ledgerTransactions.reversesId))
        .where(and(gte(ledgerTransactions.occurredAt, from), lt(ledgerTransactions.occurredAt, to)))
        .groupBy(month, ledgerTransactions.kind, reversedKind, lesson, accountClass, ledgerEntries.currency);
      return rows.map((r) => ({ ...r, total: Number(r.total) }));
    },

    /**
     * Tutor payables (all, one account, or one tutor's in one currency) with the sums the payout hold needs: every entry
     * of a transaction that occurred before the cutoff, and the debits since (payouts.rules.payableAmount).
     */
    async payableSums(tx: Db | Tx, cutoff: Date, only?: { accountId: string } | { code: string; currency: string }) {
      const rows = await tx
        .select({
          tutorId: ledgerAccounts.ownerId,
          accountId: ledgerAccounts.id,
          currency: ledgerAccounts.currency,
          beforeCutoff: sql<string>`coalesce(sum(${ledgerEntries.amountMinor}) filter (where ${ledgerTransactions.occurredAt} < ${cutoff}), 0)`,
          debitsSince: sql<string>`coalesce(sum(${ledgerEntries.amountMinor}) filter (where ${ledgerTransactions.occurredAt} >= ${cutoff} and ${ledgerEntries.amountMinor} > 0), 0)`,
        })
        .from(ledgerEntries)
        .innerJoin(ledgerAccounts, eq(ledgerAccounts.id, ledgerEntries.accountId))
        .innerJoin(ledgerTransactions, eq(ledgerTransactions.id, ledgerEntries.transactionId))
        .where(
          and(
            eq(ledgerAccounts.kind, 'payable'),
            sql`${ledgerAccounts.code} like 'tutor_payable:%'`,
            only && 'accountId' in only ? eq(ledgerAccounts.id, only.accountId) : undefined,
            only && 'code' in only ? and(eq(ledgerAccounts.code, only.code), eq(ledgerAccounts.currency, only.currency)) : undefined,
          ),
        )
        .groupBy(ledgerAccounts.ownerId, ledgerAccounts.id, ledgerAccounts.currency);
      return rows.map((r) => ({ tutorId: r.tutorId!, accountId: r.accountId, currency: r.currency, beforeCutoff: Number(r.beforeCutoff), debitsSince: Number(r.debitsSince) }));
    },

    /**
     * The student's sources of question credits (pack payments and grants: transactions crediting their credits
     * account), oldest first, each with the credits it granted, those its refunds took back (the refunds' debits of the
     * same account) and those attributed to it by credit uses (funded_by_id) not given back.
     */
    async creditSources(tx: Db | Tx, studentId: string): Promise<{ id: string; paymentId: string | null; granted: number; removed: number; used: number }[]> {
      const res = await tx.execute(sql`
        select t.id, t.payment_id, e.amount_minor as granted,
          coalesce((select -sum(re.amount_minor) from ledger_transactions r join ledger_entries re on re.transaction_id = r.id
                    where t.kind = 'payment' and r.kind = 'refund' and r.payment_id = t.payment_id and re.account_id = a.id), 0)::int as removed,
          (select count(*) from ledger_transactions u
            where u.kind = 'credit_use' and u.funded_by_id = t.id
              and not exists (select 1 from ledger_transactions x where x.reverses_id = u.id))::int as used
        from ledger_accounts a
        join ledger_entries e on e.account_id = a.id and e.amount_minor > 0
        join ledger_transactions t on t.id = e.transaction_id and t.kind in ('payment', 'credit_grant')
        where a.code = ${accounts.studentCredits(studentId).account} and a.currency = ${CREDITS}
        order by t.occurred_at, t.created_at, t.id`);
      const rows = (res as unknown as { rows: { id: string; payment_id: string | null; granted: number | string; removed: number; used: number }[] }).rows;
      return rows.map((r) => ({ id: r.id, paymentId: r.payment_id, granted: Number(r.granted), removed: Number(r.removed), used: Number(r.used) }));
    },

    /** Per currency, the sum of every entry (zero when the books balance) and the count of unbalanced transactions. */
    async audit(tx: Db | Tx) {
      const totals = await tx.select({ currency: ledgerEntries.currency, total: sql<string>`sum(${ledgerEntries.amountMinor})` }).from(ledgerEntries).groupBy(ledgerEntries.currency);
      const unbalanced = await tx.execute(sql`select count(*)::int as n from (select transaction_id from ledger_entries group by transaction_id, currency having sum(amount_minor) <> 0) u`);
      return { totals: totals.map((t) => ({ currency: t.currency, total: Number(t.total) })), unbalanced: Number((unbalanced as unknown as { rows: { n: number }[] }).rows[0]!.n) };
    },
  };
}
export type LedgerRepo = ReturnType<typeof createLedgerRepo>;
