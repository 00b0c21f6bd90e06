import { type FetchLike, type PayoutAdapter, type PayoutResult, requestJson } from './types';

/**
 * Stripe Connect: a Transfer from the platform balance to the tutor's connected account (POST /v1/transfers,
 * form-encoded, Bearer secret key, Idempotency-Key header). A transfer is final once created (paid) unless it
 * is reversed; a reversed transfer reads as failed.
 */
export interface StripeConnectConfig {
  baseUrl: string;
  secretKey: string;
  timeoutMs?: number;
  fetch?: FetchLike;
}

export function mapStripeTransfer(body: Record<string, unknown>): PayoutResult {
  const reversed = body.reversed === true;
  return { providerPayoutId: String(body.id), status: reversed ? 'failed' : 'paid', failureReason: reversed ? 'transfer reversed' : undefined };
}

export function createStripeConnectAdapter(config: StripeConnectConfig): PayoutAdapter {
  const base = config.baseUrl.replace(/\/$/, '');
  const fetchImpl = config.fetch ?? fetch;
  const timeout = config.timeoutMs ?? 10_000;
  const auth = `Bearer ${config.secretKey}`;
  return {
    name: 'stripe-connect',
    async send(p) {
      const form = new URLSearchParams({
        amount: String(p.amountMinor),
        currency: p.currency.toLowerCase(),
        destination: p.destination,
        transfer_group: p.idempotencyKey,
        'metadata[payout_id]': p.idempotencyKey,
        'metadata[tutor_id]': p.tutorId,
      });
      const body = await requestJson(
        fetchImpl,
        `${base}/v1/transfers`,
        { method: 'POST', headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded', 'Idempotency-Key': p.idempotencyKey }, body: form.toString() },
        timeout,
      );
      return mapStripeTransfer(body);
    },
    async status(id) {
      return mapStripeTransfer(await requestJson(fetchImpl, `${base}/v1/transfers/${encodeURIComponent(id)}`, { headers: { authorization: auth } }, timeout));
    },
  };
}
