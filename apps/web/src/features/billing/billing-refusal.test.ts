import { describe, expect, it } from 'vitest';
import { ApiError } from '../../lib/api';
import { isBillingRefusal } from './billing-refusal';

describe('isBillingRefusal', () => {
  it('is the server\'s payment_required, not a consent refusal, another 403 or other errors', () => {
    expect(isBillingRefusal(new ApiError(403, 'payment_required', 'You have no plan or question credits.'))).toBe(true);
    expect(isBillingRefusal(new ApiError(403, 'consent_required', 'A guardian must consent.'))).toBe(false);
    expect(isBillingRefusal(new ApiError(403, 'forbidden', 'Not yours.'))).toBe(false);
    expect(isBillingRefusal(new ApiError(400, 'validation_failed', 'bad'))).toBe(false);
    expect(isBillingRefusal(new Error('x'))).toBe(false);
    expect(isBillingRefusal(null)).toBe(false);
  });
});
