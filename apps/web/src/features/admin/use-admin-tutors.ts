import type { AdminUser, ApprovalStatus, TutorProfile } from '@tutorline/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api';

export const ADMIN_PAGE_SIZE = 50;

interface TutorListFilter {
  approvalStatus: ApprovalStatus | null;
  offset: number;
}

export function useAdminTutors({ approvalStatus, offset }: TutorListFilter) {
  const params = new URLSearchParams({ role: 'tutor', limit: String(ADMIN_PAGE_SIZE), offset: String(offset) });
  if (approvalStatus) params.set('approvalStatus', approvalStatus);
  return useQuery({
    queryKey: ['admin', 'users', 'tutor', approvalStatus, offset],
    queryFn: () => api.get<{ users: AdminUser[]; total: number }>(`/api/admin/users?${params.toString()}`),
    placeholderData: keepPreviousData,
  });
}

export function useSetTutorApproval() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ tutorId, status }: { tutorId: string; status: ApprovalStatus }) =>
      api.post<TutorProfile>(`/api/admin/tutors/${encodeURIComponent(tutorId)}/approval`, { status }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['admin', 'users'] }),
  });
}
