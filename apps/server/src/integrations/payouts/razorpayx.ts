import { type FetchLike, type PayoutAdapter, type PayoutResult, requestJson } from './types';

/**
 * RazorpayX Payouts: POST /v1/payouts with Basic auth (key id : secret) and the X-Payout-Idempotency header.
 * Statuses: queued, pending, scheduled, processing → in transit; processed → paid; rejected, cancelled, failed,
 * reversed → failed (with status_details.description as the reason).
 */
export interface RazorpayXConfig {
  baseUrl: string;
  keyId: string;
  keySecret: string;
  /** The RazorpayX business account money is sent from. */
  accountNumber: string;
  mode?: 'IMPS' | 'NEFT' | 'RTGS' | 'UPI';
  timeoutMs?: number;
  fetch?: FetchLike;
}

export function mapRazorpayXStatus(body: Record<string, unknown>): PayoutResult {
  const status = String(body.status ?? '');
  const details = body.status_details as { description?: string } | null | undefined;
  const mapped = status === 'processed' ? 'paid' : ['rejected', 'cancelled', 'failed', 'reversed'].includes(status) ? 'failed' : 'in_transit';
  return { providerPayoutId: String(body.id), status: mapped, failureReason: mapped === 'failed' ? (details?.description ?? `payout ${status}`) : undefined };
}

export function createRazorpayXAdapter(config: RazorpayXConfig): PayoutAdapter {
  const base = config.baseUrl.replace(/\/$/, '');
  const fetchImpl = config.fetch ?? fetch;
  const timeout = config.timeoutMs ?? 10_000;
  const auth = `Basic ${Buffer.from(`${config.keyId}:${config.keySecret}`).toString('base64')}`;
  return {
    name: 'razorpayx',
    async send(p) {
      const body = await requestJson(
        fetchImpl,
        `${base}/v1/payouts`,
        {
          method: 'POST',
          headers: { authorization: auth, 'content-type': 'application/json', 'X-Payout-Idempotency': p.idempotencyKey },
          body: JSON.stringify({
            account_number: config.accountNumber,
            fund_account_id: p.destination,
            amount: p.amountMinor,
            currency: p.currency,
            mode: config.mode ?? 'IMPS',
            purpose: 'payout',
            queue_if_low_balance: true,
            reference_id: p.idempotencyKey,
            narration: 'Tutorline earnings',
            notes: { tutor_id: p.tutorId },
          }),
        },
        timeout,
      );
      return mapRazorpayXStatus(body);
    },
    async status(id) {
      return mapRazorpayXStatus(await requestJson(fetchImpl, `${base}/v1/payouts/${encodeURIComponent(id)}`, { headers: { authorization: auth } }, timeout));
    },
  };
}
