import type { AdminPaymentsPage, BillingMe, BillingPlan, CheckoutView, CreatePlanBody, RefundBody, RefundView, RevenueReport, Statement, TutorBalance, UpdatePlanBody } from '@tutorline/contracts';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api';
import { reportPath } from './billing-format';

/** Query keys of billing. */
export const billingQueryRoot = 'billing';
export const billingKeys = {
  me: [billingQueryRoot, 'me'] as const,
  plans: [billingQueryRoot, 'plans'] as const,
  checkout: (id: string) => [billingQueryRoot, 'checkout', id] as const,
  balance: [billingQueryRoot, 'tutor-balance'] as const,
  statement: (from: string, to: string) => [billingQueryRoot, 'statement', from, to] as const,
  revenue: (from: string, to: string) => [billingQueryRoot, 'revenue', from, to] as const,
  adminPlans: [billingQueryRoot, 'admin-plans'] as const,
  payments: (email: string) => [billingQueryRoot, 'payments', email] as const,
  paymentsRoot: [billingQueryRoot, 'payments'] as const,
};

export function useBillingMe(enabled = true) {
  return useQuery({ queryKey: billingKeys.me, queryFn: () => api.get<BillingMe>('/api/billing/me'), enabled });
}

export function usePlansOnSale() {
  return useQuery({ queryKey: billingKeys.plans, queryFn: () => api.get<BillingPlan[]>('/api/billing/plans') });
}

export function useStartCheckout() {
  return useMutation({
    mutationFn: (body: { planId: string; currency: string; idempotencyKey: string; successUrl?: string; cancelUrl?: string }) => api.post<CheckoutView>('/api/billing/checkout', body),
  });
}

/** How long the return page keeps asking before it says the payment is taking longer than usual. */
export const CHECKOUT_WAIT_MS = 60_000;

/** The checkout after returning from the payment page: asked every 1.5 s while it is open (until `polling` is false). */
export function useCheckout(id: string, polling: boolean) {
  return useQuery({
    queryKey: billingKeys.checkout(id),
    queryFn: () => api.get<CheckoutView>(`/api/billing/checkouts/${encodeURIComponent(id)}`),
    refetchInterval: (query) => (polling && (!query.state.data || query.state.data.status === 'open') ? 1500 : false),
  });
}

export function useTutorBalance() {
  return useQuery({ queryKey: billingKeys.balance, queryFn: () => api.get<TutorBalance>('/api/billing/tutor/balance') });
}

export function useStatement(range: { from: string; to: string }) {
  return useQuery({ queryKey: billingKeys.statement(range.from, range.to), queryFn: () => api.get<Statement>(reportPath('/api/billing/tutor/statement', range)) });
}

export function useRevenue(range: { from: string; to: string }) {
  return useQuery({ queryKey: billingKeys.revenue(range.from, range.to), queryFn: () => api.get<RevenueReport>(reportPath('/api/admin/billing/revenue', range)) });
}

export function useAdminPlans() {
  return useQuery({ queryKey: billingKeys.adminPlans, queryFn: () => api.get<BillingPlan[]>('/api/admin/billing/plans') });
}

export function useSavePlan() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string; isNew: boolean; body: UpdatePlanBody }) =>
      v.isNew ? api.post<BillingPlan>('/api/admin/billing/plans', { id: v.id, ...v.body } satisfies CreatePlanBody) : api.put<BillingPlan>(`/api/admin/billing/plans/${encodeURIComponent(v.id)}`, v.body),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: billingKeys.adminPlans });
      void queryClient.invalidateQueries({ queryKey: billingKeys.plans });
    },
  });
}

export function useAdminPayments(studentEmail: string) {
  return useInfiniteQuery({
    queryKey: billingKeys.payments(studentEmail),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => {
      const params = new URLSearchParams({ limit: '20' });
      if (studentEmail) params.set('studentEmail', studentEmail);
      if (pageParam) params.set('cursor', pageParam);
      return api.get<AdminPaymentsPage>(`/api/admin/billing/payments?${params.toString()}`);
    },
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function useRefund() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (v: { paymentId: string; body: RefundBody }) => api.post<RefundView>(`/api/admin/payments/${encodeURIComponent(v.paymentId)}/refund`, v.body),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: billingKeys.paymentsRoot });
      void queryClient.invalidateQueries({ queryKey: [billingQueryRoot, 'revenue'] });
    },
  });
}
