import type { ErrorCode, FieldIssue } from '@tutorline/contracts';

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
