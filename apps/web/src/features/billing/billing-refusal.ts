import { ApiError } from '../../lib/api';

/** Whether asking was refused for billing (no plan, no questions left, no credits): the server's `payment_required`. */
export function isBillingRefusal(error: unknown): error is ApiError {
  return error instanceof ApiError && error.code === 'payment_required';
}
