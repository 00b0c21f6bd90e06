import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../../test/db';
import { databaseBefore } from '../../../../test/migrations';
import { insertRow, oldQuestion, oldTransaction, oldUser } from '../../../../test/old-rows';
import type { Db } from '../../../platform/db';
import { startOfDayIn } from '../../../platform/time';
import { createLedgerRepo } from '../ledger/ledger.repo';
import { createPayoutsRepo } from '../payouts/payouts.repo';
import { createTutorStatements } from './statement.service';

const zone = 'Asia/Kolkata';
const day = new Date('2026-10-14T12:00:00Z'); // 17:30 in Kolkata
const earlier = new Date('2026-08-03T06:00:00Z');
const evening = new Date('2026-10-14T17:00:00Z'); // 22:30 in Kolkata, the same local day
const dayClock = { now: () => new Date('2026-10-14T18:00:00Z') };

/**
 * Issue #14: tutor earnings come from the ledger only. Migration tutor_earnings_to_ledger posts every tutor_earnings row
 * the ledger lacks as that ledger earning, and the next one drops the table. What a tutor saw must not change: "today"
 * (once read from tutor_earnings, now from the ledger), the week's statement, its CSV and the balance.
 */
for (const backend of backends) {
  describe(`tutor_earnings moves into the ledger, and no figure a tutor saw changes [${backend}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let both: string; // a tutor whose earnings were written to tutor_earnings and the ledger (issue #7 on)
    let orphaned: string; // a tutor with an earning from before the ledger (tutor_earnings only)
    const questions: Record<string, string> = {};
    const before: Record<string, unknown> = {};

    /** What help's /api/help/tutor/today read before #14. */
    const oldToday = async (tutorId: string, at: Date) => {
      const res = (await db.execute(
        sql`select currency, sum(amount_minor)::int as amount_minor, count(*)::int as n from tutor_earnings where tutor_id = ${tutorId} and created_at >= ${startOfDayIn(zone, at)} group by currency order by currency`,
      )) as unknown as { rows: { currency: string; amount_minor: number; n: number }[] };
      return { answered: res.rows.reduce((n, r) => n + Number(r.n), 0), earnings: res.rows.map((r) => ({ currency: r.currency, amountMinor: Number(r.amount_minor) })) };
    };
    const views = async (tutorId: string) => {
      const statements = createTutorStatements({ ledger: createLedgerRepo(db), payouts: createPayoutsRepo(db), clock: dayClock, holdDays: 7, minimums: { INR: 50000 } });
      const week = await statements.statement(tutorId, zone, { from: '2026-10-08', to: '2026-10-14' });
      return { week, csv: statements.statementCsv(week), balance: await statements.tutorBalance(tutorId), year: await statements.statement(tutorId, zone, { from: '2026-01-01', to: '2026-10-14' }) };
    };

    beforeAll(async () => {
      const older = await databaseBefore(backend, '_tutor_earnings_to_ledger');
      db = older.db;
      drop = older.drop;
      const student = await oldUser(db, 'student', earlier);
      both = await oldUser(db, 'tutor', earlier);
      orphaned = await oldUser(db, 'tutor', earlier);
      await db.execute(sql`update users set time_zone = ${zone} where id in (${both}, ${orphaned})`);

      // Issue #7 on: help wrote tutor_earnings beside billing's ledger posting, the same amount, currency and time.
      const answered = async (name: string, tutorId: string, amountMinor: number, currency: string, at: Date, inLedger: boolean) => {
        const questionId = await oldQuestion(db, student, at);
        questions[name] = questionId;
        await insertRow(db, 'tutor_earnings', { id: randomUUID(), tutor_id: tutorId, question_id: questionId, kind: 'instant_question', amount_minor: amountMinor, currency, created_at: at });
        if (inLedger) {
          await oldTransaction(db, { kind: 'earning', key: `earning:question:${questionId}`, description: 'Answered question', at, data: { tutorId } }, [
            ['platform_expense:tutor_earnings', 'expense', null, amountMinor, currency],
            [`tutor_payable:${tutorId}`, 'payable', tutorId, -amountMinor, currency],
          ]);
          await db.execute(sql`alter table ledger_transactions disable trigger ledger_transactions_append_only`);
          await db.execute(sql`update ledger_transactions set question_id = ${questionId} where idempotency_key = ${`earning:question:${questionId}`}`);
          await db.execute(sql`alter table ledger_transactions enable trigger ledger_transactions_append_only`);
        }
      };
      await answered('a', both, 4000, 'INR', day, true);
      await answered('b', both, 4500, 'INR', evening, true);
      await answered('c', both, 150, 'USD', day, true);
      await answered('d', both, 4000, 'INR', earlier, true);
      // Before the ledger existed (or help ran without billing): only tutor_earnings has it.
      await answered('old', orphaned, 3500, 'INR', earlier, false);

      before.todayBoth = await oldToday(both, day);
      before.todayOrphanedThen = await oldToday(orphaned, earlier);
      before.both = await views(both);
      before.orphaned = await views(orphaned);
      await older.finish();
    });
    afterAll(async () => {
      await drop?.();
    });

    it('a tutor whose earnings the ledger already had sees the same today, week, statement lines, CSV and balance', async () => {
      const ledger = createLedgerRepo(db);
      expect(before.todayBoth).toEqual({ answered: 3, earnings: [{ currency: 'INR', amountMinor: 8500 }, { currency: 'USD', amountMinor: 150 }] });
      expect(await ledger.questionEarningsSince(db, both, startOfDayIn(zone, day))).toEqual(before.todayBoth);
      expect(await views(both)).toEqual(before.both);
      // Nothing was posted twice.
      const res = (await db.execute(sql`select count(*)::int as n from ledger_transactions where kind = 'earning'`)) as unknown as { rows: { n: number }[] };
      expect(Number(res.rows[0]!.n)).toBe(5);
    });

    it('an earning only tutor_earnings had becomes its ledger earning, at its own time, linked to its question: that day’s today is unchanged', async () => {
      const ledger = createLedgerRepo(db);
      const res = (await db.execute(sql`select * from ledger_transactions where idempotency_key = ${`earning:question:${questions.old}`}`)) as unknown as { rows: Record<string, unknown>[] };
      const row = res.rows[0]!;
      expect(row).toMatchObject({ kind: 'earning', description: 'Answered question', question_id: questions.old, data: { tutorId: orphaned, migratedFrom: 'tutor_earnings' } });
      expect(new Date(row.occurred_at as string).toISOString()).toBe(earlier.toISOString());
      expect(await ledger.questionEarningsSince(db, orphaned, startOfDayIn(zone, earlier))).toEqual(before.todayOrphanedThen);
      expect(before.todayOrphanedThen).toEqual({ answered: 1, earnings: [{ currency: 'INR', amountMinor: 3500 }] });
      // The week's statement (after it) is as it was; the year's now holds the earning the ledger lacked, owed to the tutor.
      const now = await views(orphaned);
      const was = before.orphaned as typeof now;
      expect(now.week).toEqual({ ...was.week, currencies: [{ currency: 'INR', openingMinor: 3500, closingMinor: 3500, lines: [] }] });
      expect(was.week.currencies).toEqual([]);
      expect(now.year.currencies).toEqual([{ currency: 'INR', openingMinor: 0, closingMinor: 3500, lines: [{ at: earlier.toISOString(), kind: 'earning', description: 'Answered question', amountMinor: 3500, balanceMinor: 3500 }] }]);
      expect(now.balance.balances).toEqual([{ currency: 'INR', payableMinor: 3500, onHoldMinor: 0, inTransitMinor: 0, paidMinor: 0 }]);
    });

    it('tutor_earnings is gone, and the books balance', async () => {
      const table = (await db.execute(sql`select to_regclass('public.tutor_earnings')::text as t`)) as unknown as { rows: { t: string | null }[] };
      expect(table.rows[0]!.t).toBeNull();
      const audit = await createLedgerRepo(db).audit(db);
      expect(audit.unbalanced).toBe(0);
      for (const t of audit.totals) expect(t.total).toBe(0);
    });
  });
}
