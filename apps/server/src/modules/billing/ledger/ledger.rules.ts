/**
 * The ledger's pure part: account codes, the entries each business event posts, and the balance check the
 * database repeats at commit (migration 0009). Amounts are signed integer minor units: debits positive,
 * credits negative. Question credits are their own currency, 'QST' (one unit = one question).
 *
 * Account balances (sum of entries): provider clearing and student credits are positive (assets, credits held);
 * revenue, tutor payables, lesson prepayments and credits issued are negative (credit balances). A tutor is owed −balance.
 *
 * Accounts: provider_clearing:<provider> (money held at the provider), platform_revenue, platform_expense:tutor_earnings,
 * tutor_payable:<tutor>, payouts_in_transit, student_credits:<student>, credits_issued, credits_redeemed, and
 * lesson_prepayments (a liability: booked lessons paid for but not yet held; issue #7 — a lesson's price moves from
 * here to the tutor's payable and the commission to revenue when the lesson is earned, lessonEarningEntries).
 */
export const CREDITS = 'QST';

export type AccountKind = 'clearing' | 'revenue' | 'expense' | 'payable' | 'transit' | 'credits';

export interface EntrySpec {
  /** The account's code; the account is created on demand by (code, currency). */
  account: string;
  kind: AccountKind;
  ownerId?: string | undefined;
  amountMinor: number;
  currency: string;
}

/** A ledger transaction's typed links (#14), each a foreign key; see billing.schema.ts ledgerTransactions. */
export interface LedgerLinks {
  paymentId?: string | null | undefined;
  bookingId?: string | null | undefined;
  questionId?: string | null | undefined;
  refundId?: string | null | undefined;
  fundedById?: string | null | undefined;
}

export interface PostSpec {
  kind: string;
  idempotencyKey: string;
  description: string;
  occurredAt: Date;
  entries: EntrySpec[];
  reversesId?: string | undefined;
  /** What the transaction belongs to (ledger_transactions' link columns); a reversal carries its original's. */
  links?: LedgerLinks | undefined;
  /** Free-form facts (amounts, purpose, who it was for); links go in `links`. */
  data?: Record<string, unknown> | undefined;
  /** When an amount was converted to post this (earnings.rules.ts): kept in the transaction's fx_* columns. */
  conversion?: { fromCurrency: string; fromAmountMinor: number; rate: string; source: string } | null | undefined;
}

export const accounts = {
  clearing: (provider: string): Pick<EntrySpec, 'account' | 'kind'> => ({ account: `provider_clearing:${provider}`, kind: 'clearing' }),
  revenue: { account: 'platform_revenue', kind: 'revenue' } as Pick<EntrySpec, 'account' | 'kind'>,
  tutorEarningsExpense: { account: 'platform_expense:tutor_earnings', kind: 'expense' } as Pick<EntrySpec, 'account' | 'kind'>,
  tutorPayable: (tutorId: string): Pick<EntrySpec, 'account' | 'kind' | 'ownerId'> => ({ account: `tutor_payable:${tutorId}`, kind: 'payable', ownerId: tutorId }),
  inTransit: { account: 'payouts_in_transit', kind: 'transit' } as Pick<EntrySpec, 'account' | 'kind'>,
  studentCredits: (studentId: string): Pick<EntrySpec, 'account' | 'kind' | 'ownerId'> => ({ account: `student_credits:${studentId}`, kind: 'credits', ownerId: studentId }),
  creditsIssued: { account: 'credits_issued', kind: 'credits' } as Pick<EntrySpec, 'account' | 'kind'>,
  creditsRedeemed: { account: 'credits_redeemed', kind: 'credits' } as Pick<EntrySpec, 'account' | 'kind'>,
  /** Booked lessons paid for and not yet earned (deferred revenue): credited at payment, debited when the lesson is earned or refunded. */
  lessonPrepayments: { account: 'lesson_prepayments', kind: 'payable' } as Pick<EntrySpec, 'account' | 'kind'>,
  /** What a school owes for its course's school-paid lessons (issue #16, decision 075): an asset, debited when such a lesson is earned. */
  schoolReceivable: (courseId: string): Pick<EntrySpec, 'account' | 'kind'> => ({ account: `school_receivable:${courseId}`, kind: 'clearing' }),
  /** Guardians' card checks (decision 086): held to be returned, never revenue; the refund brings it back to zero. */
  consentChecks: { account: 'consent_checks', kind: 'payable' } as Pick<EntrySpec, 'account' | 'kind'>,
};

export class UnbalancedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnbalancedError';
  }
}

/** Throws unless every amount is a non-zero integer and the entries sum to zero per currency. */
export function checkBalanced(entries: Pick<EntrySpec, 'amountMinor' | 'currency'>[]): void {
  if (entries.length < 2) throw new UnbalancedError('a ledger transaction needs at least two entries');
  const sums = new Map<string, number>();
  for (const e of entries) {
    if (!Number.isSafeInteger(e.amountMinor) || e.amountMinor === 0) throw new UnbalancedError(`entry amount ${e.amountMinor} must be a non-zero integer`);
    if (!/^[A-Z]{3}$/.test(e.currency)) throw new UnbalancedError(`bad currency ${e.currency}`);
    sums.set(e.currency, (sums.get(e.currency) ?? 0) + e.amountMinor);
  }
  for (const [currency, total] of sums) if (total !== 0) throw new UnbalancedError(`entries do not balance in ${currency}: they sum to ${total}`);
}

/** The platform's commission on an amount, in basis points, rounded half up to a minor unit. */
export function commissionOf(amountMinor: number, bps: number): number {
  return Number((BigInt(amountMinor) * BigInt(bps) + 5000n) / 10000n);
}

export interface PaymentFacts {
  paymentId: string;
  studentId: string;
  provider: string;
  amountMinor: number;
  currency: string;
  purpose: 'subscription' | 'credit_pack' | 'booking' | 'class' | 'consent';
  /** For a booking or a class seat: who is paid, and the commission in basis points. */
  tutorId?: string | undefined;
  commissionBps?: number | undefined;
  credits?: number | undefined;
}

/**
 * Money in: debit the provider's clearing account; credit revenue, or for a booking the lesson prepayments (the whole
 * price: nothing is owed to the tutor until the lesson is earned, lessonEarningEntries); grant pack credits.
 */
export function paymentEntries(p: PaymentFacts): EntrySpec[] {
  const money: EntrySpec[] = [{ ...accounts.clearing(p.provider), amountMinor: p.amountMinor, currency: p.currency }];
  // A class seat is prepaid like a booked lesson: earned when the class is taught (issue #15).
  if (p.purpose === 'booking' || p.purpose === 'class') {
    money.push({ ...accounts.lessonPrepayments, amountMinor: -p.amountMinor, currency: p.currency });
  } else if (p.purpose === 'consent') {
    // A guardian's card check is owed back at once: no revenue, no commission, no tutor earning.
    money.push({ ...accounts.consentChecks, amountMinor: -p.amountMinor, currency: p.currency });
  } else {
    money.push({ ...accounts.revenue, amountMinor: -p.amountMinor, currency: p.currency });
  }
  if (p.credits && p.credits > 0) {
    money.push({ ...accounts.studentCredits(p.studentId), amountMinor: p.credits, currency: CREDITS });
    money.push({ ...accounts.creditsIssued, amountMinor: -p.credits, currency: CREDITS });
  }
  return money;
}

/**
 * The share `num/den` of some balanced entries, still balanced. In each currency the debits and the credits are each
 * rounded to the rounded share of their (equal) total, by largest remainder: an entry whose share is a whole number
 * stays exact (the provider clearing entry of a refund is exactly the refunded amount). shareOf(e, d, d) is e itself.
 */
export function shareOf<T extends Pick<EntrySpec, 'amountMinor' | 'currency'>>(entries: T[], num: number, den: number): T[] {
  if (den <= 0 || num < 0 || num > den) throw new Error(`bad share ${num}/${den}`);
  const out = entries.map((e) => ({ ...e }));
  const N = BigInt(num);
  const D = BigInt(den);
  const groups = new Map<string, number[]>();
  entries.forEach((e, i) => {
    const key = `${e.currency}|${e.amountMinor < 0 ? '-' : '+'}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  for (const idx of groups.values()) {
    const abs = idx.map((i) => BigInt(Math.abs(entries[i]!.amountMinor)));
    const total = abs.reduce((a, b) => a + b, 0n);
    const target = (total * N * 2n + D) / (2n * D);
    const floors = abs.map((a) => (a * N) / D);
    const rems = abs.map((a) => (a * N) % D);
    let missing = target - floors.reduce((a, b) => a + b, 0n);
    const order = idx.map((_, j) => j).sort((x, y) => (rems[y]! > rems[x]! ? 1 : rems[y]! < rems[x]! ? -1 : abs[y]! > abs[x]! ? 1 : abs[y]! < abs[x]! ? -1 : x - y));
    for (const j of order) {
      if (missing <= 0n) break;
      floors[j] = floors[j]! + 1n;
      missing--;
    }
    idx.forEach((i, j) => {
      out[i]!.amountMinor = (entries[i]!.amountMinor < 0 ? -1 : 1) * Number(floors[j]);
    });
  }
  return out;
}

/** The same entries with their signs turned: what a reversal posts. */
export const negated = <T extends Pick<EntrySpec, 'amountMinor'>>(entries: T[]): T[] => entries.map((e) => ({ ...e, amountMinor: -e.amountMinor }));

/**
 * A refund's money entries: the negation of the part of the payment's money entries that this refund adds to
 * what was refunded before. Computed as share(before + now) − share(before), so any run of partial refunds
 * adds up to exactly the full reversal.
 */
export function refundEntries<T extends EntrySpec>(paymentEntries: T[], paymentMinor: number, refundedBeforeMinor: number, refundMinor: number): T[] {
  const money = paymentEntries.filter((e) => e.currency !== CREDITS);
  if (refundMinor <= 0 || refundedBeforeMinor + refundMinor > paymentMinor) throw new Error(`refund ${refundMinor} after ${refundedBeforeMinor} exceeds payment ${paymentMinor}`);
  const after = shareOf(money, refundedBeforeMinor + refundMinor, paymentMinor);
  const before = shareOf(money, refundedBeforeMinor, paymentMinor);
  return after.map((e, i) => ({ ...e, amountMinor: -(e.amountMinor - before[i]!.amountMinor) })).filter((e) => e.amountMinor !== 0);
}

/** Credits a refund takes back: the refunded share of the credits granted (rounded up), but never more than the student still holds. */
export function creditsToRemove(granted: number, paymentMinor: number, refundedBeforeMinor: number, refundMinor: number, held: number): { remove: number; alreadyUsed: number } {
  const share = (paid: number) => Number((BigInt(granted) * BigInt(paid) + BigInt(paymentMinor) - 1n) / BigInt(paymentMinor));
  const due = share(refundedBeforeMinor + refundMinor) - share(refundedBeforeMinor);
  const remove = Math.max(0, Math.min(due, held));
  return { remove, alreadyUsed: due - remove };
}

/**
 * A booked lesson earned (completed, a student no-show, a student's late cancellation): `amountMinor` of the lesson
 * prepayments goes to the tutor's payable, less the platform's commission (basis points), which is revenue.
 */
export function lessonEarningEntries(tutorId: string, amountMinor: number, currency: string, commissionBps: number): EntrySpec[] {
  const commission = commissionOf(amountMinor, commissionBps);
  const entries: EntrySpec[] = [{ ...accounts.lessonPrepayments, amountMinor, currency }];
  if (amountMinor - commission) entries.push({ ...accounts.tutorPayable(tutorId), amountMinor: -(amountMinor - commission), currency });
  if (commission) entries.push({ ...accounts.revenue, amountMinor: -commission, currency });
  return entries;
}

/**
 * A school-paid lesson earned (decision 075): the same split as a paid lesson's earning (lessonEarningEntries), but the
 * price is owed by the school (its course's receivable) instead of coming out of a learner's prepayment.
 */
export function schoolLessonEntries(courseId: string, tutorId: string, amountMinor: number, currency: string, commissionBps: number): EntrySpec[] {
  return lessonEarningEntries(tutorId, amountMinor, currency, commissionBps).map((e) => (e.account === accounts.lessonPrepayments.account ? { ...e, ...accounts.schoolReceivable(courseId) } : e));
}

/**
 * What a refund of a booking payment takes back from the lesson earnings it funded, oldest first: the refund first
 * returns the unearned prepayment; only what exceeds it (a refund after the lesson was earned) reverses earnings, so
 * lesson_prepayments never goes below zero. `unearnedAfterMinor` is the payment less refunds (this one included), less
 * earnings, plus earnings already reversed. Each item: how much of that earning this refund reverses.
 */
export function lessonEarningsToReverse<T extends { amountMinor: number; reversedMinor: number }>(earnings: T[], unearnedAfterMinor: number): { earning: T; amountMinor: number }[] {
  let need = Math.max(0, -unearnedAfterMinor);
  const out: { earning: T; amountMinor: number }[] = [];
  for (const earning of earnings) {
    if (need <= 0) break;
    const take = Math.min(need, earning.amountMinor - earning.reversedMinor);
    if (take <= 0) continue;
    out.push({ earning, amountMinor: take });
    need -= take;
  }
  return out;
}

/** A tutor's earning for an answered question: the platform's expense, owed to the tutor. */
export function questionEarningEntries(tutorId: string, amountMinor: number, currency: string): EntrySpec[] {
  return [
    { ...accounts.tutorEarningsExpense, amountMinor, currency },
    { ...accounts.tutorPayable(tutorId), amountMinor: -amountMinor, currency },
  ];
}

/**
 * Which source a used question credit comes from: the oldest pack payment or grant with credits left (granted, less
 * those its refunds took back, less those already attributed to it). Credits are fungible in the student's account;
 * this attribution (FIFO) is what ties an answered question to the pack that paid for it, so that refunding the pack
 * reverses that question's tutor earning (earnings.ts). Null when nothing is left to attribute (older uses).
 */
export function creditSourceFor<T extends { granted: number; removed: number; used: number }>(sources: T[]): T | null {
  return sources.find((s) => s.granted - s.removed - s.used > 0) ?? null;
}

/** One question credit used: it leaves the student's credits and is redeemed. */
export function creditUseEntries(studentId: string): EntrySpec[] {
  return [
    { ...accounts.studentCredits(studentId), amountMinor: -1, currency: CREDITS },
    { ...accounts.creditsRedeemed, amountMinor: 1, currency: CREDITS },
  ];
}

/** A payout sent: the tutor's payable is debited and the money is in transit until the provider reports. */
export function payoutEntries(tutorId: string, amountMinor: number, currency: string): EntrySpec[] {
  return [
    { ...accounts.tutorPayable(tutorId), amountMinor, currency },
    { ...accounts.inTransit, amountMinor: -amountMinor, currency },
  ];
}

/** Minor units as a decimal string ('12345' INR → '123.45'); every currency here has two decimals, QST none. */
export function formatMinor(amountMinor: number, currency: string): string {
  if (currency === CREDITS) return String(amountMinor);
  const sign = amountMinor < 0 ? '-' : '';
  const abs = Math.abs(amountMinor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
