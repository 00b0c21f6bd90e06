import type { FieldIssue } from '@tutorline/contracts';
import { recordServerDate } from './server-clock';

/** An error response from the API, or a failure to reach it (status 0, code `network_error`). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: FieldIssue[];
  readonly requestId: string | undefined;

  constructor(status: number, code: string, message: string, fields: FieldIssue[] = [], requestId?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.requestId = requestId;
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function readFields(details: unknown): FieldIssue[] {
  if (!isRecord(details) || !Array.isArray(details.fields)) return [];
  return details.fields.flatMap((f: unknown) =>
    isRecord(f) && typeof f.path === 'string' && typeof f.message === 'string' ? [{ path: f.path, message: f.message }] : [],
  );
}

export function networkError(): ApiError {
  return new ApiError(0, 'network_error', 'Could not reach Tutorline. Check your connection and try again.');
}

function fallbackMessage(status: number): string {
  if (status === 429) return 'Too many attempts. Please wait a moment and try again.';
  if (status >= 500) return 'Something went wrong on our side. Please try again.';
  return 'The request could not be completed.';
}

/** Builds the error for a failed response from its status, parsed body (if any) and x-request-id header. */
export function apiErrorFrom(status: number, body: unknown, requestIdHeader: string | null): ApiError {
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  const code = typeof error?.code === 'string' ? error.code : `http_${status}`;
  const message = typeof error?.message === 'string' && error.message ? error.message : fallbackMessage(status);
  const requestId = typeof error?.requestId === 'string' ? error.requestId : (requestIdHeader ?? undefined);
  return new ApiError(status, code, message, readFields(error?.details), requestId);
}

async function toApiError(response: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  return apiErrorFrom(response.status, body, response.headers.get('x-request-id'));
}

async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { accept: 'application/json' } };
  // The server rejects a JSON content-type with an empty body, so only bodies get the header.
  if (body !== undefined) {
    init.headers = { accept: 'application/json', 'content-type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch {
    throw networkError();
  }
  recordServerDate(response.headers.get('date'));
  if (!response.ok) throw await toApiError(response);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, body),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, body),
  delete: <T>(path: string, body?: unknown) => request<T>('DELETE', path, body),
};

/** The message to show a user for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return 'Something went wrong. Please try again.';
}

