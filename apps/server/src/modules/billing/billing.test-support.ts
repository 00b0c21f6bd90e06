import { randomUUID } from 'node:crypto';
import { type Database } from '../../platform/db';
import { schema } from '../../../test/schema';
import { createIdentityRepo } from '../identity';

/** Test support for billing suites (not a test file itself). */
const at = new Date('2026-11-20T10:00:00Z');

export async function makeUsers(database: Database) {
  const repo = createIdentityRepo(database.db);
  const n = randomUUID().slice(0, 8);
  const student = await repo.insertUser({ role: 'student', email: `s${n}@example.test`, passwordHash: 'x', displayName: 'S', createdAt: at, passwordChangedAt: at });
  const tutor = await repo.insertTutor({ role: 'tutor', email: `t${n}@example.test`, passwordHash: 'x', displayName: 'T', createdAt: at, passwordChangedAt: at }, { timeZone: 'Asia/Kolkata' });
  return { student, tutor };
}

/** A payment row, as the provider side stores it before calling the port. */
export async function insertPayment(database: Database, studentId: string, amountMinor: number, currency = 'INR', paidAt = at) {
  const [row] = await database.db
    .insert(schema.payments)
    .values({ provider: 'fake', providerPaymentId: `pay_${randomUUID()}`, studentId, amountMinor, currency, status: 'succeeded', paidAt })
    .returning();
  return row!;
}

export async function insertRefund(database: Database, paymentId: string, amountMinor: number, currency = 'INR', createdAt = at) {
  const [row] = await database.db
    .insert(schema.refunds)
    .values({ paymentId, provider: 'fake', amountMinor, currency, status: 'succeeded', idempotencyKey: randomUUID(), createdAt })
    .returning();
  return row!;
}


/** A question row of `studentId` (the ledger links an earning or a used credit to its question). */
export async function insertQuestion(database: Database, studentId: string, createdAt = at) {
  await database.db.insert(schema.subjects).values({ id: 'billing-test', name: 'Billing test', levels: ['any'] }).onConflictDoNothing();
  const [row] = await database.db
    .insert(schema.questions)
    .values({ studentId, requestId: randomUUID(), subjectId: 'billing-test', level: 'any', createdAt, expiresAt: new Date(createdAt.getTime() + 3_600_000) })
    .returning();
  return row!;
}
