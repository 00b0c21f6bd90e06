import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from '../../../../test/db';
import { systemClock } from '../../../platform/clock';
import { createLogger } from '../../../platform/logger';
import { type Tx } from '../../../platform/db';
import { schema } from '../../../../test/schema';
import { DEMO_CREDITS, seedDemoBilling } from '../billing.money';
import { insertPayment, insertQuestion, insertRefund, makeUsers } from '../billing.test-support';
import { createLedgerRepo } from './ledger.repo';
import { createLedgerService, type LedgerService } from './ledger.service';
import { CREDITS } from './ledger.rules';

const logger = createLogger('silent');
const at = new Date('2026-11-20T10:00:00Z');

describeEachBackend('ledger service and LedgerPort', ({ db }) => {
  let ledger: LedgerService;
  let users: Awaited<ReturnType<typeof makeUsers>>;
  const tx = <T>(fn: (t: Tx) => Promise<T>) => db().database.db.transaction(fn);
  const balance = (code: string, currency: string) => ledger.repo.balance(db().database.db, code, currency);
  /** A fresh question of the student's: an earning or a used credit links it. */
  const questionOf = async (studentId: string) => (await insertQuestion(db().database, studentId)).id;

  beforeAll(async () => {
    ledger = createLedgerService({ repo: createLedgerRepo(db().database.db), clock: systemClock, logger, commissionBps: 2000 });
    users = await makeUsers(db().database);
  });

  it('posts once per idempotency key, even when ten posts race', async () => {
    const spec = {
      kind: 'test',
      idempotencyKey: `k:${randomUUID()}`,
      description: 'test',
      occurredAt: at,
      entries: [
        { account: 'provider_clearing:fake', kind: 'clearing' as const, amountMinor: 500, currency: 'INR' },
        { account: 'platform_revenue', kind: 'revenue' as const, amountMinor: -500, currency: 'INR' },
      ],
    };
    const results = await Promise.all(Array.from({ length: 10 }, () => tx((t) => ledger.post(t, spec))));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.transactionId)).size).toBe(1);
    const rows = await db().database.db.select().from(schema.ledgerTransactions).where(eq(schema.ledgerTransactions.idempotencyKey, spec.idempotencyKey));
    expect(rows).toHaveLength(1);
    expect(await ledger.repo.entriesOf(db().database.db, rows[0]!.id)).toHaveLength(2);
  });

  it('refuses an unbalanced transaction before the database sees it, and posts nothing', async () => {
    const key = `k:${randomUUID()}`;
    await expect(
      tx((t) =>
        ledger.post(t, { kind: 'test', idempotencyKey: key, description: 'bad', occurredAt: at, entries: [{ account: 'platform_revenue', kind: 'revenue', amountMinor: -1, currency: 'INR' }, { account: 'provider_clearing:fake', kind: 'clearing', amountMinor: 2, currency: 'INR' }] }),
      ),
    ).rejects.toThrow(/do not balance/);
    expect(await ledger.repo.findByKey(db().database.db, key)).toBeUndefined();
  });

  it('reverses a transaction once, with the negated entries; a reversal is not reversible', async () => {
    const q = await questionOf(users.student.id);
    const posted = await tx((t) => ledger.questionEarning(t, { tutorId: users.tutor.id, questionId: q, amountMinor: 4000, currency: 'INR', at }));
    const code = `tutor_payable:${users.tutor.id}`;
    const before = await balance(code, 'INR');
    const r1 = await tx((t) => ledger.reverse(t, posted!.transactionId, 'test', at));
    const r2 = await tx((t) => ledger.reverse(t, posted!.transactionId, 'again', at));
    expect(r1.created).toBe(true);
    expect(r2).toEqual({ transactionId: r1.transactionId, created: false });
    expect(await balance(code, 'INR')).toBe(before + 4000);
    await expect(tx((t) => ledger.reverse(t, r1.transactionId, 'x', at))).rejects.toThrow(/cannot itself be reversed/);
  });

  it('a subscription payment: clearing up, revenue down; the same payment twice posts once', async () => {
    const p = await insertPayment(db().database, users.student.id, 49900);
    const input = { paymentId: p.id, studentId: users.student.id, provider: 'fake' as const, amountMinor: 49900, currency: 'INR', purpose: 'subscription' as const, at };
    const revenue = await balance('platform_revenue', 'INR');
    const a = await tx((t) => ledger.port.paymentReceived(t, input));
    const b = await tx((t) => ledger.port.paymentReceived(t, input));
    expect(a.created).toBe(true);
    expect(b).toEqual({ transactionId: a.transactionId, created: false });
    expect(await balance('platform_revenue', 'INR')).toBe(revenue - 49900);
  });

  it('a booking payment is a prepayment; the lesson earned credits the tutor the price less 20%, the platform the commission; a full refund reverses both', async () => {
    const [booking] = await db()
      .database.db.insert(schema.bookings)
      .values({ tutorId: users.tutor.id, studentId: users.student.id, startsAt: new Date('2026-12-01T10:00:00Z'), endsAt: new Date('2026-12-01T11:00:00Z'), status: 'held', idempotencyKey: randomUUID(), priceMinor: 100000, createdAt: new Date() })
      .returning();
    const code = `tutor_payable:${users.tutor.id}`;
    const tutorBefore = await balance(code, 'INR');
    const revenueBefore = await balance('platform_revenue', 'INR');
    const prepaidBefore = await balance('lesson_prepayments', 'INR');
    const p = await insertPayment(db().database, users.student.id, 100000);
    const paid = await tx((t) => ledger.port.paymentReceived(t, { paymentId: p.id, studentId: users.student.id, provider: 'fake', amountMinor: 100000, currency: 'INR', purpose: 'booking', bookingId: booking!.id, at }));
    expect(await balance(code, 'INR')).toBe(tutorBefore);
    expect(await balance('platform_revenue', 'INR')).toBe(revenueBefore);
    expect(await balance('lesson_prepayments', 'INR')).toBe(prepaidBefore - 100000);

    const lesson = { bookingId: booking!.id, paidBookingId: booking!.id, paymentId: p.id, priceMinor: 100000, at: new Date('2026-12-01T11:00:00Z') };
    const earned = await tx((t) => ledger.lessonEarning(t, lesson));
    expect(earned).toMatchObject({ created: true });
    expect((await ledger.repo.findById(db().database.db, earned!.transactionId))!.idempotencyKey).toBe(`earning:lesson:${booking!.id}`);
    expect(await tx((t) => ledger.lessonEarning(t, lesson))).toEqual({ transactionId: earned!.transactionId, created: false });
    expect(await balance(code, 'INR')).toBe(tutorBefore - 80000);
    expect(await balance('platform_revenue', 'INR')).toBe(revenueBefore - 20000);
    expect(await balance('lesson_prepayments', 'INR')).toBe(prepaidBefore);

    const r = await insertRefund(db().database, p.id, 100000);
    const refunded = await tx((t) => ledger.port.refundSettled(t, { refundId: r.id, paymentId: p.id, amountMinor: 100000, currency: 'INR', at }));
    expect((await ledger.repo.findById(db().database.db, refunded.transactionId))!.reversesId).toBe(paid.transactionId);
    expect(await balance(code, 'INR')).toBe(tutorBefore);
    expect(await balance('platform_revenue', 'INR')).toBe(revenueBefore);
    expect(await balance('lesson_prepayments', 'INR')).toBe(prepaidBefore);
    expect((await tx((t) => ledger.port.refundSettled(t, { refundId: r.id, paymentId: p.id, amountMinor: 100000, currency: 'INR', at }))).created).toBe(false);
    expect((await ledger.repo.audit(db().database.db)).unbalanced).toBe(0);
  });

  it('a booked lesson refunded before it is held earns only what is left of its payment', async () => {
    const [booking] = await db()
      .database.db.insert(schema.bookings)
      .values({ tutorId: users.tutor.id, studentId: users.student.id, startsAt: new Date('2026-12-02T10:00:00Z'), endsAt: new Date('2026-12-02T11:00:00Z'), status: 'held', idempotencyKey: randomUUID(), priceMinor: 10000, createdAt: new Date() })
      .returning();
    const code = `tutor_payable:${users.tutor.id}`;
    const tutorBefore = await balance(code, 'INR');
    const prepaidBefore = await balance('lesson_prepayments', 'INR');
    const p = await insertPayment(db().database, users.student.id, 10000);
    await tx((t) => ledger.port.paymentReceived(t, { paymentId: p.id, studentId: users.student.id, provider: 'fake', amountMinor: 10000, currency: 'INR', purpose: 'booking', bookingId: booking!.id, at }));
    const r = await insertRefund(db().database, p.id, 2500);
    await tx((t) => ledger.port.refundSettled(t, { refundId: r.id, paymentId: p.id, amountMinor: 2500, currency: 'INR', at }));
    await tx((t) => ledger.lessonEarning(t, { bookingId: booking!.id, paidBookingId: booking!.id, paymentId: p.id, priceMinor: 10000, at }));
    expect(await balance(code, 'INR')).toBe(tutorBefore - 6000);
    expect(await balance('lesson_prepayments', 'INR')).toBe(prepaidBefore);
  });

  it('partial refunds of a pack reverse money in proportion and take back only credits still held', async () => {
    const { student } = await makeUsers(db().database);
    const p = await insertPayment(db().database, student.id, 999, 'USD');
    await tx((t) => ledger.port.paymentReceived(t, { paymentId: p.id, studentId: student.id, provider: 'fake', amountMinor: 999, currency: 'USD', purpose: 'credit_pack', credits: 10, at }));
    expect(await ledger.creditBalance(db().database.db, student.id)).toBe(10);
    // 7 credits used
    for (let i = 0; i < 7; i++) {
      const q = await questionOf(student.id);
      expect(await tx((t) => ledger.useCredit(t, student.id, q, at))).toBe(true);
    }
    const clearing = await balance('provider_clearing:fake', 'USD');
    const r1 = await insertRefund(db().database, p.id, 333, 'USD');
    await tx((t) => ledger.port.refundSettled(t, { refundId: r1.id, paymentId: p.id, amountMinor: 333, currency: 'USD', at }));
    expect(await balance('provider_clearing:fake', 'USD')).toBe(clearing - 333);
    // a third of 10 credits, rounded up: 4; the student holds 3, so 3 go and 1 was already used
    expect(await ledger.creditBalance(db().database.db, student.id)).toBe(0);
    const r2 = await insertRefund(db().database, p.id, 666, 'USD');
    const second = await tx((t) => ledger.port.refundSettled(t, { refundId: r2.id, paymentId: p.id, amountMinor: 666, currency: 'USD', at }));
    expect((await ledger.repo.findById(db().database.db, second.transactionId))!.data).toMatchObject({ creditsRemoved: 0, creditsAlreadyUsed: 6 });
    expect(await balance('provider_clearing:fake', 'USD')).toBe(clearing - 999);
    expect(await ledger.creditBalance(db().database.db, student.id)).toBe(0);
    // no credit below zero: using one now is refused
    const late = await questionOf(student.id);
    expect(await tx((t) => ledger.useCredit(t, student.id, late, at))).toBe(false);
  });

  it('credits never go below zero under concurrent use', async () => {
    const { student } = await makeUsers(db().database);
    await tx((t) => ledger.grantCredits(t, student.id, 3, `grant:${student.id}`, 'test', at));
    const asked = await Promise.all(Array.from({ length: 8 }, () => questionOf(student.id)));
    const used = await Promise.all(asked.map((q) => tx((t) => ledger.useCredit(t, student.id, q, at))));
    expect(used.filter(Boolean)).toHaveLength(3);
    expect(await ledger.creditBalance(db().database.db, student.id)).toBe(0);
    const owned = await ledger.repo.balancesByOwner(db().database.db, student.id);
    expect(owned).toEqual([{ account: `student_credits:${student.id}`, currency: CREDITS, total: 0 }]);
  });

  it('the demo seed creates the plans and grants demo credits once, however often the server starts', async () => {
    const { student } = await makeUsers(db().database);
    await seedDemoBilling(db().database.db, [student.id], at, logger);
    await seedDemoBilling(db().database.db, [student.id], at, logger);
    expect(await ledger.creditBalance(db().database.db, student.id)).toBe(DEMO_CREDITS);
    const plans = await db().database.db.select().from(schema.billingPlans);
    expect(plans.map((p) => p.id).sort()).toEqual(['monthly-20', 'monthly-60', 'pack-10']);
    expect(await db().database.db.select().from(schema.billingPrices)).toHaveLength(6);
  });

  it('the books balance: every currency sums to zero, no unbalanced transaction', async () => {
    const audit = await ledger.repo.audit(db().database.db);
    expect(audit.unbalanced).toBe(0);
    for (const t of audit.totals) expect(t.total).toBe(0);
  });
});
