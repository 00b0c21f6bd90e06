import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { eq } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from '../../../../test/db';
import { createFakePayouts } from '../../../integrations/payouts';
import { type Tx } from '../../../platform/db';
import { schema } from '../../../../test/schema';
import { systemClock } from '../../../platform/clock';
import { createLogger } from '../../../platform/logger';
import { insertPayment, insertQuestion, insertRefund, makeUsers } from '../billing.test-support';
import { createLedgerRepo } from './ledger.repo';
import { commissionOf, creditsToRemove, lessonEarningEntries, refundEntries } from './ledger.rules';
import { createLedgerService, type LedgerService } from './ledger.service';
import { createPayoutsRepo } from '../payouts/payouts.repo';
import { createPayoutsService } from '../payouts/payouts.service';
import { createSchoolLessonEarnings } from '../school/school-lessons';

/**
 * Random purchases, consumptions, refunds (full and partial), earnings, payouts (sent, rejected) and crashes (an error
 * thrown inside the operation's transaction, or from the payout adapter mid-run) keep, after every step:
 * every transaction balanced and each currency summing to zero; no negative credit balance (and credits as modelled);
 * each tutor's payable = earnings − refund reversals − payouts not failed (payouts read from the payouts table);
 * a booked lesson is owed to its tutor only once it is earned ('lesson'), and lesson_prepayments is never below zero
 * (it is, per payment, the price less refunds less earnings plus the earnings refunds took back).
 * That the database refuses UPDATE/DELETE of entries is proven in ledger.rules-db.int.test.ts.
 */
type Op =
  | { t: 'pack'; s: number; credits: number; amount: number; crash: boolean }
  | { t: 'booking'; s: number; tutor: number; amount: number; crash: boolean }
  | { t: 'consume'; s: number; crash: boolean }
  | { t: 'refund'; pick: number; share: number; full: boolean; crash: boolean }
  | { t: 'earn'; tutor: number; amount: number; crash: boolean }
  | { t: 'lesson'; pick: number; crash: boolean }
  | { t: 'payout'; reject: boolean; crash: boolean }
  | { t: 'school'; tutor: number; amount: number; again: boolean; crash: boolean };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ t: fc.constant('pack' as const), s: fc.nat(1), credits: fc.integer({ min: 1, max: 10 }), amount: fc.integer({ min: 1, max: 99_999 }), crash: fc.boolean() }),
  fc.record({ t: fc.constant('booking' as const), s: fc.nat(1), tutor: fc.nat(1), amount: fc.integer({ min: 1, max: 200_000 }), crash: fc.boolean() }),
  fc.record({ t: fc.constant('consume' as const), s: fc.nat(1), crash: fc.boolean() }),
  fc.record({ t: fc.constant('refund' as const), pick: fc.nat(20), share: fc.integer({ min: 1, max: 100 }), full: fc.boolean(), crash: fc.boolean() }),
  fc.record({ t: fc.constant('earn' as const), tutor: fc.nat(1), amount: fc.integer({ min: 1, max: 60_000 }), crash: fc.boolean() }),
  fc.record({ t: fc.constant('payout' as const), reject: fc.boolean(), crash: fc.boolean() }),
  fc.record({ t: fc.constant('lesson' as const), pick: fc.nat(20), crash: fc.boolean() }),
  fc.record({ t: fc.constant('school' as const), tutor: fc.nat(1), amount: fc.integer({ min: 1, max: 200_000 }), again: fc.boolean(), crash: fc.boolean() }),
);

class Crash extends Error {}
const logger = createLogger('silent');

describeEachBackend('ledger property: random money movements and crashes keep the books right', ({ db }) => {
  let ledger: LedgerService;
  const tx = <T>(fn: (t: Tx) => Promise<T>) => db().database.db.transaction(fn);
  let bookingHour = 0;

  beforeAll(() => {
    ledger = createLedgerService({ repo: createLedgerRepo(db().database.db), clock: systemClock, logger, commissionBps: 2000 });
  });

  it('after every step: balanced, zero-sum per currency, credits never negative, payables as modelled', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        const a = await makeUsers(db().database);
        const b = await makeUsers(db().database);
        const students = [a.student.id, b.student.id];
        const tutors = [a.tutor.id, b.tutor.id];
        let now = new Date('2027-01-01T00:00:00Z');
        const clock = { now: () => now };
        const fake = createFakePayouts();
        const payouts = createPayoutsService({ repo: createPayoutsRepo(db().database.db), ledger, adapter: fake, clock, logger, holdDays: 0, minimums: { INR: 1 }, destinationOf: (id) => id });
        const credits = [0, 0];
        const earned = [0, 0];
        const reversed = [0, 0];
        const paid: {
          id: string;
          studentIdx: number;
          amount: number;
          credits: number;
          tutor?: number;
          bookingId?: string;
          refunded: number;
          purpose: 'credit_pack' | 'booking';
          /** A booked lesson: whether its earning was tried, what it earned, and what refunds took back of it. */
          lessonDone?: boolean;
          lessonEarned?: number;
          lessonReversed?: number;
        }[] = [];
        // School-paid lessons (decision 075): the course's receivable holds exactly the prices of the lessons earned.
        const schoolEarning = createSchoolLessonEarnings({ db: db().database.db, clock, logger, commissionBps: 2000 });
        const courseId = randomUUID();
        let billed = 0;
        const prepaidBefore = 0 - (await ledger.repo.balance(db().database.db, 'lesson_prepayments', 'INR')) || 0;

        for (const o of ops) {
          now = new Date(now.getTime() + 60_000);
          const crashing = <T>(fn: (t: Tx) => Promise<T>) =>
            tx(async (t) => {
              const r = await fn(t);
              if (o.crash) throw new Crash('crash');
              return r;
            }).catch((e: unknown) => {
              if (e instanceof Crash) return null;
              throw e;
            });
          if (o.t === 'pack') {
            const id = (await insertPayment(db().database, students[o.s]!, o.amount, 'INR', now)).id;
            const r = await crashing((t) => ledger.port.paymentReceived(t, { paymentId: id, studentId: students[o.s]!, provider: 'fake', amountMinor: o.amount, currency: 'INR', purpose: 'credit_pack', credits: o.credits, at: now }));
            if (r) {
              credits[o.s]! += o.credits;
              paid.push({ id, studentIdx: o.s, amount: o.amount, credits: o.credits, refunded: 0, purpose: 'credit_pack' });
            }
          } else if (o.t === 'booking') {
            const start = new Date(Date.UTC(2027, 0, 1) + bookingHour++ * 3_600_000);
            const [booking] = await db()
              .database.db.insert(schema.bookings)
              .values({ tutorId: tutors[o.tutor]!, studentId: students[o.s]!, startsAt: start, endsAt: new Date(start.getTime() + 3_600_000), status: 'held', idempotencyKey: randomUUID(), priceMinor: o.amount, createdAt: start })
              .returning();
            const id = (await insertPayment(db().database, students[o.s]!, o.amount, 'INR', now)).id;
            const r = await crashing((t) => ledger.port.paymentReceived(t, { paymentId: id, studentId: students[o.s]!, provider: 'fake', amountMinor: o.amount, currency: 'INR', purpose: 'booking', bookingId: booking!.id, at: now }));
            // Paid, not earned: nothing is owed to the tutor yet.
            if (r) paid.push({ id, studentIdx: o.s, amount: o.amount, credits: 0, tutor: o.tutor, bookingId: booking!.id, refunded: 0, purpose: 'booking', lessonEarned: 0, lessonReversed: 0 });
          } else if (o.t === 'lesson') {
            const lessons = paid.filter((x) => x.purpose === 'booking');
            const p = lessons.length ? lessons[o.pick % lessons.length]! : undefined;
            if (p) {
              const r = await crashing(async (t) => ({ v: await ledger.lessonEarning(t, { bookingId: p.bookingId!, paidBookingId: p.bookingId!, paymentId: p.id, priceMinor: p.amount, at: now }) }));
              if (r && !p.lessonDone) {
                const amount = Math.min(p.amount, p.amount - p.refunded);
                expect(r.v === null).toBe(amount <= 0);
                if (amount > 0) {
                  earned[p.tutor!]! += amount - commissionOf(amount, 2000);
                  p.lessonEarned = amount;
                }
                p.lessonDone = true;
              } else if (r) expect(r.v === null || r.v.created === false).toBe(true);
            }
          } else if (o.t === 'school') {
            const start = new Date(Date.UTC(2027, 0, 1) + bookingHour++ * 3_600_000);
            const [booking] = await db()
              .database.db.insert(schema.bookings)
              .values({ tutorId: tutors[o.tutor]!, studentId: students[0]!, startsAt: start, endsAt: new Date(start.getTime() + 3_600_000), status: 'confirmed', idempotencyKey: randomUUID(), priceMinor: o.amount, createdAt: start })
              .returning();
            const e = { bookingId: booking!.id, tutorId: tutors[o.tutor]!, payer: { courseId, registrationId: randomUUID() }, priceMinor: o.amount, currency: 'INR', outcome: 'completed', at: now };
            const r = await crashing((t) => schoolEarning(t, e));
            if (r) {
              earned[o.tutor]! += o.amount - commissionOf(o.amount, 2000);
              billed += o.amount;
              // Settled again (a repeated sweep): the same transaction, nothing more posted.
              if (o.again) expect((await tx((t) => schoolEarning(t, e))).created).toBe(false);
            }
          } else if (o.t === 'consume') {
            const questionId = (await insertQuestion(db().database, students[o.s]!, now)).id;
            const r = await crashing((t) => ledger.useCredit(t, students[o.s]!, questionId, now));
            if (r !== null) {
              expect(r).toBe(credits[o.s]! > 0);
              if (r) credits[o.s]! -= 1;
            }
          } else if (o.t === 'refund') {
            const p = paid.length ? paid[o.pick % paid.length]! : undefined;
            const remaining = p ? p.amount - p.refunded : 0;
            if (p && remaining > 0) {
              const amount = o.full ? remaining : Math.max(1, Math.floor((remaining * o.share) / 100));
              const expectedCredits = creditsToRemove(p.credits, p.amount, p.refunded, amount, credits[p.studentIdx]!);
              const refundId = (await insertRefund(db().database, p.id, amount, 'INR', now)).id;
              const r = await crashing((t) => ledger.port.refundSettled(t, { refundId, paymentId: p.id, amountMinor: amount, currency: 'INR', at: now }));
              if (r) {
                if (p.purpose === 'credit_pack') credits[p.studentIdx]! -= expectedCredits.remove;
                if (p.tutor !== undefined) {
                  // Only what exceeds the unearned prepayment reverses the lesson's earning, in its proportion.
                  const unearnedAfter = p.amount - (p.refunded + amount) - p.lessonEarned! + p.lessonReversed!;
                  const take = Math.min(Math.max(0, -unearnedAfter), p.lessonEarned! - p.lessonReversed!);
                  if (take > 0) {
                    const entries = lessonEarningEntries('t', p.lessonEarned!, 'INR', 2000);
                    reversed[p.tutor]! += refundEntries(entries, p.lessonEarned!, p.lessonReversed!, take).find((e) => e.account === 'tutor_payable:t')?.amountMinor ?? 0;
                    p.lessonReversed! += take;
                  }
                }
                p.refunded += amount;
              }
            }
          } else if (o.t === 'earn') {
            const questionId = (await insertQuestion(db().database, students[0]!, now)).id;
            const r = await crashing((t) => ledger.questionEarning(t, { tutorId: tutors[o.tutor]!, questionId, amountMinor: o.amount, currency: 'INR', at: now }));
            if (r) earned[o.tutor]! += o.amount;
          } else {
            if (o.reject) fake.rejectNext = 'rejected by the bank';
            fake.beforeSend = o.crash ? () => { fake.beforeSend = null; throw new Error('adapter crashed'); } : null;
            await payouts.runPayouts(now).catch((e: unknown) => {
              if (!(e instanceof Error && e.message === 'adapter crashed')) throw e;
            });
            fake.rejectNext = null;
            fake.beforeSend = null;
          }

          // the invariants, after every step
          const audit = await ledger.repo.audit(db().database.db);
          expect(audit.unbalanced).toBe(0);
          for (const total of audit.totals) expect(total.total).toBe(0);
          for (const [i, s] of students.entries()) {
            const held = await ledger.creditBalance(db().database.db, s);
            expect(held).toBeGreaterThanOrEqual(0);
            expect(held).toBe(credits[i]);
          }
          const prepaid = 0 - (await ledger.repo.balance(db().database.db, 'lesson_prepayments', 'INR')) || 0;
          expect(prepaid).toBeGreaterThanOrEqual(0);
          const unearned = paid.filter((x) => x.purpose === 'booking').reduce((n, x) => n + x.amount - x.refunded - x.lessonEarned! + x.lessonReversed!, 0);
          expect(prepaid - prepaidBefore).toBe(unearned);
          expect(await ledger.repo.balance(db().database.db, `school_receivable:${courseId}`, 'INR')).toBe(billed);
          for (const [i, tutorId] of tutors.entries()) {
            const rows = await db().database.db.select().from(schema.payouts).where(eq(schema.payouts.tutorId, tutorId));
            const out = rows.filter((r) => r.status !== 'failed').reduce((n, r) => n + r.amountMinor, 0);
            const payable = 0 - (await ledger.repo.balance(db().database.db, `tutor_payable:${tutorId}`, 'INR')) || 0;
            expect(payable).toBe(earned[i]! - reversed[i]! - out);
          }
        }
        // finish any run a crash left open, so the next sequence starts clean
        await payouts.runPayouts(now);
      }),
      { numRuns: 15 },
    );
  });
});
