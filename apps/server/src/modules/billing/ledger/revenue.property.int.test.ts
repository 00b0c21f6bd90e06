import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { eq, sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from '../../../../test/db';
import { type Tx } from '../../../platform/db';
import { schema } from '../../../../test/schema';
import { createLogger } from '../../../platform/logger';
import type { HelpBilling } from '../../help';
import { createRevenueReport, type RevenueReportService } from './revenue.service';
import { insertPayment, insertQuestion, insertRefund, makeUsers } from '../billing.test-support';
import { createHelpBilling } from '../earnings/earnings.service';
import { createEntitlementsRepo } from '../entitlements/entitlements.repo';
import { createEntitlementsService, type EntitlementsService } from '../entitlements/entitlements.service';
import { createLedgerRepo } from './ledger.repo';
import { commissionOf, creditsToRemove, lessonEarningEntries, refundEntries } from './ledger.rules';
import { createLedgerService, type LedgerService } from './ledger.service';

/**
 * Issue #13.3: over random sequences of payments (packs and booked lessons, in INR, USD and EUR), answered questions,
 * lessons earned and refunds (full and partial), the admin's revenue report reconciles in every row:
 * received − refunded = revenue + commission + tutor earnings + deferred. Checked against a model kept by the test:
 * received and refunded per currency, the deferred lesson money per currency, and the currency of every question
 * earning (the currency of the payment that paid for it; unpaid ones in the tutor's currency).
 */
type Currency = 'INR' | 'USD' | 'EUR';
type Op =
  | { t: 'pack'; s: number; currency: Currency; amount: number; credits: number }
  | { t: 'booking'; s: number; tutor: number; currency: Currency; amount: number }
  | { t: 'question'; s: number; tutor: number; usdRate: boolean }
  | { t: 'lesson'; pick: number }
  | { t: 'refund'; pick: number; share: number; full: boolean };

const currency = fc.constantFrom<Currency>('INR', 'USD', 'EUR');
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ t: fc.constant('pack' as const), s: fc.nat(1), currency, amount: fc.integer({ min: 1, max: 99_999 }), credits: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ t: fc.constant('booking' as const), s: fc.nat(1), tutor: fc.nat(1), currency, amount: fc.integer({ min: 1, max: 200_000 }) }),
  fc.record({ t: fc.constant('question' as const), s: fc.nat(1), tutor: fc.nat(1), usdRate: fc.boolean() }),
  fc.record({ t: fc.constant('lesson' as const), pick: fc.nat(20) }),
  fc.record({ t: fc.constant('refund' as const), pick: fc.nat(20), share: fc.integer({ min: 1, max: 100 }), full: fc.boolean() }),
);

const logger = createLogger('silent');
const fx = { rates: [{ from: 'USD', to: 'INR', rate: '83.25' }, { from: 'EUR', to: 'INR', rate: '90.50' }], source: 'property test rates' };
const money = () => ({ INR: 0, USD: 0, EUR: 0 }) as Record<Currency, number>;

describeEachBackend('billing property: the revenue report reconciles per currency', ({ db }) => {
  let now = new Date();
  const clock = { now: () => now };
  let ledger: LedgerService;
  let entitlements: EntitlementsService;
  let help: HelpBilling;
  let reports: RevenueReportService;
  let month = 0;
  const tx = <T>(fn: (t: Tx) => Promise<T>) => db().database.db.transaction(fn);

  beforeAll(() => {
    const d = db().database.db;
    ledger = createLedgerService({ repo: createLedgerRepo(d), clock, logger, commissionBps: 2000 });
    entitlements = createEntitlementsService({ repo: createEntitlementsRepo(d), ledger, clock, logger, enforce: true });
    help = createHelpBilling({ ledger, entitlements, fx, logger });
    reports = createRevenueReport({ ledger: createLedgerRepo(d), clock });
  });

  it('received − refunded = revenue + commission + tutor earnings + deferred, in every row, as modelled', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 14 }), async (ops) => {
        // Each run in a month of its own, so the report over that month shows only this run's money.
        const start = new Date(Date.UTC(2031, month++, 1, 1));
        const monthText = start.toISOString().slice(0, 7);
        now = start;
        const a = await makeUsers(db().database);
        const b = await makeUsers(db().database);
        const students = [a.student.id, b.student.id];
        const tutors = [a.tutor.id, b.tutor.id];
        const tutorCurrency: Currency[] = ['INR', 'USD'];
        await db().database.db.update(schema.tutorProfiles).set({ currency: 'USD' }).where(eq(schema.tutorProfiles.userId, tutors[1]!));

        const received = money();
        const refunded = money();
        const earnings: { questionId: string; expected: Currency }[] = [];
        const paid: {
          id: string;
          s: number;
          currency: Currency;
          amount: number;
          credits: number;
          refunded: number;
          purpose: 'credit_pack' | 'booking';
          bookingId?: string;
          lessonDone?: boolean;
          lessonEarned: number;
          lessonReversed: number;
        }[] = [];
        // Credits of each student by source, oldest first, as the ledger attributes them (FIFO): granted − removed − used.
        const credits: { paymentId: string; currency: Currency; left: number }[][] = [[], []];
        const held = (s: number) => credits[s]!.reduce((n, c) => n + c.left, 0);

        for (const o of ops) {
          now = new Date(now.getTime() + 60_000);
          if (o.t === 'pack') {
            const p = await insertPayment(db().database, students[o.s]!, o.amount, o.currency, now);
            await tx((t) => ledger.port.paymentReceived(t, { paymentId: p.id, studentId: students[o.s]!, provider: 'fake', amountMinor: o.amount, currency: o.currency, purpose: 'credit_pack', credits: o.credits, at: now }));
            received[o.currency] += o.amount;
            paid.push({ id: p.id, s: o.s, currency: o.currency, amount: o.amount, credits: o.credits, refunded: 0, purpose: 'credit_pack', lessonEarned: 0, lessonReversed: 0 });
            credits[o.s]!.push({ paymentId: p.id, currency: o.currency, left: o.credits });
          } else if (o.t === 'booking') {
            const startsAt = new Date(start.getTime() + 86_400_000 + paid.length * 3_600_000);
            const [booking] = await db()
              .database.db.insert(schema.bookings)
              .values({ tutorId: tutors[o.tutor]!, studentId: students[o.s]!, startsAt, endsAt: new Date(startsAt.getTime() + 3_600_000), status: 'confirmed', idempotencyKey: randomUUID(), priceMinor: o.amount, currency: o.currency, createdAt: now })
              .returning();
            const p = await insertPayment(db().database, students[o.s]!, o.amount, o.currency, now);
            await tx((t) => ledger.port.paymentReceived(t, { paymentId: p.id, studentId: students[o.s]!, provider: 'fake', amountMinor: o.amount, currency: o.currency, purpose: 'booking', bookingId: booking!.id, at: now }));
            received[o.currency] += o.amount;
            paid.push({ id: p.id, s: o.s, currency: o.currency, amount: o.amount, credits: 0, refunded: 0, purpose: 'booking', bookingId: booking!.id, lessonEarned: 0, lessonReversed: 0 });
          } else if (o.t === 'question') {
            const questionId = (await insertQuestion(db().database, students[o.s]!, now)).id;
            const rates = o.usdRate ? [{ currency: 'INR', amountMinor: 4000 }, { currency: 'USD', amountMinor: 150 }] : [{ currency: 'INR', amountMinor: 4000 }];
            const used = await tx(async (t) => {
              // A refusal is a typed result now (decision 039), not a thrown payment_required.
              if (!(await entitlements.consumeForQuestion(t, { studentId: students[o.s]!, timeZone: 'UTC', questionId, at: now })).ok) return 'no credit' as const;
              return help.earningForQuestion(t, { tutorId: tutors[o.tutor]!, questionId, tutorCurrency: tutorCurrency[o.tutor]!, rates, at: now });
            });
            if (used === 'no credit') {
              expect(held(o.s)).toBeLessThan(1);
              continue;
            }
            const source = credits[o.s]!.find((c) => c.left > 0)!;
            source.left--;
            const fundedBy = paid.find((p) => p.id === source.paymentId)!;
            // A payment refunded in full pays for nothing more: the question is then the platform's cost.
            const expected = fundedBy.refunded < fundedBy.amount ? source.currency : tutorCurrency[o.tutor]!;
            expect(used?.currency).toBe(expected);
            earnings.push({ questionId, expected });
          } else if (o.t === 'lesson') {
            const lessons = paid.filter((x) => x.purpose === 'booking');
            const p = lessons.length ? lessons[o.pick % lessons.length]! : undefined;
            if (p && !p.lessonDone) {
              await tx((t) => ledger.lessonEarning(t, { bookingId: p.bookingId!, paidBookingId: p.bookingId!, paymentId: p.id, priceMinor: p.amount, at: now }));
              p.lessonEarned = Math.max(0, p.amount - p.refunded);
              p.lessonDone = true;
            }
          } else {
            const p = paid.length ? paid[o.pick % paid.length]! : undefined;
            const remaining = p ? p.amount - p.refunded : 0;
            if (p && remaining > 0) {
              const amount = o.full ? remaining : Math.max(1, Math.floor((remaining * o.share) / 100));
              const removed = p.purpose === 'credit_pack' ? creditsToRemove(p.credits, p.amount, p.refunded, amount, held(p.s)).remove : 0;
              const refundId = (await insertRefund(db().database, p.id, amount, p.currency, now)).id;
              await tx((t) => ledger.port.refundSettled(t, { refundId, paymentId: p.id, amountMinor: amount, currency: p.currency, at: now }));
              if (p.purpose === 'booking' && p.lessonEarned > 0) {
                const unearnedAfter = p.amount - (p.refunded + amount) - p.lessonEarned + p.lessonReversed;
                p.lessonReversed += Math.min(Math.max(0, -unearnedAfter), p.lessonEarned - p.lessonReversed);
              }
              p.refunded += amount;
              refunded[p.currency] += amount;
              // What the provider side records: a payment refunded in full (it then funds no new question).
              await db()
                .database.db.update(schema.payments)
                .set({ refundedMinor: p.refunded, status: p.refunded === p.amount ? 'refunded' : 'partially_refunded' })
                .where(eq(schema.payments.id, p.id));
              // A pack refund takes back its share of the credits the student still holds (creditsToRemove).
              if (removed) credits[p.s]!.find((c) => c.paymentId === p.id)!.left -= removed;
            }
          }
        }

        const lastDay = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
        const report = await reports.revenue({ from: `${monthText}-01`, to: lastDay });
        for (const r of report.rows) {
          expect(r.month).toBe(monthText);
          expect(r.receivedMinor - r.refundedMinor, `${r.month} ${r.currency}`).toBe(r.revenueMinor + r.commissionMinor + r.tutorEarningsMinor + r.deferredMinor);
        }
        const row = (c: Currency) => report.rows.find((r) => r.currency === c);
        for (const c of ['INR', 'USD', 'EUR'] as const) {
          expect(row(c)?.receivedMinor ?? 0, `received ${c}`).toBe(received[c]);
          expect(row(c)?.refundedMinor ?? 0, `refunded ${c}`).toBe(refunded[c]);
          const unearned = paid.filter((p) => p.purpose === 'booking' && p.currency === c).reduce((n, p) => n + p.amount - p.refunded - p.lessonEarned + p.lessonReversed, 0);
          expect(row(c)?.deferredMinor ?? 0, `deferred ${c}`).toBe(unearned);
          // Commission: 20% of each lesson earned, less what refunds took back of it, in the lesson's currency.
          const commission = paid
            .filter((p) => p.purpose === 'booking' && p.currency === c && p.lessonEarned > 0)
            .reduce((n, p) => {
              const entries = lessonEarningEntries('t', p.lessonEarned, c, 2000);
              const back = p.lessonReversed ? (refundEntries(entries, p.lessonEarned, 0, p.lessonReversed).find((e) => e.account === 'platform_revenue')?.amountMinor ?? 0) : 0;
              return n + commissionOf(p.lessonEarned, 2000) - back;
            }, 0);
          expect(row(c)?.commissionMinor ?? 0, `commission ${c}`).toBe(commission);
        }
        // Every question earning is in the currency of the money that paid for it.
        for (const e of earnings) {
          const res = await db().database.db.execute(
            sql`select distinct e.currency from ledger_entries e join ledger_transactions t on t.id = e.transaction_id where t.idempotency_key = ${`earning:question:${e.questionId}`}`,
          );
          expect((res as unknown as { rows: { currency: string }[] }).rows.map((r) => r.currency)).toEqual([e.expected]);
        }
      }),
      { numRuns: 25 },
    );
  });
});
