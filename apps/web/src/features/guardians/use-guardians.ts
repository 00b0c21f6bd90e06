import type { GuardianCardCheckStarted, GuardianCardConsentBody, GuardianChild, GuardianControlsBody, GuardianInviteView, GuardianSharing, GuardianSharingBody, Me } from '@tutorline/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api';
import { meQueryKey } from '../auth';

const childrenKey = ['guardian', 'children'] as const;

/** The guardian link's token, kept in the URL fragment so it never reaches a server log. */
export function inviteTokenFromHash(hash: string): string {
  const token = hash.replace(/^#/, '');
  return /^[A-Za-z0-9_-]{16,64}$/.test(token) ? token : '';
}

export function useInvite(token: string) {
  return useQuery({ queryKey: ['guardian', 'invite', token], queryFn: () => api.get<GuardianInviteView>(`/api/guardian-invites/${token}`), enabled: token.length > 0, retry: false });
}

export function useGuardianSignUp(token: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { email: string; password: string; displayName: string; timeZone?: string }) => api.post<{ user: Me; studentId: string }>(`/api/guardian-invites/${token}/signup`, body),
    onSuccess: (r) => queryClient.setQueryData(meQueryKey, r.user),
  });
}

export function useAcceptInvite(token: string) {
  return useMutation({ mutationFn: () => api.post<{ studentId: string }>(`/api/guardian-invites/${token}/accept`) });
}

/** `waitingFor`: a card check the guardian just came back from paying; the list is read again until billing settles it. */
export function useChildren(waitingFor: string | null = null) {
  return useQuery({
    queryKey: childrenKey,
    queryFn: () => api.get<{ children: GuardianChild[] }>('/api/guardian/children').then((r) => r.children),
    refetchInterval: (query) => (waitingFor && query.state.data?.some((c) => c.cardCheck.latest?.id === waitingFor && c.cardCheck.latest.status === 'open') ? 1000 : false),
  });
}

/** The card method (decision 086): signs the declaration and opens billing's payment page. */
export function useStartCardCheck(childId: string) {
  return useMutation({ mutationFn: (body: Omit<GuardianCardConsentBody, 'method'>) => api.post<GuardianCardCheckStarted>(`/api/guardian/children/${childId}/card-check`, { method: 'card_charge', ...body }) });
}

export function useSendCode(childId: string) {
  return useMutation({ mutationFn: (phone: string) => api.post<{ expiresAt: string }>(`/api/guardian/children/${childId}/code`, { phone }) });
}

export function useConsent(childId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { code: string; fullName: string; agreed: true; declarationVersion: string; declarationText: string }) => api.post<{ consentId: string }>(`/api/guardian/children/${childId}/consent`, { method: 'otp_declaration', ...body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: childrenKey }),
  });
}

export function useSetControls(childId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: GuardianControlsBody) => api.put<GuardianChild['controls']>(`/api/guardian/children/${childId}/controls`, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: childrenKey }),
  });
}

export function useRevoke(childId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<null>(`/api/guardian/children/${childId}/revoke`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: childrenKey }),
  });
}

/** Third-party sharing (#20, COPPA 2025): given or withdrawn apart from the main consent, on the exact text shown. */
export function useSetSharing(childId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: GuardianSharingBody) => api.post<GuardianSharing>(`/api/guardian/children/${childId}/sharing`, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: childrenKey }),
  });
}
