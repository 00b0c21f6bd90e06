import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../../../../test/db';

/** Rows of a raw query (the driver-neutral Db type leaves them unknown). */
const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;

/** The ledger's rules live in the database (migration 0009), so they hold whatever code writes to it. */
describeEachBackend('ledger rules in the database', ({ db }) => {
  const run = (q: ReturnType<typeof sql>) => db().database.db.execute(q);
  /** The database's own message (Drizzle wraps it as 'Failed query: …' with the error as its cause). */
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => 'accepted',
      (e: { message: string; cause?: { message: string } }) => e.cause?.message ?? e.message,
    );

  async function setUp() {
    const [a] = rowsOf<{ id: string }>(await run(sql`insert into ledger_accounts (code, kind, currency, created_at) values ('platform_revenue', 'revenue', 'INR', now()) returning id`));
    const [b] = rowsOf<{ id: string }>(await run(sql`insert into ledger_accounts (code, kind, currency, created_at) values ('provider_clearing:fake', 'clearing', 'INR', now()) returning id`));
    const [u] = rowsOf<{ id: string }>(await run(sql`insert into ledger_accounts (code, kind, currency, created_at) values ('provider_clearing:fake', 'clearing', 'USD', now()) returning id`));
    return { revenue: a!.id, clearing: b!.id, clearingUsd: u!.id };
  }

  let accounts: Awaited<ReturnType<typeof setUp>>;
  let balancedTx: string;

  it('accepts a balanced transaction, its entries inserted one by one', async () => {
    accounts = await setUp();
    await db().database.db.transaction(async (tx) => {
      const [t] = rowsOf<{ id: string }>(await tx.execute(sql`insert into ledger_transactions (kind, idempotency_key, description, occurred_at, created_at) values ('payment', 'k1', 'test', now(), now()) returning id`));
      balancedTx = t!.id;
      await tx.execute(sql`insert into ledger_entries (transaction_id, account_id, amount_minor, currency, created_at) values (${balancedTx}, ${accounts.clearing}, 50000, 'INR', now())`);
      await tx.execute(sql`insert into ledger_entries (transaction_id, account_id, amount_minor, currency, created_at) values (${balancedTx}, ${accounts.revenue}, -50000, 'INR', now())`);
    });
    const rows = rowsOf<{ total: number; n: number }>(await run(sql`select sum(amount_minor)::int as total, count(*)::int as n from ledger_entries`));
    expect(rows[0]).toEqual({ total: 0, n: 2 });
  });

  it('refuses, at commit, a transaction that does not sum to zero in a currency, and keeps nothing of it', async () => {
    expect(await refusal(
      db().database.db.transaction(async (tx) => {
        const [t] = rowsOf<{ id: string }>(await tx.execute(sql`insert into ledger_transactions (kind, idempotency_key, description, occurred_at, created_at) values ('payment', 'k2', 'test', now(), now()) returning id`));
        await tx.execute(sql`insert into ledger_entries (transaction_id, account_id, amount_minor, currency, created_at) values (${t!.id}, ${accounts.clearing}, 100, 'INR', now())`);
        await tx.execute(sql`insert into ledger_entries (transaction_id, account_id, amount_minor, currency, created_at) values (${t!.id}, ${accounts.revenue}, -99, 'INR', now())`);
      }),
    )).toMatch(/does not balance/);
    const rows = rowsOf<{ n: number }>(await run(sql`select count(*)::int as n from ledger_transactions where idempotency_key = 'k2'`));
    expect(rows[0]!.n).toBe(0);
  });

  it('refuses an entry whose currency is not its account’s, and zero amounts', async () => {
    const attempt = (amount: number, currency: string, account: string) =>
      db().database.db.transaction(async (tx) => {
        const [t] = rowsOf<{ id: string }>(await tx.execute(sql`insert into ledger_transactions (kind, idempotency_key, description, occurred_at, created_at) values ('x', ${'k-' + currency + amount}, 'test', now(), now()) returning id`));
        await tx.execute(sql`insert into ledger_entries (transaction_id, account_id, amount_minor, currency, created_at) values (${t!.id}, ${account}, ${amount}, ${currency}, now())`);
        await tx.execute(sql`insert into ledger_entries (transaction_id, account_id, amount_minor, currency, created_at) values (${t!.id}, ${account}, ${-amount}, ${currency}, now())`);
      });
    expect(await refusal(attempt(100, 'USD', accounts.clearing))).toMatch(/does not match/);
    expect(await refusal(attempt(0, 'INR', accounts.clearing))).toMatch(/ledger_entries_nonzero/);
  });

  it('refuses UPDATE, DELETE and TRUNCATE of entries and transactions', async () => {
    expect(await refusal(run(sql`update ledger_entries set amount_minor = 1 where transaction_id = ${balancedTx}`))).toMatch(/append-only/);
    expect(await refusal(run(sql`delete from ledger_entries where transaction_id = ${balancedTx}`))).toMatch(/append-only/);
    expect(await refusal(run(sql`update ledger_transactions set description = 'changed'`))).toMatch(/append-only/);
    expect(await refusal(run(sql`delete from ledger_transactions`))).toMatch(/append-only/);
    expect(await refusal(run(sql`truncate ledger_entries cascade`))).toMatch(/append-only/);
    const rows = rowsOf<{ total: number; n: number }>(await run(sql`select sum(amount_minor)::int as total, count(*)::int as n from ledger_entries`));
    expect(rows[0]).toEqual({ total: 0, n: 2 });
  });
});
