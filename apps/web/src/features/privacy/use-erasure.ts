import type { ErasureState } from '@tutorline/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api';

const erasureKey = (userId: string | null) => ['privacy', 'erasure', userId ?? 'me'] as const;
const erasurePath = (userId: string | null) => (userId ? `/api/privacy/erasure?userId=${userId}` : '/api/privacy/erasure');

/** Whether an account (mine, or a child's) is due to be deleted, and when. */
export function useErasure(userId: string | null, enabled = true) {
  return useQuery({ queryKey: erasureKey(userId), queryFn: () => api.get<ErasureState>(erasurePath(userId)), enabled });
}

export function useRequestErasure(userId: string | null) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<ErasureState>('/api/privacy/erasure', userId ? { userId } : {}),
    onSuccess: (state) => queryClient.setQueryData(erasureKey(userId), state),
  });
}

export function useCancelErasure(userId: string | null) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<ErasureState>('/api/privacy/erasure/cancel', userId ? { userId } : {}),
    onSuccess: (state) => queryClient.setQueryData(erasureKey(userId), state),
  });
}
