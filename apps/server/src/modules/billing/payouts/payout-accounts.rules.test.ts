import { describe, expect, it } from 'vitest';
import { connectStatus, maskAccountNumber, maskVpa, receivesPayouts } from './payout-accounts.rules';

const snap = { chargesEnabled: false, payoutsEnabled: false, detailsSubmitted: false, disabledReason: null, currentlyDue: [], pastDue: [] };

describe('payout account rules', () => {
  it('masks a bank account to its last 4 digits and a UPI ID to the ends of its handle', () => {
    expect(maskAccountNumber('000123456789')).toBe('•••• 6789');
    expect(maskVpa('rajesh.kumar@okhdfc')).toBe('ra•••••r@okhdfc');
    expect(maskVpa('ab@ybl')).toBe('••@ybl');
    expect(maskVpa('abc@YBL')).toBe('a•••••@ybl');
    expect(maskVpa('asha@ybl')).toBe('a•••••@ybl');
    expect(maskVpa('rajesh.kumar@okhdfc')).not.toContain('jesh');
  });

  it('reads a connected account status from payouts_enabled, details_submitted and requirements', () => {
    expect(connectStatus(snap)).toEqual({ status: 'pending', reason: null });
    expect(connectStatus({ ...snap, disabledReason: 'requirements.past_due', currentlyDue: ['external_account'] })).toEqual({ status: 'pending', reason: null });
    expect(connectStatus({ ...snap, chargesEnabled: true, payoutsEnabled: true, detailsSubmitted: true })).toEqual({ status: 'active', reason: null });
    expect(connectStatus({ ...snap, payoutsEnabled: true, detailsSubmitted: true, currentlyDue: ['individual.id_number'] }).status).toBe('active');
    expect(connectStatus({ ...snap, detailsSubmitted: true, disabledReason: 'requirements.past_due', pastDue: ['individual.verification.document'] })).toEqual({
      status: 'restricted',
      reason: 'Stripe needs: individual.verification.document',
    });
    expect(connectStatus({ ...snap, payoutsEnabled: true, detailsSubmitted: true, disabledReason: 'under_review' }).status).toBe('restricted');
    expect(connectStatus({ ...snap, detailsSubmitted: true, disabledReason: 'rejected.fraud' })).toEqual({ status: 'failed', reason: 'Stripe rejected the account (fraud)' });
  });

  it('pays only an active account of the adapter in use', () => {
    expect(receivesPayouts({ status: 'active', provider: 'razorpayx' }, 'razorpayx')).toBe(true);
    expect(receivesPayouts({ status: 'pending', provider: 'razorpayx' }, 'razorpayx')).toBe(false);
    expect(receivesPayouts({ status: 'active', provider: 'stripe-connect' }, 'razorpayx')).toBe(false);
    expect(receivesPayouts(null, 'razorpayx')).toBe(false);
  });
});
