import type { Tx } from '../../platform/db';
import type { Fail, Result } from '../../platform/result';

/** No plan or credits: billing's next step for the student (`message`), and its facts for the 403's details. */
export type PaymentNeeded = Fail<'payment_required', { message: string; details: unknown }>;

/**
 * What billing does inside help's transactions (issue #7): asking uses an included question or a credit (or refuses
 * with the next step), a question closed unanswered gives it back, an answer posts the tutor's earning to the ledger.
 */
export interface HelpBilling {
  consumeForQuestion(tx: Tx, p: { studentId: string; timeZone: string; questionId: string; at: Date }): Promise<Result<void, PaymentNeeded>>;
  /** Whether something was given back (nothing when entitlements are off, or it was already given back). */
  returnForQuestion(tx: Tx, p: { studentId: string; questionId: string; askedAt: Date; at: Date }): Promise<boolean>;
  /** Posts the tutor's earning, in the currency of the money that paid for the question; null when nothing is earned. */
  earningForQuestion(
    tx: Tx,
    p: { tutorId: string; questionId: string; tutorCurrency: string; rates: { currency: string; amountMinor: number }[]; at: Date },
  ): Promise<{ amountMinor: number; currency: string } | null>;
  /** The tutor's question earnings since an instant, from the ledger (net of refunds' reversals), and how many questions earned. */
  earningsSince(tutorId: string, since: Date): Promise<{ answered: number; earnings: { currency: string; amountMinor: number }[] }>;
}
