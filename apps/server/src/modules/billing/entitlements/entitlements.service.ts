import type { BillingMe } from '@tutorline/contracts';
import type { Clock } from '../../../platform/clock';
import { type Db, type Tx } from '../../../platform/db';
import type { Logger } from '../../../platform/logger';
import { type Fail, fail, ok, type Result } from '../../../platform/result';
import { instantToZoned } from '../../../platform/time';
import { questionAsked } from '../billing.reads';
import type { LedgerService } from '../ledger/ledger.service';
import type { EntitlementsRepo } from './entitlements.repo';
import { entitlement, type Entitlement, type EntitlementFacts, type SubscriptionFacts } from './entitlements.rules';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** '1 Dec': a date as the student's clock shows it. */
export function shortDate(instant: Date, zone: string): string {
  const [, m, d] = instantToZoned(instant, zone).date.split('-').map(Number);
  return `${d} ${MONTHS[m! - 1]}`;
}


export interface EntitlementsDeps {
  repo: EntitlementsRepo;
  ledger: LedgerService;
  clock: Clock;
  logger: Logger;
  /** Off in tests that don't exercise billing (testConfig), on for npm start: see config.billing.enforceEntitlements. */
  enforce: boolean;
}

/** A question paid for (an included question or a credit used), or refused with the next step in the student's words. */
export type QuestionPaid = Result<void, Fail<'payment_required', { message: string; details: Record<string, unknown> }>>;

export function createEntitlementsService(deps: EntitlementsDeps) {
  const { repo, ledger, logger } = deps;

  async function facts(tx: Db | Tx, studentId: string, timeZone: string, now: Date, lock: boolean) {
    const current = await repo.currentSubscription(tx, studentId, lock);
    const subscription: SubscriptionFacts | null = current
      ? {
          status: current.sub.status,
          planName: current.plan.name,
          questions: current.plan.questions,
          graceDays: current.plan.graceDays,
          questionsUsed: current.sub.questionsUsed,
          currentPeriodEnd: current.sub.currentPeriodEnd,
          pastDueSince: current.sub.pastDueSince,
        }
      : null;
    const f: EntitlementFacts = { now, formatDate: (d) => shortDate(d, timeZone), subscription, credits: await ledger.creditBalance(tx, studentId), pack: await repo.smallestPack(tx) };
    return { current, facts: f, result: entitlement(f) };
  }

  const denied = (e: Entitlement) =>
    fail('payment_required', { message: e.next ?? 'You need a plan or question credits to ask.', details: { reason: 'entitlement', status: e.status, questionsLeft: e.questionsLeft, credits: e.credits } });

  return {
    enforce: deps.enforce,

    /** GET /api/billing/me: the plan, its state, what is left and what to do next. */
    async me(studentId: string, timeZone: string): Promise<BillingMe> {
      const now = deps.clock.now();
      const { current, result } = await facts(repo.db, studentId, timeZone, now, false);
      return {
        plan: current ? { id: current.plan.id, name: current.plan.name, questions: current.plan.questions } : null,
        status: result.status,
        periodEndsAt: current?.sub.currentPeriodEnd?.toISOString() ?? null,
        graceEndsAt: result.graceEndsAt?.toISOString() ?? null,
        questionsLeft: result.questionsLeft,
        credits: result.credits,
        canAsk: result.allowed,
        next: result.next,
        enforced: deps.enforce,
      };
    },

    /** Whether the student may ask now (without using anything). */
    async check(studentId: string, timeZone: string): Promise<Entitlement> {
      return (await facts(repo.db, studentId, timeZone, deps.clock.now(), false)).result;
    },

    /**
     * Uses one included question or one credit for a question, inside the question's own transaction; refuses with
     * `payment_required` and the next step when there is none (help words it as a 403). Nothing to use when
     * entitlements are not enforced.
     */
    async consumeForQuestion(tx: Tx, p: { studentId: string; timeZone: string; questionId: string; at: Date }): Promise<QuestionPaid> {
      if (!deps.enforce) return ok(undefined);
      const { current, result } = await facts(tx, p.studentId, p.timeZone, p.at, true);
      if (result.source === 'included' && current && (await repo.useIncluded(tx, current.sub.id, current.plan.questions))) {
        logger.info({ event: 'entitlement_used', studentId: p.studentId, questionId: p.questionId, source: 'included', subscriptionId: current.sub.id }, 'included question used');
        return ok(undefined);
      }
      if (await ledger.useCredit(tx, p.studentId, p.questionId, p.at)) {
        logger.info({ event: 'entitlement_used', studentId: p.studentId, questionId: p.questionId, source: 'credit' }, 'question credit used');
        return ok(undefined);
      }
      logger.info({ event: 'entitlement_denied', studentId: p.studentId, status: result.status }, 'question refused: no plan or credits');
      return denied(result.allowed ? { ...result, next: 'Your last question or credit was used just now. Choose a plan or buy a question pack.' } : result);
    },

    /**
     * A question closed unanswered (cancelled, expired, or reaching no tutor): its credit, or its included question of
     * this period, comes back, in the transaction that closes it. Returns whether something came back.
     */
    async returnForQuestion(tx: Tx, p: { studentId: string; questionId: string; askedAt: Date; at: Date }): Promise<boolean> {
      if (!deps.enforce) return false;
      if (await ledger.returnCredit(tx, p.questionId, p.at)) {
        logger.info({ event: 'entitlement_returned', studentId: p.studentId, questionId: p.questionId, source: 'credit' }, 'question credit given back');
        return true;
      }
      const subscriptionId = await repo.returnIncluded(tx, p.studentId, p.askedAt);
      if (subscriptionId) logger.info({ event: 'entitlement_returned', studentId: p.studentId, questionId: p.questionId, source: 'included', subscriptionId }, 'included question given back');
      return subscriptionId !== null;
    },

    /**
     * Which payment paid for an answered question, for its tutor earning (see earnings.ts): a question that used an
     * included question of a subscription is funded by the subscription payment of the period it was asked in (the
     * newest subscription payment made at or before it was asked); one that used a credit by the pack payment its
     * credit was attributed to (LedgerService.useCredit, oldest source first). None for a demo or goodwill grant, a
     * payment already refunded in full, or when entitlements are not enforced. The payment row is locked, as a
     * refund locks it: a refund settling at the same time either sees this earning or comes after it.
     */
    async fundingOf(tx: Tx, questionId: string): Promise<{ source: 'included' | 'credit'; paymentId: string; currency: string } | { source: 'credit' | 'none' }> {
      if (!deps.enforce) return { source: 'none' };
      const credit = await ledger.repo.findByKey(tx, `credit:question:${questionId}`);
      if (credit && !(await ledger.repo.findReversalOf(tx, credit.id))) {
        const paymentId = credit.paymentId;
        const payment = paymentId ? await repo.lockPayment(tx, paymentId) : undefined;
        return payment && payment.status !== 'refunded' ? { source: 'credit', paymentId: payment.id, currency: payment.currency } : { source: 'credit' };
      }
      const asked = await questionAsked(tx, questionId);
      const payment = asked ? await repo.subscriptionPaymentAt(tx, asked.studentId, asked.askedAt) : undefined;
      return payment ? { source: 'included', paymentId: payment.id, currency: payment.currency } : { source: 'none' };
    },
  };
}
export type EntitlementsService = ReturnType<typeof createEntitlementsService>;
