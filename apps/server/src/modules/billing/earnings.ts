import type { Tx } from '../../platform/db';
import type { HelpBilling } from '../help';
import type { EntitlementsService } from './entitlements.service';
import type { LedgerService } from './ledger.service';

/**
 * Tutor earnings in the ledger.
 *
 * - An answered question: the subject's rate (help_subject_rates, in the tutor's currency) is posted in the answer's
 *   own transaction as 'earning:question:<id>': debit platform_expense:tutor_earnings, credit tutor_payable:<tutor>.
 *   The student's included question or credit was revenue when it was paid for; the earning is the platform's cost.
 * - A booked lesson: decided at PAYMENT time. The booking's payment credits tutor_payable:<tutor> with the price less
 *   the commission (BILLING_COMMISSION_BPS) and platform_revenue with the commission (LedgerPort.paymentReceived).
 *   The payout hold period (BILLING_PAYOUT_HOLD_DAYS, counted from the payment) keeps it from being paid out before
 *   the lesson normally happens; a refund (a cancelled lesson, a tutor no-show) reverses the tutor's share in
 *   proportion (LedgerPort.refundSettled), and a reversal after a payout leaves the payable negative, netted from the
 *   tutor's next earnings.
 */
export function createHelpBilling(deps: { ledger: LedgerService; entitlements: EntitlementsService }): HelpBilling {
  return {
    consumeForQuestion: (tx, p) => deps.entitlements.consumeForQuestion(tx, p),
    returnForQuestion: (tx, p) => deps.entitlements.returnForQuestion(tx, p),
    async earningForQuestion(tx: Tx, p) {
      await deps.ledger.questionEarning(tx, p);
    },
  };
}
