import { randomUUID } from 'node:crypto';
import type { AdapterPayoutStatus, PayoutAdapter, PayoutRequest, PayoutResult } from './types';
import { PayoutRejected } from './types';

/**
 * An in-memory payout provider for npm start and tests: one payout per idempotency key (a repeat returns the first),
 * statuses set on demand. `failNext`/`beforeSend` let tests fail or crash a send.
 */
export interface FakePayouts extends PayoutAdapter {
  /** Every payout created, by idempotency key. */
  readonly created: Map<string, PayoutRequest & { id: string; status: AdapterPayoutStatus; failureReason?: string }>;
  /** Every send call, repeats included. */
  readonly calls: PayoutRequest[];
  setStatus(providerPayoutId: string, status: AdapterPayoutStatus, failureReason?: string): void;
  /** Runs before each send (a test throws from it to simulate a crash or an outage). */
  beforeSend: ((p: PayoutRequest) => void) | null;
  /** Runs after the payout is created but before the answer returns (a crash after the provider acted). */
  afterCreate: ((p: PayoutRequest) => void) | null;
  /** Rejects the next send for good, with this reason. */
  rejectNext: string | null;
}

export function createFakePayouts(initialStatus: AdapterPayoutStatus = 'in_transit'): FakePayouts {
  const created: FakePayouts['created'] = new Map();
  const calls: PayoutRequest[] = [];
  const view = (p: { id: string; status: AdapterPayoutStatus; failureReason?: string }): PayoutResult => ({ providerPayoutId: p.id, status: p.status, failureReason: p.failureReason });
  const fake: FakePayouts = {
    name: 'fake',
    created,
    calls,
    beforeSend: null,
    afterCreate: null,
    rejectNext: null,
    async send(p) {
      calls.push(p);
      fake.beforeSend?.(p);
      const existing = created.get(p.idempotencyKey);
      if (existing) return view(existing);
      if (fake.rejectNext) {
        const reason = fake.rejectNext;
        fake.rejectNext = null;
        throw new PayoutRejected(reason, 400);
      }
      const row = { ...p, id: `fpo_${randomUUID().slice(0, 12)}`, status: initialStatus };
      created.set(p.idempotencyKey, row);
      fake.afterCreate?.(p);
      return view(row);
    },
    async status(id) {
      const row = [...created.values()].find((r) => r.id === id);
      if (!row) throw new PayoutRejected(`no payout ${id}`, 404);
      return view(row);
    },
    setStatus(id, status, failureReason) {
      const row = [...created.values()].find((r) => r.id === id);
      if (!row) throw new Error(`no payout ${id}`);
      row.status = status;
      if (failureReason) row.failureReason = failureReason;
    },
  };
  return fake;
}
