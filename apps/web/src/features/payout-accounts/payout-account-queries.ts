import type { MyPayoutAccount, PayoutAccount, RazorpayxAccountInput, TutorPayoutList } from '@tutorline/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api';

export const payoutAccountKeys = {
  mine: ['payout-account', 'mine'] as const,
  all: ['payout-account', 'all'] as const,
};

export function useMyPayoutAccount() {
  return useQuery({ queryKey: payoutAccountKeys.mine, queryFn: () => api.get<MyPayoutAccount>('/api/billing/tutor/payout-account') });
}

export function useSaveUpiOrBank() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: RazorpayxAccountInput) => api.put<PayoutAccount>('/api/billing/tutor/payout-account', body),
    onSuccess: () => void client.invalidateQueries({ queryKey: payoutAccountKeys.mine }),
  });
}

export function useStripeOnboarding() {
  return useMutation({ mutationFn: () => api.post<{ url: string; account: PayoutAccount }>('/api/billing/tutor/payout-account/stripe-onboarding', {}) });
}

export function useTutorPayoutAccounts() {
  return useQuery({ queryKey: payoutAccountKeys.all, queryFn: () => api.get<TutorPayoutList>('/api/admin/billing/payout-accounts') });
}
