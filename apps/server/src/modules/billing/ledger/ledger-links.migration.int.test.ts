import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../../test/db';
import { databaseBefore } from '../../../../test/migrations';
import { oldBooking, oldPayment, oldQuestion, oldRefund, oldTransaction, oldUser } from '../../../../test/old-rows';
import { schema } from '../../../../test/schema';
import type { Db } from '../../../platform/db';
import { createLedgerRepo } from './ledger.repo';

const at = new Date('2026-10-05T10:00:00Z');
const Q = 'QST';

/**
 * Issue #14: the payment, booking, question and refund a ledger transaction belongs to (and the source a used credit
 * counts against) were keys of its JSON `data`; migration ledger_links_backfill fills the new columns from them on
 * rows written before, although the ledger refuses UPDATE (0009), and removes the keys it moved.
 */
for (const backend of backends) {
  describe(`ledger links: rows written before get their columns [${backend}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    const ids: Record<string, string> = {};
    const tx = async (key: string) => (await db.select().from(schema.ledgerTransactions).where(eq(schema.ledgerTransactions.idempotencyKey, key)))[0]!;

    beforeAll(async () => {
      const older = await databaseBefore(backend, '_ledger_links');
      db = older.db;
      drop = older.drop;
      const student = await oldUser(db, 'student', at);
      const tutor = await oldUser(db, 'tutor', at);
      Object.assign(ids, { student, tutor });
      ids.q1 = await oldQuestion(db, student, at);
      ids.q2 = await oldQuestion(db, student, at);
      ids.pack = await oldPayment(db, student, 30000, at);
      ids.refund1 = await oldRefund(db, ids.pack, 10000, at);
      ids.booking = await oldBooking(db, tutor, student, 50000, at);
      ids.lesson = await oldPayment(db, student, 50000, at);
      ids.refund2 = await oldRefund(db, ids.lesson, 50000, at);

      // A pack of 5 credits, two uses (the second given back), an answered question's earning, a partial refund.
      ids.packTx = await oldTransaction(db, { kind: 'payment', key: `payment:${ids.pack}`, at, data: { paymentId: ids.pack, studentId: student, purpose: 'credit_pack', amountMinor: 30000, currency: 'INR', credits: 5 } }, [
        ['provider_clearing:fake', 'clearing', null, 30000, 'INR'],
        ['platform_revenue', 'revenue', null, -30000, 'INR'],
        [`student_credits:${student}`, 'credits', student, 5, Q],
        ['credits_issued', 'credits', null, -5, Q],
      ]);
      const use = (questionId: string) =>
        oldTransaction(db, { kind: 'credit_use', key: `credit:question:${questionId}`, at, data: { studentId: student, questionId, fundedBy: ids.packTx, fundedByPaymentId: ids.pack } }, [
          [`student_credits:${student}`, 'credits', student, -1, Q],
          ['credits_redeemed', 'credits', null, 1, Q],
        ]);
      ids.use1 = await use(ids.q1);
      ids.use2 = await use(ids.q2);
      await oldTransaction(db, { kind: 'reversal', key: `reversal:${ids.use2}`, at, reversesId: ids.use2, data: { studentId: student, questionId: ids.q2, fundedBy: ids.packTx, fundedByPaymentId: ids.pack, reversedKind: 'credit_use', reason: 'the question was not answered' } }, [
        [`student_credits:${student}`, 'credits', student, 1, Q],
        ['credits_redeemed', 'credits', null, -1, Q],
      ]);
      ids.earning = await oldTransaction(db, { kind: 'earning', key: `earning:question:${ids.q1}`, at, data: { tutorId: tutor, questionId: ids.q1, fundedByPaymentId: ids.pack } }, [
        ['platform_expense:tutor_earnings', 'expense', null, 4000, 'INR'],
        [`tutor_payable:${tutor}`, 'payable', tutor, -4000, 'INR'],
      ]);
      await oldTransaction(
        db,
        {
          kind: 'refund',
          key: `refund:${ids.refund1}`,
          at,
          data: { paymentId: ids.pack, refundId: ids.refund1, purpose: 'credit_pack', amountMinor: 10000, currency: 'INR', creditsRemoved: 1, creditsAlreadyUsed: 1, earningsReversed: [{ transactionId: ids.earning, tutorId: tutor, questionId: ids.q1 }] },
        },
        [
          ['provider_clearing:fake', 'clearing', null, -10000, 'INR'],
          ['platform_revenue', 'revenue', null, 10000, 'INR'],
          [`student_credits:${student}`, 'credits', student, -1, Q],
          ['credits_issued', 'credits', null, 1, Q],
        ],
      );
      // A booked lesson: its payment, its earning, a full refund (which names no booking in its data).
      await oldTransaction(db, { kind: 'payment', key: `payment:${ids.lesson}`, at, data: { paymentId: ids.lesson, studentId: student, purpose: 'booking', amountMinor: 50000, currency: 'INR', credits: 0, bookingId: ids.booking, tutorId: tutor, deferred: true, commissionBps: 2000 } }, [
        ['provider_clearing:fake', 'clearing', null, 50000, 'INR'],
        ['lesson_prepayments', 'payable', null, -50000, 'INR'],
      ]);
      await oldTransaction(db, { kind: 'earning', key: `earning:lesson:${ids.booking}`, at, data: { purpose: 'booking', bookingId: ids.booking, paidBookingId: ids.booking, lessonPaymentId: ids.lesson, tutorId: tutor, amountMinor: 50000, currency: 'INR' } }, [
        ['lesson_prepayments', 'payable', null, 50000, 'INR'],
        [`tutor_payable:${tutor}`, 'payable', tutor, -40000, 'INR'],
        ['platform_revenue', 'revenue', null, -10000, 'INR'],
      ]);
      await oldTransaction(db, { kind: 'refund', key: `refund:${ids.refund2}`, at, data: { paymentId: ids.lesson, refundId: ids.refund2, purpose: 'booking', amountMinor: 50000, currency: 'INR' } }, [
        ['provider_clearing:fake', 'clearing', null, -50000, 'INR'],
        [`tutor_payable:${tutor}`, 'payable', tutor, 40000, 'INR'],
        ['platform_revenue', 'revenue', null, 10000, 'INR'],
      ]);
      // A key naming a row that does not exist, and a payout (no link at all).
      ids.ghost = '00000000-0000-4000-8000-000000000001';
      await oldTransaction(db, { kind: 'earning', key: `earning:question:${ids.ghost}`, at, data: { tutorId: tutor, questionId: ids.ghost } }, [
        ['platform_expense:tutor_earnings', 'expense', null, 100, 'INR'],
        [`tutor_payable:${tutor}`, 'payable', tutor, -100, 'INR'],
      ]);
      await oldTransaction(db, { kind: 'payout', key: 'payout:old', at, data: { payoutId: 'old', tutorId: tutor } }, [
        [`tutor_payable:${tutor}`, 'payable', tutor, 100, 'INR'],
        ['payouts_in_transit', 'transit', null, -100, 'INR'],
      ]);
      await older.finish();
    });
    afterAll(async () => {
      await drop?.();
    });

    it('fills payment, booking, question, refund and funding links from data, and keeps only free-form keys there', async () => {
      expect(await tx(`payment:${ids.pack}`)).toMatchObject({ paymentId: ids.pack, bookingId: null, questionId: null, refundId: null, data: { studentId: ids.student, purpose: 'credit_pack', credits: 5 } });
      expect((await tx(`payment:${ids.pack}`)).data).not.toHaveProperty('paymentId');
      expect(await tx(`credit:question:${ids.q1}`)).toMatchObject({ questionId: ids.q1, paymentId: ids.pack, fundedById: ids.packTx, data: { studentId: ids.student } });
      expect((await tx(`credit:question:${ids.q1}`)).data).toEqual({ studentId: ids.student });
      expect(await tx(`reversal:${ids.use2}`)).toMatchObject({ questionId: ids.q2, paymentId: ids.pack, fundedById: ids.packTx, data: { reversedKind: 'credit_use', reason: 'the question was not answered' } });
      expect(await tx(`earning:question:${ids.q1}`)).toMatchObject({ questionId: ids.q1, paymentId: ids.pack, bookingId: null });
      expect((await tx(`earning:question:${ids.q1}`)).data).toEqual({ tutorId: ids.tutor });
      expect(await tx(`refund:${ids.refund1}`)).toMatchObject({ paymentId: ids.pack, refundId: ids.refund1, bookingId: null, data: { purpose: 'credit_pack', earningsReversed: [{ transactionId: ids.earning, questionId: ids.q1 }] } });
      expect((await tx(`refund:${ids.refund1}`)).data).not.toHaveProperty('refundId');
      expect(await tx(`payment:${ids.lesson}`)).toMatchObject({ paymentId: ids.lesson, bookingId: ids.booking, data: { deferred: true, commissionBps: 2000, tutorId: ids.tutor } });
      expect(await tx(`earning:lesson:${ids.booking}`)).toMatchObject({ paymentId: ids.lesson, bookingId: ids.booking, questionId: null, data: { paidBookingId: ids.booking, purpose: 'booking' } });
      expect((await tx(`earning:lesson:${ids.booking}`)).data).not.toHaveProperty('lessonPaymentId');
      // The refund of the lesson's payment belongs to its booking too.
      expect(await tx(`refund:${ids.refund2}`)).toMatchObject({ paymentId: ids.lesson, refundId: ids.refund2, bookingId: ids.booking });
      // A key naming nothing stays where it was; a payout links nothing.
      expect(await tx(`earning:question:${ids.ghost}`)).toMatchObject({ questionId: null, data: { questionId: ids.ghost } });
      expect(await tx('payout:old')).toMatchObject({ paymentId: null, bookingId: null, questionId: null, refundId: null, fundedById: null, data: { payoutId: 'old' } });
    });

    it('the code reads the old rows through their links: credit sources, a payment’s refunds, earnings it paid for, lesson money', async () => {
      const repo = createLedgerRepo(db);
      // 5 granted, 1 taken back by the refund, 1 used (the other use was given back).
      expect(await repo.creditSources(db, ids.student!)).toEqual([{ id: ids.packTx, paymentId: ids.pack, granted: 5, removed: 1, used: 1 }]);
      expect((await repo.refundsOfPayment(db, ids.pack!)).map((t) => t.refundId)).toEqual([ids.refund1]);
      expect((await repo.earningsPaidBy(db, ids.pack!, 'question')).map((t) => t.questionId)).toEqual([ids.q1]);
      expect((await repo.earningsPaidBy(db, ids.lesson!, 'lesson')).map((t) => t.bookingId)).toEqual([ids.booking]);
      const sums = await repo.monthlySums(db, new Date('2026-10-01T00:00:00Z'), new Date('2026-11-01T00:00:00Z'));
      const commission = sums.filter((s) => s.accountClass === 'platform_revenue' && s.lesson).reduce((n, s) => n + s.total, 0);
      expect(commission).toBe(0); // earned 10000, refunded 10000
      expect(sums.filter((s) => s.kind === 'refund' && s.lesson && s.accountClass === 'provider_clearing').map((s) => s.total)).toEqual([-50000]);
      expect(sums.filter((s) => s.kind === 'reversal').every((s) => s.reversedKind === 'credit_use')).toBe(true);
    });

    it('the ledger is append-only again after the migration', async () => {
      await expect(db.execute(sql`update ledger_transactions set description = 'x' where idempotency_key = ${`payment:${ids.pack}`}`)).rejects.toThrow();
      expect((await tx(`payment:${ids.pack}`)).description).toBe('payment');
    });
  });
}
