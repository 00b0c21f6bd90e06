import { MediaError, type ProviderError, type ProviderErrorInit, SendError } from './types';

/** Shared HTTP plumbing for the provider adapters: timeouts, error classification, capped reads. */
export type FetchLike = typeof fetch;

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MEDIA_MAX_BYTES = 16 * 1024 * 1024;

type ErrorClass<E extends ProviderError = ProviderError> = new (init: ProviderErrorInit) => E;

/** Runs one request; a timeout or network failure becomes a retryable ProviderError of the given class. */
export async function fetchWithTimeout(
  fetchImpl: FetchLike,
  url: string,
  init: RequestInit,
  timeoutMs: number,
  ErrorType: ErrorClass,
): Promise<Response> {
  try {
    return await fetchImpl(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    throw new ErrorType({
      status: null,
      retryable: true,
      code: timedOut ? 'timeout' : 'network',
      message: timedOut ? `No answer from ${new URL(url).host} within ${timeoutMs} ms` : `Could not reach ${new URL(url).host}: ${describe(err)}`,
    });
  }
}

/** 5xx and 429 are worth retrying; any other non-2xx will fail the same way again. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429;
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(header: string | null, now: number): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export function httpError<E extends ProviderError>(ErrorType: ErrorClass<E>, res: Response, code: string | number | null, message: string): E {
  return new ErrorType({
    status: res.status,
    retryable: isRetryableStatus(res.status),
    code,
    message,
    // An HTTP-date Retry-After is on the provider's (real) clock, so it is compared with the real one: a wait, not a timestamp.
    // eslint-disable-next-line no-restricted-properties
    retryAfterMs: res.status === 429 || res.status === 503 ? parseRetryAfter(res.headers.get('retry-after'), Date.now()) : null,
  });
}

/** Reads a text body without failing: provider error bodies are sometimes empty or HTML. */
export async function readText(res: Response): Promise<string> {
  try {
    return await res.text();
  } catch {
    return '';
  }
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Reads the body into memory, aborting as soon as it grows past maxBytes (Content-Length may lie or be absent). */
export async function readCapped(res: Response, maxBytes: number): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel();
    throw tooLarge(maxBytes);
  }
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        throw tooLarge(maxBytes);
      }
      chunks.push(Buffer.from(value));
    }
  } catch (err) {
    if (err instanceof MediaError) throw err;
    throw new MediaError({ status: res.status, retryable: true, code: 'network', message: `Media download broke off: ${describe(err)}` });
  }
  return Buffer.concat(chunks, total);
}

function tooLarge(maxBytes: number): MediaError {
  return new MediaError({ status: null, retryable: false, code: 'too_large', message: `Media is larger than ${maxBytes} bytes` });
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
  }
  return String(err);
}

/** WhatsApp ids are E.164 digits; accept a leading '+' and reject anything else before it reaches the provider. */
export function e164Digits(to: string, ErrorType: ErrorClass = SendError): string {
  const digits = to.startsWith('+') ? to.slice(1) : to;
  if (!/^[1-9]\d{6,14}$/.test(digits)) {
    throw new ErrorType({ status: null, retryable: false, code: 'invalid_recipient', message: `Not an E.164 phone number: ${JSON.stringify(to)}` });
  }
  return digits;
}
