import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { count, eq } from 'drizzle-orm';
import { relaxedLogin } from '../../../../test/app';
import { type App, buildApp } from '../../../app';
import { type Config, type PaymentsConfig, testConfig } from '../../../config';
import { hashPassword, createIdentityRepo } from '../../identity';
import type { Clock } from '../../../platform/clock';
import { type Database } from '../../../platform/db';
import { schema } from '../../../../test/schema';
import type { LedgerPort, PaymentReceived, Provider, RefundSettled } from '../billing.ports';
import type { PaymentProviderAdapter } from './providers';

/** Test support for billing's provider side (not a test file itself). */

export const fixturesDir = path.resolve(import.meta.dirname, '../../../../../../../shared/fixtures');
export const STRIPE_SECRET = 'whsec_test_tutoring_fixture_5b1e9c0d7a2f48e3';
export const RAZORPAY_SECRET = 'rzp_test_webhook_secret_Tut0r_7c1f';

export interface StripeFixture {
  file: string;
  event_id: string;
  type: string;
  t: number;
  verify_at_unix: number;
  headers: Record<string, string>;
}
export interface RazorpayFixture {
  file: string;
  event: string;
  headers: Record<string, string>;
}
export const stripeSignatures = () => JSON.parse(fs.readFileSync(path.join(fixturesDir, 'stripe/events/_signatures.json'), 'utf8')) as { files: StripeFixture[] };
export const razorpaySignatures = () => JSON.parse(fs.readFileSync(path.join(fixturesDir, 'razorpay/events/_signatures.json'), 'utf8')) as { files: RazorpayFixture[] };
/** The fixture's exact bytes: never re-serialised. */
export const stripeBody = (f: { file: string }) => fs.readFileSync(path.join(fixturesDir, 'stripe', f.file));
export const razorpayBody = (f: { file: string }) => fs.readFileSync(path.join(fixturesDir, 'razorpay', f.file));

/** A ledger port that records its calls; `created` is true the first time it sees a payment (or refund). */
export function recordingLedger() {
  const calls: { kind: 'payment' | 'refund'; id: string; created: boolean; p: PaymentReceived | RefundSettled }[] = [];
  const seen = new Set<string>();
  const control = { failNext: 0 };
  const port: LedgerPort = {
    async paymentReceived(_tx, p) {
      if (control.failNext > 0) {
        control.failNext--;
        throw new Error('ledger unavailable (test)');
      }
      const created = !seen.has(`payment:${p.paymentId}`);
      seen.add(`payment:${p.paymentId}`);
      calls.push({ kind: 'payment', id: p.paymentId, created, p });
      return { transactionId: randomUUID(), created };
    },
    async refundSettled(_tx, r) {
      const created = !seen.has(`refund:${r.refundId}`);
      seen.add(`refund:${r.refundId}`);
      calls.push({ kind: 'refund', id: r.refundId, created, p: r });
      return { transactionId: randomUUID(), created };
    },
  };
  return { port, calls, control };
}

export function settableClock(start: Date) {
  let now = start;
  return {
    now: () => now,
    set(d: Date) {
      now = d;
    },
    advance(ms: number) {
      now = new Date(now.getTime() + ms);
    },
  } satisfies Clock & Record<string, unknown>;
}

export interface BillingTestApp {
  app: App;
  baseUrl: string;
  logs(): string;
  close(): Promise<void>;
}

/** The app on a free loopback port with billing test options (a recording ledger, payment config, adapters). */
export async function startBillingApp(
  database: Database,
  o: { clock: Clock; payments: PaymentsConfig; ledger?: LedgerPort; adapters?: Partial<Record<Provider, PaymentProviderAdapter>>; overrides?: Partial<Config> },
): Promise<BillingTestApp> {
  const chunks: string[] = [];
  const logStream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  const config = testConfig({ host: '127.0.0.1', port: 0, logLevel: 'info', login: relaxedLogin, payments: o.payments, ...o.overrides });
  const app = await buildApp(config, {
    database,
    logStream,
    clock: o.clock,
    manualJobs: true,
    payments: { ...(o.ledger ? { ledger: o.ledger } : {}), ...(o.adapters ? { adapters: o.adapters } : {}) },
  });
  const baseUrl = await app.listen();
  return { app, baseUrl, logs: () => chunks.join(''), close: () => app.close() };
}

export async function insertStudent(database: Database, now = new Date()) {
  const u = await createIdentityRepo(database.db).insertUser({ role: 'student', email: `s${randomUUID().slice(0, 8)}@example.test`, passwordHash: await hashPassword('correct horse battery'), displayName: 'S', createdAt: now, passwordChangedAt: now });
  return u.id;
}

export async function ensurePlan(database: Database, id: string, kind: 'subscription' | 'credit_pack' = 'subscription', prices: Record<string, number> = { USD: 2900, INR: 149900 }, now = new Date()) {
  await database.db.insert(schema.billingPlans).values({ id, name: `Plan ${id}`, kind, questions: 10, graceDays: 3, createdAt: now, updatedAt: now }).onConflictDoNothing();
  for (const [currency, amountMinor] of Object.entries(prices)) await database.db.insert(schema.billingPrices).values({ planId: id, currency, amountMinor }).onConflictDoNothing();
}

export async function counts(database: Database) {
  const c = async (t: typeof schema.providerEvents | typeof schema.payments | typeof schema.subscriptionTransitions | typeof schema.refunds | typeof schema.jobs) => (await database.db.select({ n: count() }).from(t))[0]!.n;
  return { events: await c(schema.providerEvents), payments: await c(schema.payments), transitions: await c(schema.subscriptionTransitions), refunds: await c(schema.refunds), jobs: await c(schema.jobs) };
}

export async function subscriptionByRef(database: Database, ref: string) {
  const [r] = await database.db.select().from(schema.subscriptions).where(eq(schema.subscriptions.providerSubscriptionId, ref));
  return r ?? null;
}

/** A tutor's availability for paid-lesson tests: every day 18:00–21:00 in Kolkata (12:30–15:30 UTC), hour lessons, free cancellation up to 24 h before. */
export const kolkataEvenings = {
  timeZone: 'Asia/Kolkata',
  rules: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '18:00', end: '21:00' })),
  overrides: [],
  durationsMinutes: [60],
  bufferMinutes: 0,
  minNoticeMinutes: 60,
  maxPerDay: null,
  horizonDays: 60,
  cancelFreeHours: 24,
};
