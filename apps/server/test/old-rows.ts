import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../src/platform/db';

/**
 * Rows written the way an older schema had them, by plain SQL (the tables' current definitions may name columns that
 * do not exist yet): for migration tests (test/migrations.ts databaseBefore).
 */
export async function insertRow(db: Db | Tx, table: string, row: Record<string, unknown>): Promise<void> {
  const cols = Object.keys(row);
  const values = cols.map((c) => {
    const v = row[c];
    return v !== null && typeof v === 'object' && !(v instanceof Date) && !Array.isArray(v) ? sql`${JSON.stringify(v)}::jsonb` : sql`${v}`;
  });
  await db.execute(sql`insert into ${sql.identifier(table)} (${sql.join(cols.map((c) => sql.identifier(c)), sql`, `)}) values (${sql.join(values, sql`, `)})`);
}

export async function oldUser(db: Db, role: 'student' | 'tutor', at: Date): Promise<string> {
  const id = randomUUID();
  await insertRow(db, 'users', { id, role, email: `${role}-${id.slice(0, 8)}@example.test`, password_hash: 'x', display_name: role, created_at: at, password_changed_at: at });
  return id;
}

export async function oldQuestion(db: Db, studentId: string, at: Date): Promise<string> {
  await db.execute(sql`insert into subjects (id, name, levels) values ('old-rows', 'Old rows', array['any']) on conflict do nothing`);
  const id = randomUUID();
  await insertRow(db, 'questions', { id, student_id: studentId, request_id: randomUUID(), subject_id: 'old-rows', level: 'any', status: 'answered', created_at: at, expires_at: new Date(at.getTime() + 3_600_000) });
  return id;
}

export async function oldPayment(db: Db, studentId: string, amountMinor: number, at: Date, currency = 'INR'): Promise<string> {
  const id = randomUUID();
  await insertRow(db, 'payments', { id, provider: 'fake', provider_payment_id: `pay_${id}`, student_id: studentId, amount_minor: amountMinor, currency, status: 'succeeded', paid_at: at });
  return id;
}

export async function oldRefund(db: Db, paymentId: string, amountMinor: number, at: Date, currency = 'INR'): Promise<string> {
  const id = randomUUID();
  await insertRow(db, 'refunds', { id, payment_id: paymentId, provider: 'fake', amount_minor: amountMinor, currency, status: 'succeeded', idempotency_key: randomUUID(), created_at: at, settled_at: at });
  return id;
}

export async function oldBooking(db: Db, tutorId: string, studentId: string, priceMinor: number, at: Date): Promise<string> {
  const id = randomUUID();
  await insertRow(db, 'bookings', { id, tutor_id: tutorId, student_id: studentId, starts_at: at, ends_at: new Date(at.getTime() + 3_600_000), status: 'confirmed', idempotency_key: randomUUID(), created_at: at, price_minor: priceMinor, currency: 'INR', confirmed_at: at });
  return id;
}

/** A ledger account by (code, currency), created on first use: its id. */
export async function oldAccount(db: Db | Tx, code: string, kind: string, currency: string, at: Date, ownerId: string | null = null): Promise<string> {
  await db.execute(sql`insert into ledger_accounts (code, kind, owner_id, currency, created_at) values (${code}, ${kind}, ${ownerId}, ${currency}, ${at}) on conflict do nothing`);
  const res = (await db.execute(sql`select id from ledger_accounts where code = ${code} and currency = ${currency}`)) as unknown as { rows: { id: string }[] };
  return res.rows[0]!.id;
}

/**
 * A ledger transaction as older code posted it (its links only in `data`), with its entries: each
 * [account code, kind, owner, amount, currency].
 */
export async function oldTransaction(
  db: Db,
  t: { kind: string; key: string; description?: string; at: Date; data: Record<string, unknown>; reversesId?: string },
  entries: [code: string, kind: string, ownerId: string | null, amountMinor: number, currency: string][] = [],
): Promise<string> {
  const id = randomUUID();
  // One transaction: the entries' balance is checked at commit (0009).
  await db.transaction(async (tx) => {
    await insertRow(tx, 'ledger_transactions', {
      id,
      kind: t.kind,
      idempotency_key: t.key,
      description: t.description ?? t.kind,
      reverses_id: t.reversesId ?? null,
      occurred_at: t.at,
      created_at: t.at,
      data: t.data,
    });
    for (const [code, kind, ownerId, amountMinor, currency] of entries) {
      const accountId = await oldAccount(tx, code, kind, currency, t.at, ownerId);
      await insertRow(tx, 'ledger_entries', { transaction_id: id, account_id: accountId, amount_minor: amountMinor, currency, created_at: t.at });
    }
  });
  return id;
}
