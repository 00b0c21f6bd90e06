import type { AdminUser, GuardianConsentBody, Me } from '@tutorline/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api';

/** Students under 13 still waiting for a guardian's consent, or those with one recorded (with its evidence). */
export function useConsentStudents(consent: 'needed' | 'recorded') {
  const params = new URLSearchParams({ role: 'student', consent, limit: '50', offset: '0' });
  return useQuery({
    queryKey: ['admin', 'users', 'consent', consent],
    queryFn: () => api.get<{ users: AdminUser[]; total: number }>(`/api/admin/users?${params.toString()}`),
  });
}

export function useRecordGuardianConsent() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ studentId, body }: { studentId: string; body: GuardianConsentBody }) =>
      api.post<Me>(`/api/admin/students/${encodeURIComponent(studentId)}/guardian-consent`, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['admin', 'users'] }),
  });
}
