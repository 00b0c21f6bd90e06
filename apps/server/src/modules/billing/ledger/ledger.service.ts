import type { Clock } from '../../../platform/clock';
import type { Db, Tx } from '../../../platform/db';
import { conflict, notFound } from '../../../platform/errors';
import type { Logger } from '../../../platform/logger';
import type { LedgerPort, PaymentReceived, RefundSettled } from '../billing.ports';
import { bookingById, classSeat } from '../billing.reads';
import type { LedgerRepo, LedgerTransactionRow } from './ledger.repo';
import {
  accounts,
  checkBalanced,
  creditsToRemove,
  creditSourceFor,
  creditUseEntries,
  CREDITS,
  type EntrySpec,
  lessonEarningEntries,
  lessonEarningsToReverse,
  negated,
  paymentEntries,
  type PostSpec,
  questionEarningEntries,
  refundEntries,
} from './ledger.rules';

export interface LedgerDeps {
  repo: LedgerRepo;
  /** When a row is recorded (created_at); when the money moved is each posting's own occurredAt. */
  clock: Clock;
  logger: Logger;
  /** The platform's commission on booked lessons, in basis points (2000 = 20%). */
  commissionBps: number;
}

export interface Posted {
  transactionId: string;
  created: boolean;
}

export function createLedgerService(deps: LedgerDeps) {
  const { repo, logger } = deps;

  /** Posts a balanced transaction once per idempotency key: a repeat (even a concurrent one) returns the first, created:false. */
  async function post(tx: Tx, spec: PostSpec): Promise<Posted & { transaction: LedgerTransactionRow }> {
    checkBalanced(spec.entries);
    const createdAt = deps.clock.now();
    const row = await repo.insertTransaction(tx, {
      createdAt,
      kind: spec.kind,
      idempotencyKey: spec.idempotencyKey,
      description: spec.description,
      occurredAt: spec.occurredAt,
      reversesId: spec.reversesId ?? null,
      paymentId: spec.links?.paymentId ?? null,
      bookingId: spec.links?.bookingId ?? null,
      questionId: spec.links?.questionId ?? null,
      refundId: spec.links?.refundId ?? null,
      fundedById: spec.links?.fundedById ?? null,
      data: spec.data ?? {},
      ...(spec.conversion
        ? { fxFromCurrency: spec.conversion.fromCurrency, fxFromAmountMinor: spec.conversion.fromAmountMinor, fxRate: spec.conversion.rate, fxSource: spec.conversion.source }
        : {}),
    });
    if (!row) {
      const first = (await repo.findByKey(tx, spec.idempotencyKey))!;
      return { transactionId: first.id, created: false, transaction: first };
    }
    const ids = new Map<string, string>();
    for (const e of spec.entries) {
      const key = `${e.account}|${e.currency}`;
      if (!ids.has(key)) ids.set(key, await repo.ensureAccount(tx, { code: e.account, kind: e.kind, ownerId: e.ownerId, currency: e.currency, createdAt }));
    }
    await repo.insertEntries(
      tx,
      spec.entries.map((e) => ({ transactionId: row.id, accountId: ids.get(`${e.account}|${e.currency}`)!, amountMinor: e.amountMinor, currency: e.currency, createdAt })),
    );
    logger.info({ event: 'ledger_posted', transactionId: row.id, kind: spec.kind, idempotencyKey: spec.idempotencyKey }, 'ledger transaction posted');
    return { transactionId: row.id, created: true, transaction: row };
  }

  const asSpecs = (rows: Awaited<ReturnType<LedgerRepo['entriesOf']>>): EntrySpec[] =>
    rows.map((r) => ({ account: r.account, kind: r.kind as EntrySpec['kind'], ownerId: r.ownerId ?? undefined, amountMinor: r.amountMinor, currency: r.currency }));

  /** Posts the negated entries of a transaction; a transaction is reversed at most once (a repeat returns the reversal). */
  async function reverse(tx: Tx, transactionId: string, reason: string, occurredAt: Date): Promise<Posted> {
    const original = await repo.findById(tx, transactionId);
    if (!original) throw notFound('That ledger transaction');
    if (original.reversesId) throw conflict('A reversal cannot itself be reversed; post a new transaction instead.');
    const existing = await repo.findReversalOf(tx, transactionId);
    if (existing) return { transactionId: existing.id, created: false };
    const entries = negated(asSpecs(await repo.entriesOf(tx, transactionId)));
    const posted = await post(tx, {
      kind: 'reversal',
      idempotencyKey: `reversal:${transactionId}`,
      description: `Reversal of "${original.description}": ${reason}`,
      occurredAt,
      reversesId: transactionId,
      entries,
      links: { paymentId: original.paymentId, bookingId: original.bookingId, questionId: original.questionId, refundId: original.refundId, fundedById: original.fundedById },
      data: { ...original.data, reversedKind: original.kind, reason },
    });
    return { transactionId: posted.transactionId, created: posted.created };
  }

  /** The student's question credits (never below zero). */
  const creditBalance = (tx: Db | Tx, studentId: string) => repo.balance(tx, accounts.studentCredits(studentId).account, CREDITS);

  /** Serialises a booking payment's earnings and refunds (the unearned prepayment is read, then posted against). */
  async function lockPrepayments(tx: Tx, currency: string) {
    await repo.lockAccount(tx, await repo.ensureAccount(tx, { code: accounts.lessonPrepayments.account, kind: accounts.lessonPrepayments.kind, currency, createdAt: deps.clock.now() }));
  }

  /**
   * A booking payment's lesson earnings (oldest first, each with what refunds already reversed of it) and what is left
   * unearned: the payment, less its refunds, less its earnings, plus the earnings refunds reversed.
   */
  async function lessonPaymentState(tx: Tx, paymentId: string, paymentMinor: number) {
    const refunds = await repo.refundsOfPayment(tx, paymentId);
    const refunded = refunds.reduce((s, t) => s + Number((t.data as { amountMinor: number }).amountMinor), 0);
    const reversedOf = new Map<string, number>();
    for (const t of refunds) {
      for (const x of (t.data as { lessonEarningsReversed?: { transactionId: string; amountMinor: number }[] }).lessonEarningsReversed ?? []) {
        reversedOf.set(x.transactionId, (reversedOf.get(x.transactionId) ?? 0) + x.amountMinor);
      }
    }
    const earnings = (await repo.earningsPaidBy(tx, paymentId, 'lesson')).map((t) => {
      const d = t.data as { tutorId: string; amountMinor: number };
      return { id: t.id, bookingId: t.bookingId!, tutorId: d.tutorId, amountMinor: Number(d.amountMinor), reversedMinor: reversedOf.get(t.id) ?? 0 };
    });
    const net = earnings.reduce((s, e) => s + e.amountMinor - e.reversedMinor, 0);
    return { earnings, unearnedMinor: paymentMinor - refunded - net };
  }

  /** A prepaid lesson or class seat earned: its price moves from lesson prepayments to the tutor, less the commission kept with the payment. */
  async function prepaidEarning(
    tx: Tx,
    e: { key: string; paymentId: string; priceMinor: number; at: Date; about: Record<string, string>; description: string; links: { bookingId?: string }; data: Record<string, unknown> },
  ): Promise<Posted | null> {
    const key = e.key;
    const payment = await repo.findByKey(tx, `payment:${e.paymentId}`);
    const data = payment?.data as { deferred?: boolean; commissionBps?: number; tutorId?: string; amountMinor: number; currency: string } | undefined;
    if (!payment || !data?.deferred || !data.tutorId) return null;
    await lockPrepayments(tx, data.currency);
    // After the lock: a concurrent first earning of this booking has committed by now, and is returned as the repeat.
    const repeat = await repo.findByKey(tx, key);
    if (repeat) return { transactionId: repeat.id, created: false };
    const state = await lessonPaymentState(tx, e.paymentId, Number(data.amountMinor));
    const amountMinor = Math.min(e.priceMinor, state.unearnedMinor);
    if (amountMinor <= 0) {
      logger.warn({ event: 'lesson_earning_skipped', ...e.about, paymentId: e.paymentId, reason: 'nothing_unearned' }, 'nothing of the lesson payment is left to earn');
      return null;
    }
    const posted = await post(tx, {
      kind: 'earning',
      idempotencyKey: key,
      description: e.description,
      occurredAt: e.at,
      entries: lessonEarningEntries(data.tutorId, amountMinor, data.currency, Number(data.commissionBps ?? 0)),
      links: { ...e.links, paymentId: e.paymentId },
      data: { ...e.data, tutorId: data.tutorId, amountMinor, currency: data.currency },
    });
    logger.info({ event: 'lesson_earning_recognised', ...e.about, paymentId: e.paymentId, tutorId: data.tutorId, amountMinor, currency: data.currency, transactionId: posted.transactionId }, 'booked lesson earned');
    return { transactionId: posted.transactionId, created: posted.created };
  }

  const port: LedgerPort = {
    async paymentReceived(tx: Tx, p: PaymentReceived) {
      const deferred = p.purpose === 'booking' || p.purpose === 'class';
      const tutorId =
        p.purpose === 'booking' && p.bookingId ? (await bookingById(tx, p.bookingId))?.tutorId : p.purpose === 'class' && p.classEnrolmentId ? (await classSeat(tx, p.classEnrolmentId))?.tutorId : undefined;
      if (deferred && !tutorId) throw notFound(p.purpose === 'booking' ? 'The booking this payment is for' : 'The class seat this payment is for');
      const entries = paymentEntries({ ...p, tutorId, commissionBps: deps.commissionBps });
      const what = p.purpose === 'booking' ? 'booked lesson' : p.purpose === 'class' ? 'class seat' : p.purpose === 'credit_pack' ? `pack of ${p.credits ?? 0} questions` : p.purpose === 'consent' ? 'guardian consent check' : 'subscription';
      const posted = await post(tx, {
        kind: 'payment',
        idempotencyKey: `payment:${p.paymentId}`,
        description: `Payment for a ${what} (${p.provider})`,
        occurredAt: p.at,
        entries,
        links: { paymentId: p.paymentId, bookingId: p.purpose === 'booking' ? p.bookingId : null },
        // A booking payment is a prepayment (lesson_prepayments); `deferred` and the commission in force are kept for
        // the lesson's earning (lessonEarning). Booking payments posted before deferral credited the tutor at once.
        data: {
          studentId: p.studentId,
          purpose: p.purpose,
          amountMinor: p.amountMinor,
          currency: p.currency,
          credits: p.credits ?? 0,
          tutorId,
          planId: p.planId,
          ...(p.purpose === 'class' ? { classEnrolmentId: p.classEnrolmentId } : {}),
          ...(deferred ? { deferred: true, commissionBps: deps.commissionBps } : {}),
        },
      });
      return { transactionId: posted.transactionId, created: posted.created };
    },

    /**
     * Reverses the refunded share of the payment's money entries (a booked lesson's: its prepayment) and the same
     * share of every question earning the payment funded (the earnings linked to it: payment_id, see earnings.service.ts). Question credits
     * granted by a pack are taken back in the same share, but only those the student still holds: credits already
     * used stay used (the student got the answers) and the shortfall is logged as refund_credits_already_used.
     * A booking payment's refund beyond what is still unearned (an admin refund after the lesson) also reverses that much
     * of its lesson earnings (tutor payable and commission back), so lesson_prepayments never goes below zero.
     */
    async refundSettled(tx: Tx, r: RefundSettled) {
      const key = `refund:${r.refundId}`;
      const repeat = await repo.findByKey(tx, key);
      if (repeat) return { transactionId: repeat.id, created: false };
      const payment = await repo.findByKey(tx, `payment:${r.paymentId}`);
      if (!payment) throw notFound('The ledger transaction of the refunded payment');
      const data = payment.data as { studentId: string; amountMinor: number; currency: string; credits: number };
      if (r.currency !== data.currency) throw conflict(`The refund's currency ${r.currency} is not the payment's ${data.currency}.`);
      const before = (await repo.refundsOfPayment(tx, r.paymentId)).reduce((s, t) => s + Number((t.data as { amountMinor: number }).amountMinor), 0);
      const money = refundEntries(asSpecs(await repo.entriesOf(tx, payment.id)), data.amountMinor, before, r.amountMinor);
      const entries: EntrySpec[] = [...money];
      let credits = { remove: 0, alreadyUsed: 0 };
      if (data.credits > 0) {
        const creditsAccount = await repo.ensureAccount(tx, { code: accounts.studentCredits(data.studentId).account, kind: 'credits', ownerId: data.studentId, currency: CREDITS, createdAt: deps.clock.now() });
        await repo.lockAccount(tx, creditsAccount);
        credits = creditsToRemove(data.credits, data.amountMinor, before, r.amountMinor, await creditBalance(tx, data.studentId));
        if (credits.remove > 0) {
          entries.push({ ...accounts.studentCredits(data.studentId), amountMinor: -credits.remove, currency: CREDITS });
          entries.push({ ...accounts.creditsIssued, amountMinor: credits.remove, currency: CREDITS });
        }
        if (credits.alreadyUsed > 0) {
          logger.warn({ event: 'refund_credits_already_used', refundId: r.refundId, paymentId: r.paymentId, studentId: data.studentId, alreadyUsed: credits.alreadyUsed }, 'refunded credits were already used');
        }
      }
      // Tutor earnings of the questions this payment paid for (earnings.ts): the same share is taken back.
      const earnings: { transactionId: string; tutorId: string; questionId: string }[] = [];
      for (const earning of await repo.earningsPaidBy(tx, r.paymentId, 'question')) {
        const back = refundEntries(asSpecs(await repo.entriesOf(tx, earning.id)), data.amountMinor, before, r.amountMinor);
        if (!back.length) continue;
        entries.push(...back);
        const e = { tutorId: (earning.data as { tutorId: string }).tutorId, questionId: earning.questionId! };
        earnings.push({ transactionId: earning.id, tutorId: e.tutorId, questionId: e.questionId });
        logger.info({ event: 'earning_reversed_by_refund', refundId: r.refundId, paymentId: r.paymentId, tutorId: e.tutorId, questionId: e.questionId, earningTransactionId: earning.id }, 'tutor earning reversed by a refund');
      }
      // A booked lesson's earnings (lessonEarning): only what the refund takes beyond the unearned prepayment reverses them.
      const lessonEarnings: { transactionId: string; bookingId: string; tutorId: string; amountMinor: number }[] = [];
      if ((payment.data as { deferred?: boolean }).deferred) {
        await lockPrepayments(tx, data.currency);
        const state = await lessonPaymentState(tx, r.paymentId, data.amountMinor);
        for (const { earning, amountMinor } of lessonEarningsToReverse(state.earnings, state.unearnedMinor - r.amountMinor)) {
          entries.push(...refundEntries(asSpecs(await repo.entriesOf(tx, earning.id)), earning.amountMinor, earning.reversedMinor, amountMinor));
          lessonEarnings.push({ transactionId: earning.id, bookingId: earning.bookingId, tutorId: earning.tutorId, amountMinor });
          logger.info(
            { event: 'lesson_earning_reversed_by_refund', refundId: r.refundId, paymentId: r.paymentId, bookingId: earning.bookingId, tutorId: earning.tutorId, earningTransactionId: earning.id, amountMinor },
            'booked lesson earning reversed by a refund',
          );
        }
      }
      const full = before === 0 && r.amountMinor === data.amountMinor;
      const posted = await post(tx, {
        kind: 'refund',
        idempotencyKey: key,
        description: full ? 'Refund of the full payment' : `Partial refund (${r.amountMinor} of ${data.amountMinor} ${r.currency})`,
        occurredAt: r.at,
        // A full refund is the payment's reversal (its money entries negated); a payment is reversed at most once.
        reversesId: full ? payment.id : undefined,
        entries,
        // The refund of a booked lesson's payment is that lesson's money too (the revenue report tells lessons by it).
        links: { paymentId: r.paymentId, refundId: r.refundId, bookingId: payment.bookingId },
        data: { purpose: (payment.data as { purpose?: string }).purpose, amountMinor: r.amountMinor, currency: r.currency, creditsRemoved: credits.remove, creditsAlreadyUsed: credits.alreadyUsed, earningsReversed: earnings, lessonEarningsReversed: lessonEarnings },
      });
      return { transactionId: posted.transactionId, created: posted.created };
    },
  };

  return {
    repo,
    post,
    reverse,
    port,
    creditBalance,

    /** Uses one question credit for a question, in the caller's transaction; false (nothing posted) when none is left. */
    async useCredit(tx: Tx, studentId: string, questionId: string, at: Date): Promise<boolean> {
      const accountId = await repo.ensureAccount(tx, { code: accounts.studentCredits(studentId).account, kind: 'credits', ownerId: studentId, currency: CREDITS, createdAt: deps.clock.now() });
      await repo.lockAccount(tx, accountId);
      if ((await creditBalance(tx, studentId)) < 1) return false;
      // Credits are used oldest source first (FIFO): the pack payment (or grant) a used credit came from is kept, so a
      // refund of that pack reverses the earning of the question it paid for (earnings.ts).
      const source = creditSourceFor(await repo.creditSources(tx, studentId));
      await post(tx, {
        kind: 'credit_use',
        idempotencyKey: `credit:question:${questionId}`,
        description: 'One question credit used',
        occurredAt: at,
        entries: creditUseEntries(studentId),
        links: { questionId, fundedById: source?.id, paymentId: source?.paymentId },
        data: { studentId },
      });
      return true;
    },

    /** Gives back the credit a question used (it was cancelled or expired unanswered); false when it used none. */
    async returnCredit(tx: Tx, questionId: string, at: Date): Promise<boolean> {
      const used = await repo.findByKey(tx, `credit:question:${questionId}`);
      if (!used) return false;
      return (await reverse(tx, used.id, 'the question was not answered', at)).created;
    },

    /** Grants credits outside a payment (demo seed, support goodwill), once per key. */
    async grantCredits(tx: Tx, studentId: string, credits: number, key: string, description: string, at: Date) {
      return post(tx, {
        kind: 'credit_grant',
        idempotencyKey: key,
        description,
        occurredAt: at,
        entries: [
          { ...accounts.studentCredits(studentId), amountMinor: credits, currency: CREDITS },
          { ...accounts.creditsIssued, amountMinor: -credits, currency: CREDITS },
        ],
        data: { studentId, credits },
      });
    },

    /**
     * A booked lesson earned (issue #7: completed, a student no-show, a student's late cancellation), posted once per
     * booking as 'earning:lesson:<bookingId>' in the outcome's transaction: the lesson's price (a series' week: its own
     * price) moves from lesson_prepayments to the tutor's payable, less the commission recorded with the payment, which
     * becomes revenue. Never more than the payment has left unearned (a refund before the lesson leaves less, or none).
     * Null when nothing is posted: a payment from before deferral (it credited the tutor at once) or nothing left.
     */
    lessonEarning: (tx: Tx, e: { bookingId: string; paidBookingId: string; paymentId: string; priceMinor: number; at: Date }) =>
      prepaidEarning(tx, { key: `earning:lesson:${e.bookingId}`, paymentId: e.paymentId, priceMinor: e.priceMinor, at: e.at, about: { bookingId: e.bookingId }, description: 'Booked lesson', links: { bookingId: e.bookingId }, data: { purpose: 'booking', paidBookingId: e.paidBookingId } }),

    /** A group class's paid seat earned (the class was taught): as a lesson's, once per seat, 'earning:class:<enrolmentId>'. */
    classSeatEarning: (tx: Tx, e: { enrolmentId: string; classId: string; paymentId: string; priceMinor: number; at: Date }) =>
      prepaidEarning(tx, { key: `earning:class:${e.enrolmentId}`, paymentId: e.paymentId, priceMinor: e.priceMinor, at: e.at, about: { classId: e.classId, enrolmentId: e.enrolmentId }, description: 'Group class seat', links: {}, data: { purpose: 'class', classId: e.classId, classEnrolmentId: e.enrolmentId } }),


    /**
     * A tutor's earning for an answered question, posted once per question, in the currency of the payment that paid
     * for it (earnings.rules.ts). fundedByPaymentId (see earnings.service.ts) is the transaction's payment link: a refund of
     * that payment reverses its share. A converted amount keeps its conversion in the transaction's fx_* columns.
     */
    async questionEarning(
      tx: Tx,
      e: { tutorId: string; questionId: string; amountMinor: number; currency: string; at: Date; fundedByPaymentId?: string | undefined; conversion?: PostSpec['conversion'] },
    ) {
      if (e.amountMinor <= 0) return null;
      return post(tx, {
        kind: 'earning',
        idempotencyKey: `earning:question:${e.questionId}`,
        description: 'Answered question',
        occurredAt: e.at,
        entries: questionEarningEntries(e.tutorId, e.amountMinor, e.currency),
        links: { questionId: e.questionId, paymentId: e.fundedByPaymentId },
        data: { tutorId: e.tutorId },
        conversion: e.conversion,
      });
    },
  };
}
export type LedgerService = ReturnType<typeof createLedgerService>;
