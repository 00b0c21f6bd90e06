import type { Clock } from '../../../platform/clock';
import type { Db, Tx } from '../../../platform/db';
import type { Logger } from '../../../platform/logger';
import { definePort } from '../../../platform/ports';
import { createLedgerRepo } from '../ledger/ledger.repo';
import { schoolLessonEntries } from '../ledger/ledger.rules';
import { createLedgerService } from '../ledger/ledger.service';

/** Who pays for a lesson a school's course allowance covered (decision 068): the course, and its LMS registration. */
export interface SchoolPayer {
  courseId: string;
  registrationId: string;
}

/**
 * Billing asks here, inside a booking outcome's transaction, whether a confirmed, priced lesson with no payment was
 * paid for by a school (issue #16, decision 075). lti answers from its own draws; billing never reads lti's tables.
 */
export interface SchoolPaidLessons {
  payerOf(tx: Tx, bookingId: string): Promise<SchoolPayer | null>;
}
export const SCHOOL_PAID_LESSONS = definePort<SchoolPaidLessons>('billing.schoolPaidLessons', 'the lti module (tutorline-lti)');
/** Without lti no lesson is school-paid. */
export const noSchoolPaidLessons: SchoolPaidLessons = { payerOf: async () => null };

/** What the school was billed for one lesson: the whole price (the tutor's share plus the commission). */
export interface SchoolCharge {
  bookingId: string;
  courseId: string;
  amountMinor: number;
  tutorMinor: number;
  currency: string;
  at: Date;
}

export type SchoolEarningData = { purpose: 'school'; courseId: string; tutorId: string; amountMinor: number; tutorMinor: number; currency: string };

/**
 * A school-paid lesson earned (completed, a student no-show, a student's late cancellation: the same rule as a paid
 * lesson's, bookings.rules lessonEarned): once per booking, under the same key a paid lesson's earning uses
 * ('earning:lesson:<bookingId>'), so a lesson is never earned twice whoever paid. The school's course receivable is
 * debited the price; the tutor's payable and the platform's commission are credited as for a paid lesson.
 */
export function createSchoolLessonEarnings(o: { db: Db; clock: Clock; logger: Logger; commissionBps: number }) {
  const ledger = createLedgerService({ repo: createLedgerRepo(o.db), clock: o.clock, logger: o.logger, commissionBps: o.commissionBps });
  return async (tx: Tx, e: { bookingId: string; tutorId: string; payer: SchoolPayer; priceMinor: number; currency: string; outcome: string; at: Date }) => {
    const entries = schoolLessonEntries(e.payer.courseId, e.tutorId, e.priceMinor, e.currency, o.commissionBps);
    const tutorMinor = -(entries.find((x) => x.account === `tutor_payable:${e.tutorId}`)?.amountMinor ?? 0);
    const data: SchoolEarningData & Record<string, unknown> = {
      purpose: 'school',
      courseId: e.payer.courseId,
      registrationId: e.payer.registrationId,
      tutorId: e.tutorId,
      amountMinor: e.priceMinor,
      tutorMinor,
      currency: e.currency,
      commissionBps: o.commissionBps,
      outcome: e.outcome,
    };
    const posted = await ledger.post(tx, { kind: 'earning', idempotencyKey: `earning:lesson:${e.bookingId}`, description: 'School-paid lesson', occurredAt: e.at, entries, links: { bookingId: e.bookingId }, data });
    if (posted.created) {
      o.logger.info(
        { event: 'school_lesson_earning_posted', bookingId: e.bookingId, courseId: e.payer.courseId, tutorId: e.tutorId, outcome: e.outcome, amountMinor: e.priceMinor, tutorMinor, currency: e.currency, transactionId: posted.transactionId },
        'school-paid lesson earned: the tutor is owed, the school is billed',
      );
    }
    return posted;
  };
}
