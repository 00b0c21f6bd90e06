import { desc, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { users } from './identity.schema';

/** An account as support looks it up (#18): who, how to reach them, since when. */
export interface SupportAccount {
  id: string;
  role: string;
  displayName: string;
  email: string;
  phone: string | null;
  createdAt: Date;
  disabled: boolean;
}

const columns = { id: users.id, role: users.role, displayName: users.displayName, email: users.email, phone: users.phone, createdAt: users.createdAt, disabled: users.disabled };
const literal = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Accounts whose name or email contains the text, or whose phone number contains its digits (5 or more, whatever the
 * spaces, dashes or "+" were typed as); newest first.
 */
export async function findAccountsForSupport(q: Db | Tx, text: string, limit: number): Promise<SupportAccount[]> {
  const digits = text.replace(/\D/g, '');
  const byPhone = digits.length >= 5 ? sql` or regexp_replace(coalesce(${users.phone}, ''), '[^0-9]', '', 'g') like ${`%${digits}%`}` : sql``;
  return q
    .select(columns)
    .from(users)
    .where(sql`(lower(${users.displayName}) like ${literal(text)} or lower(${users.email}) like ${literal(text)}${byPhone})`)
    .orderBy(desc(users.createdAt))
    .limit(limit);
}

/** These accounts, for support (ids that name none are left out). */
export async function accountsForSupport(q: Db | Tx, ids: readonly string[]): Promise<SupportAccount[]> {
  const wanted = [...new Set(ids)].filter((s) => /^[0-9a-f-]{36}$/i.test(s));
  if (!wanted.length) return [];
  return q.select(columns).from(users).where(sql`${users.id} = any(${sql.param(wanted)}::uuid[])`);
}
