import type { Tx } from '../../../platform/db';
import type { Logger } from '../../../platform/logger';
import type { HelpBilling } from '../../help';
import { type FxTable, questionEarningTerms } from './earnings.rules';
import type { EntitlementsService } from '../entitlements/entitlements.service';
import type { LedgerService } from '../ledger/ledger.service';

/**
 * Tutor earnings in the ledger.
 *
 * - An answered question: the subject's rate in the currency of the payment that paid for the question (help passes
 *   the subject's rates; earnings.rules.ts picks the currency, converting at a configured rate when the subject has no
 *   rate in it, decision 029) is posted in the answer's own transaction as 'earning:question:<id>': debit
 *   platform_expense:tutor_earnings, credit tutor_payable:<tutor>. The student's included question or credit was
 *   revenue when it was paid for; the earning is the platform's cost, in the same currency, so each currency's
 *   revenue report reconciles.
 * - A booked lesson (issue #7: "per completed booked session"): its payment is a prepayment (lesson_prepayments, a
 *   liability). When the lesson is earned (completed, a student no-show, a student's late cancellation; scheduling's
 *   outcome hook, billing.bookings.ts) 'earning:lesson:<bookingId>' moves its price to tutor_payable:<tutor> less the
 *   commission (BILLING_COMMISSION_BPS, recorded with the payment), which becomes platform_revenue. So the payout hold
 *   counts from the lesson, not the payment. A refund returns the unearned prepayment first; beyond it (an admin refund
 *   after the lesson) it reverses the earning in proportion (LedgerPort.refundSettled).
 *
 * Refunds reverse question earnings too ("less reversals when a payment is refunded"). The rule, and why:
 * - An answered question is linked to the payment that paid for it, by its earning's payment link (payment_id,
 *   EntitlementsService.fundingOf): an included question of a subscription to the subscription payment of the period
 *   it was asked in (the newest one made before it was asked); a question paid with a credit to the pack payment the
 *   credit is attributed to (credits are used oldest source first, creditSourceFor in ledger.rules.ts). A refund of
 *   that payment (LedgerPort.refundSettled) reverses the SAME SHARE of each such earning, in the refund's own
 *   transaction: a full refund takes the whole earning back, a partial one its proportion (refundEntries, so a run of
 *   partial refunds adds up to exactly the full reversal).
 * - Why proportional, and not only on a full refund: it is the rule a booked lesson's tutor share already follows,
 *   so every earning has one rule, and no split of a refund into parts (99% then 1%) can keep an earning the whole
 *   refund would reverse. Why reverse at all: the issue asks for it ("less reversals when a payment is refunded"),
 *   the platform does not pay tutors out of money it gave back. A payout already made leaves the payable negative,
 *   netted from the tutor's next earnings.
 * - Not linked (never reversed by a refund): questions paid by demo or goodwill grants, asked while entitlements are
 *   not enforced, or answered after their payment was refunded in full (the earning is then the platform's cost).
 */
export function createHelpBilling(deps: { ledger: LedgerService; entitlements: EntitlementsService; fx: FxTable; logger: Logger }): HelpBilling {
  return {
    consumeForQuestion: (tx, p) => deps.entitlements.consumeForQuestion(tx, p),
    returnForQuestion: (tx, p) => deps.entitlements.returnForQuestion(tx, p),
    async earningForQuestion(tx: Tx, p) {
      const funding = await deps.entitlements.fundingOf(tx, p.questionId);
      const paid = 'paymentId' in funding ? funding : null;
      const terms = questionEarningTerms({ paidIn: paid?.currency ?? null, tutorCurrency: p.tutorCurrency, rates: p.rates, fx: deps.fx });
      if (!terms) return null;
      if (terms.unconverted) {
        deps.logger.warn(
          { event: 'earning_not_converted', questionId: p.questionId, tutorId: p.tutorId, paymentId: paid?.paymentId, wanted: terms.unconverted.wanted, postedIn: terms.currency },
          'no rate or exchange rate for the payment currency: the earning is the platform cost in the rate currency',
        );
      }
      const posted = await deps.ledger.questionEarning(tx, {
        tutorId: p.tutorId,
        questionId: p.questionId,
        amountMinor: terms.amountMinor,
        currency: terms.currency,
        at: p.at,
        fundedByPaymentId: terms.funded ? paid?.paymentId : undefined,
        conversion: terms.conversion,
      });
      return posted ? { amountMinor: terms.amountMinor, currency: terms.currency } : null;
    },
    /** What the tutor's "today" shows: the ledger's question earnings since then, net of what refunds took back. */
    earningsSince: (tutorId, since) => deps.ledger.repo.questionEarningsSince(deps.ledger.repo.db, tutorId, since),
  };
}
