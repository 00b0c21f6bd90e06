import type { ErrorCode, FieldIssue } from '@tutorline/contracts';
import type { AnyFail, Result } from './result';

/** An error with a stable code that is safe to show to users. Anything else becomes a 500. */
export class AppError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: ErrorCode,
    message: string,
    public readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string, fields?: FieldIssue[]) =>
  new AppError(400, 'validation_failed', message, fields ? { fields } : undefined);
export const unauthenticated = (message = 'Please log in first.') => new AppError(401, 'unauthenticated', message);
export const forbidden = (message = 'You are not allowed to do that.') => new AppError(403, 'forbidden', message);
export const notFound = (what = 'That') => new AppError(404, 'not_found', `${what} was not found.`);
export const conflict = (message: string, code: ErrorCode = 'conflict') => new AppError(409, code, message);

/**
 * A module's one table from refusal reasons to HTTP errors (decision 039): status, code and the words, per reason.
 * `satisfies` it and every reason must have its entry; a reason added later fails to compile until it has one.
 */
export type RefusalTable<F extends AnyFail> = { [R in F['reason']]: (failure: Extract<F, { reason: R }>) => AppError };

/** What a route returns: the value of an ok result, or the HTTP error its module's table gives the refusal. */
export function valueOr<T, F extends AnyFail>(result: Result<T, F>, table: RefusalTable<F>): T {
  if (result.ok) return result.value;
  const toError = table[result.reason as F['reason']] as (failure: F) => AppError;
  throw toError(result);
}
