/**
 * Whether a student may ask a question (or confirm a booking), and what to tell them. Pure: the facts come in.
 *
 * - trialing / active: the plan's included questions for the current period (questions_used < plan.questions).
 * - past_due: the grace period. For plan.graceDays days from past_due_since the student keeps asking, up to the
 *   included count, and is told to update their card by the grace period's end. After it, as lapsed: no included questions.
 * - lapsed, canceled, refunded, incomplete, or no subscription: no included questions.
 * - Question credits (packs) are used when no included question is left, whatever the subscription's state.
 */
export interface SubscriptionFacts {
  status: 'incomplete' | 'trialing' | 'active' | 'past_due' | 'lapsed' | 'canceled' | 'refunded';
  planName: string;
  questions: number;
  graceDays: number;
  questionsUsed: number;
  currentPeriodEnd: Date | null;
  pastDueSince: Date | null;
}

export interface EntitlementFacts {
  now: Date;
  /** Shows a date to the student ('1 Dec' in their time zone): the caller converts zones (platform/time). */
  formatDate: (instant: Date) => string;
  subscription: SubscriptionFacts | null;
  credits: number;
  /** The smallest credit pack on sale, to suggest it. */
  pack: { questions: number } | null;
}

export type Source = 'included' | 'credit';

export interface Entitlement {
  allowed: boolean;
  /** What asking now would use. */
  source: Source | null;
  questionsLeft: number;
  credits: number;
  status: SubscriptionFacts['status'] | 'none';
  /** Past due: when the grace period ends. */
  graceEndsAt: Date | null;
  /** What to do next, in a sentence the student can act on (also when allowed: a warning, or null). */
  next: string | null;
}

const DAY_MS = 86_400_000;
export function graceEndsAt(s: Pick<SubscriptionFacts, 'pastDueSince' | 'graceDays'>): Date | null {
  return s.pastDueSince ? new Date(s.pastDueSince.getTime() + s.graceDays * DAY_MS) : null;
}

export function entitlement(f: EntitlementFacts): Entitlement {
  const s = f.subscription;
  const when = f.formatDate;
  const buyPack = f.pack ? `Buy a pack of ${f.pack.questions} questions` : 'Buy a question pack';
  let includedLeft = 0;
  let graceEnd: Date | null = null;
  let warning: string | null = null;
  let denial: string;

  if (!s || s.status === 'canceled' || s.status === 'refunded' || s.status === 'incomplete') {
    denial = `You have no plan or question credits. Choose a plan, or ${buyPack.toLowerCase()}.`;
  } else if (s.status === 'lapsed') {
    denial = `Your ${s.planName} plan has lapsed because a payment failed. Update your card to reactivate it, or ${buyPack.toLowerCase()}.`;
  } else if (s.status === 'past_due') {
    graceEnd = graceEndsAt(s);
    const failedOn = s.pastDueSince ? when(s.pastDueSince) : 'your last renewal';
    if (graceEnd && f.now.getTime() < graceEnd.getTime()) {
      includedLeft = Math.max(0, s.questions - s.questionsUsed);
      warning = `Your payment failed on ${failedOn}; update your card by ${when(graceEnd)} to keep asking.`;
      denial = `Your plan's ${s.questions} questions are used, and your payment failed on ${failedOn}; update your card by ${when(graceEnd)}, or ${buyPack.toLowerCase()}.`;
    } else {
      denial = `Your payment failed on ${failedOn} and the grace period has ended; update your card to keep asking, or ${buyPack.toLowerCase()}.`;
    }
  } else {
    includedLeft = Math.max(0, s.questions - s.questionsUsed);
    const renews = s.currentPeriodEnd ? ` or wait until ${when(s.currentPeriodEnd)}` : '';
    denial = `Your plan's ${s.questions} questions for this month are used. ${buyPack}${renews}.`;
  }

  const base = { questionsLeft: includedLeft, credits: f.credits, status: s?.status ?? ('none' as const), graceEndsAt: graceEnd };
  if (includedLeft > 0) return { ...base, allowed: true, source: 'included', next: warning };
  if (f.credits > 0) return { ...base, allowed: true, source: 'credit', next: warning };
  return { ...base, allowed: false, source: null, next: denial };
}
