/**
 * A payout adapter sends money to a tutor. Every request carries our idempotency key (the payout's id), so a
 * request repeated after a crash or a timeout is one payout at the provider.
 */
export type AdapterPayoutStatus = 'in_transit' | 'paid' | 'failed';

export interface PayoutRequest {
  /** Our payout id: sent as the provider's idempotency key and as its reference. */
  idempotencyKey: string;
  tutorId: string;
  amountMinor: number;
  currency: string;
  /** Where the money goes at the provider (RazorpayX fund account, Stripe connected account). */
  destination: string;
}

export interface PayoutResult {
  providerPayoutId: string;
  status: AdapterPayoutStatus;
  failureReason?: string | undefined;
}

export interface PayoutAdapter {
  readonly name: string;
  send(p: PayoutRequest): Promise<PayoutResult>;
  /** The provider's current view of a payout (for statuses the provider reports later). */
  status(providerPayoutId: string): Promise<PayoutResult>;
}

/** The provider refused the payout for good (4xx other than 429): retrying the same request fails the same way. */
export class PayoutRejected extends Error {
  constructor(message: string, public readonly status: number | null) {
    super(message);
    this.name = 'PayoutRejected';
  }
}

/** A network failure, timeout, 429 or 5xx: the same request (same key) may be tried again. */
export class PayoutUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayoutUnavailable';
  }
}

export type FetchLike = typeof fetch;

/** One JSON request with a timeout; 4xx → PayoutRejected, the rest of failures → PayoutUnavailable. */
export async function requestJson(fetchImpl: FetchLike, url: string, init: RequestInit, timeoutMs: number): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await fetchImpl(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new PayoutUnavailable(`Could not reach ${new URL(url).host}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const text = await res.text().catch(() => '');
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    body = {};
  }
  if (res.ok) return body;
  const err = body.error as { description?: string; message?: string } | undefined;
  const message = `${new URL(url).host} answered ${res.status}: ${err?.description ?? err?.message ?? text.slice(0, 200)}`;
  if (res.status >= 500 || res.status === 429) throw new PayoutUnavailable(message);
  throw new PayoutRejected(message, res.status);
}
