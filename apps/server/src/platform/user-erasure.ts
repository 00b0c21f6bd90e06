import { type SQL, type SQLWrapper, sql } from 'drizzle-orm';

/**
 * Erasure of a user's data (issue #20, decision 077). Each module declares a rule for every table it owns, and gives
 * an eraser behind its index.ts that applies those rules to one user's rows and stored files, reading only its own
 * tables. The privacy module calls the erasers in order after the grace period. Running an eraser twice changes
 * nothing the second time.
 */
export type ErasureRule =
  /** The user's rows are deleted (and their stored files). */
  | { rule: 'erase'; what: string }
  /** The row stays for others (a session happened, a chat line was sent) but what identifies the user is removed. */
  | { rule: 'anonymise'; what: string }
  /** Kept because the law or the books require it; it names the user only by an id whose account holds nothing any more. */
  | { rule: 'keep_pseudonymised'; why: string }
  /** Holds nothing about a person (catalogues, configuration, aggregates). */
  | { rule: 'no_personal_data'; why: string };

/** The rules of one module's tables, by SQL table name. */
export type ErasureRules = Readonly<Record<string, ErasureRule>>;

/** What one eraser removed or changed: counts by table (and `files` for stored files). Never an identifier. */
export type ErasureCounts = Record<string, number>;

export interface UserEraser {
  /** The module whose tables these are (logs). */
  readonly module: string;
  /**
   * `mentions` are the strings that identify the user (email, phone, a display name long enough to be telling), read
   * before the erasure: messages and notices sent to other people about the user (a guardian's about their child) are
   * found by them.
   */
  eraseFor(userId: string, mentions: readonly string[]): Promise<ErasureCounts>;
}

/** Adds counts under `table`, leaving out zeros so the log lists only what changed. */
export function countInto(counts: ErasureCounts, table: string, n: number): ErasureCounts {
  if (n > 0) counts[table] = (counts[table] ?? 0) + n;
  return counts;
}

/** How an erased account is shown to others: chat lines, a session's other party, a review. */
export const DELETED_USER_NAME = 'Deleted user';
/** What an erased user's chat message reads afterwards. */
export const DELETED_MESSAGE_BODY = 'Message from a deleted user';

/** Stored files deleted one by one; a failure stops the eraser (the job retries, and deleting twice is harmless). */
export async function deleteFiles(counts: ErasureCounts, keys: readonly (string | null | undefined)[], remove: (key: string) => Promise<void>): Promise<void> {
  for (const key of keys) {
    if (!key) continue;
    await remove(key);
    countInto(counts, 'files', 1);
  }
}

/** The shortest display name searched for in other people's messages (a shorter one matches what is not about the user). */
export const MIN_MENTION_LENGTH = 4;

/** A SQL condition: `column` (read as text, case-insensitively) contains any of `needles`; false for none. */
export function mentionsAny(column: SQLWrapper, needles: readonly string[]): SQL {
  if (!needles.length) return sql`false`;
  return sql`(${sql.join(
    needles.map((n) => sql`position(${n.toLowerCase()} in lower(${column}::text)) > 0`),
    sql` or `,
  )})`;
}
